package io.github.twpool.mysql;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Order;

import ch.qos.logback.classic.Level;
import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.Churner;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * Churn from a separate process on this host, against the embedded MariaDB 11.4 with TLS on (its own port), beside
 * a pool probing every second. Over TLS Connector/J ends each connection with a reset: no TIME_WAIT anywhere. The
 * steady pooled load that must warn of nothing is {@link TlsSteadyLoadIntegrationTest}, a class of its own so that it
 * runs beside this one (each in a test JVM and network namespace of its own: test-support/isolated-jvm).
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
@ResourceLock(MySqlTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class TlsChurnIntegrationTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    static Properties pool(TestDatabase db, String name) {
        return db.twpoolProperties("twpool.name", name, "twpool.pool-size", "2", "twpool.probe.enabled", "true",
                "twpool.probe.interval", "1s", "twpool.probe.scan-every", "1", "twpool.churn.min-rate", "2",
                "twpool.churn.warn-interval", "1s");
    }

    /** Every verdict message seen while polling, to check none ever blamed other hosts. */
    private static void collect(TwPoolDataSource ds, Set<String> seen) {
        for (ChurnVerdict v : ds.churnReport().verdicts()) {
            seen.add(v.cause().tag() + ": " + v.message());
        }
    }

    private static long awaitVerdict(TwPoolDataSource ds, ChurnCause cause, boolean present, Duration limit, Set<String> seen)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            collect(ds, seen);
            if (ds.churnReport().has(cause) == present) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        throw new AssertionError((present ? "no " : "still ") + cause.tag() + " within " + limit + "; report: " + ds.churnReport());
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aSeparateProcessChurningOverTlsIsOutsidePoolWithItsRateAndClearsAfterIt() throws Exception {
        TestDatabase db = TestDatabase.tls();
        Set<String> seen = new LinkedHashSet<>();
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(pool(db, "tlsproc"));
             LogCapture log = LogCapture.of("io.github.twpool.churn")) {
            awaitRunning(ds);
            Thread.sleep(2500); // a quiet baseline: a couple of server samples and host-counter ticks
            assertThat(ds.churnReport().verdicts()).isEmpty();
            try (Churner churner = Churner.start(db.jdbcUrl(), db.username(), db.password(), 10, Duration.ofSeconds(14))) {
                long started = churner.awaitStarted(Duration.ofSeconds(30));
                long detected = awaitVerdict(ds, ChurnCause.OUTSIDE_POOL, true, Duration.ofSeconds(10), seen);
                double intervals = (detected - started) / (double) INTERVAL.toNanos();
                assertThat(intervals).as("probe intervals from the first connect to the verdict").isLessThanOrEqualTo(3.0);

                // Rates once the churn runs steadily, against the churner's own count.
                Thread.sleep(4000);
                List<Double> measured = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    collect(ds, seen);
                    measured.add(ds.churnReport().rates().outside());
                    Thread.sleep(1000);
                }
                double truth = churner.rate();
                double mean = measured.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
                assertThat(mean).as("outside rate %s vs the churner's %.2f/s", measured, truth).isCloseTo(truth, withPercentage(30));
                ChurnReport r = ds.churnReport();
                // TIME_WAIT left by another test's plain churn may linger; none entered while this one ran over TLS.
                assertThat(r.census().clientTimeWaitNewerThan(Duration.ofSeconds(5)) + r.census().serverTimeWaitNewerThan(Duration.ofSeconds(5)))
                        .as("TLS: no new TIME_WAIT to the endpoint").isLessThan(3);
                assertThat(r.rates().hostResets()).as("resets/s this host sent").isGreaterThan(0.5 * truth);
                io.github.twpool.ChurnVerdict verdict = r.verdicts().stream().filter(v -> v.cause() == ChurnCause.OUTSIDE_POOL)
                        .findFirst().orElseThrow();
                String outside = verdict.message();
                assertThat(outside).contains("another process on this host", "end in a reset", "TLS handshake")
                        .doesNotContain("running out");
                assertThat(verdict.fields().get("twpool.cost")).asString().contains("CPU on both", "latency");

                assertThat(churner.awaitDone(Duration.ofSeconds(30))).as(churner.output()).isTrue();
                awaitVerdict(ds, ChurnCause.OUTSIDE_POOL, false, INTERVAL.multipliedBy(4), seen);
            }
            assertThat(log.messages(Level.WARN)).isNotEmpty();
            seen.addAll(log.messages(Level.WARN));
        }
        assertThat(seen).as("every verdict seen").noneMatch(m -> m.contains("other hosts") || m.contains("Other hosts"));
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void theSameOverPlainTcpIsOutsidePoolAndTheCensusAgreesWithSs() throws Exception {
        TestDatabase tls = TestDatabase.tls();
        String plainUrl = tls.jdbcUrl() + (tls.jdbcUrl().contains("?") ? "&" : "?") + "sslMode=DISABLED";
        Set<String> seen = new LinkedHashSet<>();
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(pool(tls, "plainproc"))) {
            awaitRunning(ds);
            try (Churner churner = Churner.start(plainUrl, tls.username(), tls.password(), 10, Duration.ofSeconds(10))) {
                long started = churner.awaitStarted(Duration.ofSeconds(30));
                long detected = awaitVerdict(ds, ChurnCause.OUTSIDE_POOL, true, Duration.ofSeconds(10), seen);
                assertThat((detected - started) / (double) INTERVAL.toNanos()).isLessThanOrEqualTo(3.0);
                Thread.sleep(3000);
                // The census and ss, read back to back, count the same TIME_WAIT sockets on the endpoint's port.
                // The census and ss, read back to back while TIME_WAIT grows by ~10/s: the census lies between them.
                String filter = "dport = :" + tls.port() + " or sport = :" + tls.port();
                int ssBefore = ssCount("time-wait", filter);
                ChurnReport r = awaitFreshCensus(ds);
                int ssAfter = ssCount("time-wait", filter);
                assertThat(r.census().timeWait()).as("census vs ss (%d before, %d after)", ssBefore, ssAfter)
                        .isBetween(ssBefore - 2, ssAfter + 2);
                String outside = r.verdicts().stream().filter(v -> v.cause() == ChurnCause.OUTSIDE_POOL).findFirst().orElseThrow().message();
                assertThat(outside).contains("sockets in TIME_WAIT").doesNotContain("end in a reset");
                assertThat(churner.awaitDone(Duration.ofSeconds(30))).as(churner.output()).isTrue();
            }
        }
        assertThat(seen).noneMatch(m -> m.contains("other hosts"));
    }

    static void awaitRunning(TwPoolDataSource ds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!ds.churnReport().probeRunning() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ds.churnReport().probeRunning()).as(ds.churnReport().probeStatus()).isTrue();
    }

    private static ChurnReport awaitFreshCensus(TwPoolDataSource ds) throws InterruptedException {
        java.time.Instant before = ds.churnReport().census().at();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            ChurnReport r = ds.churnReport();
            if (r.census() != null && r.census().at().isAfter(before)) {
                return r;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no fresh census");
    }

    private static int ssCount(String state, String filter) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("ss", "-Htan", "state", state, "( " + filter + " )")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }
}
