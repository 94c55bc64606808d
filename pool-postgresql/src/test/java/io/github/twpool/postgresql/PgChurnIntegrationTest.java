package io.github.twpool.postgresql;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Order;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.ServerStatus;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * Churn from another process on this host (psycopg2, ~20 connections/s, each living about a millisecond) beside a
 * pool probing every second, against PostgreSQL over plain TCP and over TLS: the pool names it outside-pool within
 * 3 intervals, measures its rate (within 10 % plain, 30 % TLS), clears the verdict once it stops, and the server's
 * own session counter (pg_stat_database.sessions) agrees with the churner's count.
 */
@ResourceLock(PgTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class PgChurnIntegrationTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final double RATE = 20;

    private static Properties pool(TestDatabase db, String name) {
        return db.twpoolProperties("twpool.name", name, "twpool.pool-size", "2", "twpool.probe.enabled", "true",
                "twpool.probe.interval", "1s", "twpool.probe.scan-every", "1", "twpool.churn.min-rate", "2",
                "twpool.churn.warn-interval", "1s", "twpool.postgresql.status-interval", "1s");
    }

    @Test
    void plainChurnFromAnotherProcessIsOutsidePoolWithinTenPercent() throws Exception {
        churn(TestDatabase.postgres(), "disable", 10);
    }

    @Test
    void tlsChurnFromAnotherProcessIsOutsidePoolWithinThirtyPercent() throws Exception {
        TestDatabase tls = TestDatabase.postgresTls();
        churn(tls, "require", 30);
    }

    private static void churn(TestDatabase db, String sslmode, double tolerancePercent) throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(pool(db, "pgchurn-" + sslmode))) {
            awaitRunning(ds);
            Thread.sleep(2500); // a quiet baseline: a couple of server samples and host-counter ticks
            long sessionsBefore = -1;
            try (PyChurner churner = PyChurner.start(db, sslmode, RATE, Duration.ofSeconds(14))) {
                long started = churner.awaitStarted(Duration.ofSeconds(30));
                ServerStatus atStart = ds.churnReport().server();
                long detected = awaitVerdict(ds, ChurnCause.OUTSIDE_POOL, true, Duration.ofSeconds(10), seen);
                assertThat((detected - started) / (double) INTERVAL.toNanos())
                        .as("probe intervals from the first connect to the verdict").isLessThanOrEqualTo(3.0);

                Thread.sleep(3000);
                List<Double> outside = new ArrayList<>();
                List<Double> server = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    ChurnReport r = ds.churnReport();
                    collect(r, seen);
                    outside.add(r.rates().outside());
                    server.add(r.rates().server());
                    Thread.sleep(1000);
                }
                assertThat(churner.awaitDone(Duration.ofSeconds(30))).as(churner.output()).isTrue();
                double truth = churner.rate();
                assertThat(truth).as("the churner's own rate").isBetween(0.8 * RATE, 1.05 * RATE);
                double meanOutside = outside.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                assertThat(meanOutside).as("outside rate %s vs the churner's %.2f/s", outside, truth)
                        .isCloseTo(truth, withPercentage(tolerancePercent));
                double meanServer = server.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                assertThat(meanServer).as("server session rate %s vs the churner's %.2f/s", server, truth)
                        .isCloseTo(truth, withPercentage(tolerancePercent));
                String message = ds.churnReport().verdicts().stream().filter(v -> v.cause() == ChurnCause.OUTSIDE_POOL)
                        .map(ChurnVerdict::message).findFirst().orElse(seen.toString());
                assertThat(message).contains("another process on this host");
                awaitVerdict(ds, ChurnCause.OUTSIDE_POOL, false, INTERVAL.multipliedBy(4), seen);
                // The server counted every session the churner made (and a few of the pool's own status reads).
                ServerStatus after = ds.churnReport().server();
                assertThat(after.connectionsTotal() - atStart.connectionsTotal())
                        .as("pg_stat_database.sessions growth vs the churner's %d", churner.count())
                        .isBetween(churner.count() - 2, churner.count() + 10);
            }
        }
        assertThat(seen).as("every verdict seen").noneMatch(m -> m.contains("other hosts") || m.contains("Other hosts"));
    }

    private static void collect(ChurnReport r, Set<String> seen) {
        for (ChurnVerdict v : r.verdicts()) {
            seen.add(v.cause().tag() + ": " + v.message());
        }
    }

    private static long awaitVerdict(TwPoolDataSource ds, ChurnCause cause, boolean present, Duration limit, Set<String> seen)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            ChurnReport r = ds.churnReport();
            collect(r, seen);
            if (r.has(cause) == present) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        throw new AssertionError((present ? "no " : "still ") + cause.tag() + " within " + limit + "; report: " + ds.churnReport());
    }

    private static void awaitRunning(TwPoolDataSource ds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ds.churnReport().probeRunning() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ds.churnReport().probeRunning()).as(ds.churnReport().probeStatus()).isTrue();
    }
}
