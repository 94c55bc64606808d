package io.github.twpool;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;
import ch.qos.logback.classic.Level;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.twpool.PoolTestSupport.await;
import static io.github.twpool.PoolTestSupport.props;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real churn against the real server, and what the detector makes of it. A pool that churns by its own
 * configuration is {@link ChurnDetectionOverflowIntegrationTest}: a class of its own, so that it runs beside this one
 * in a test JVM and network namespace of its own (test-support/isolated-jvm).
 */
@ResourceLock(PoolTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class ChurnDetectionIntegrationTest {

    private static final Pattern RATE = Pattern.compile("~([0-9.]+) new connections/s");
    private static final Duration LOAD = Duration.ofSeconds(8);

    static String[] probeFast(String name, String... more) {
        List<String> kv = new ArrayList<>(List.of("twpool.name", name, "twpool.probe.enabled", "true",
                "twpool.probe.interval", "1s", "twpool.probe.scan-every", "1", "twpool.churn.min-rate", "5",
                "twpool.churn.warn-interval", "1s"));
        kv.addAll(List.of(more));
        return kv.toArray(new String[0]);
    }

    static void query(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    /** Runs requests for LOAD at most {@code perSecond}; returns how many ran. */
    private static int load(int perSecond, ThrowingRequest request) throws Exception {
        long start = System.nanoTime();
        long end = start + LOAD.toNanos();
        int n = 0;
        while (System.nanoTime() < end) {
            request.run();
            n++;
            long due = start + (long) (n * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        return n;
    }

    interface ThrowingRequest {
        void run() throws Exception;
    }

    @Test
    void unpooledChurnBesideAQuietPoolIsReportedAsOutsideThePool() throws Exception {
        TestDatabase db = TestDatabase.get();
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(probeFast("quiet", "twpool.pool-size", "2")));
             LogCapture log = LogCapture.of("io.github.twpool.churn")) {
            assertThat(await(Duration.ofSeconds(5), () -> ds.churnReport().probeRunning())).isTrue();
            long startNanos = System.nanoTime();
            int requests = load(150, () -> {
                try (Connection c = db.openDirect()) {
                    query(c);
                }
            });
            double actual = requests / ((System.nanoTime() - startNanos) / 1e9);
            assertThat(await(Duration.ofSeconds(5), () -> !log.messages(Level.WARN).isEmpty())).isTrue();
            List<String> warnings = log.messages(Level.WARN);
            // The last one: the first may come from a window the load only half filled.
            String outside = warnings.stream().filter(w -> w.contains("churn outside this pool")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no outside-pool warning in " + warnings));
            Matcher m = RATE.matcher(outside);
            assertThat(m.find()).isTrue();
            double reported = Double.parseDouble(m.group(1));
            // The right order of magnitude: a one-second window at ~150/s.
            assertThat(reported).isBetween(actual / 3, actual * 3);
            assertThat(outside).contains("quiet", db.port() + "").hasSizeLessThanOrEqualTo(300);
            // The pool's own rate is a field of the same event, not a second rate in the line.
            assertThat(log.keyValues(Level.WARN)).filteredOn(kv -> "outside-pool".equals(kv.get("twpool.cause")))
                    .last().satisfies(kv -> assertThat(kv).containsEntry("twpool.pool_open_rate", 0.0)
                            .containsEntry("twpool.pool", "quiet").containsKey("twpool.rate"));
            assertThat(ds.churnReport().warnings()).containsKey(ChurnCause.OUTSIDE_POOL);
            assertThat(ds.connectionsOpened()).isEqualTo(2);
        }
    }

    @Test
    void aPooledSteadyLoadOfTheSameSizeYieldsNoWarning() throws Exception {
        // Churn from earlier tests is real churn: give its newest TIME_WAIT sockets time to age past the window.
        Thread.sleep(3000);
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(probeFast("steady", "twpool.pool-size", "4")));
             LogCapture log = LogCapture.of("io.github.twpool.churn")) {
            assertThat(await(Duration.ofSeconds(5), () -> ds.churnReport().probeRunning())).isTrue();
            Thread.sleep(1500); // let the probe take a baseline after the pool filled
            int requests = load(150, () -> {
                try (Connection c = ds.getConnection()) {
                    query(c);
                }
            });
            try (Connection c = ds.getConnection()) {
                // With the probe on, the borrower still gets Hikari's own connection: no twpool proxy.
                assertThat(c.getClass().getName()).startsWith("com.zaxxer.hikari.pool.");
            }
            Thread.sleep(2500); // two more probe ticks
            assertThat(requests).isGreaterThan(600);
            assertThat(log.messages(Level.WARN)).isEmpty();
            ChurnReport r = ds.churnReport();
            assertThat(r.verdicts()).isEmpty();
            assertThat(r.connectionsOpened()).isEqualTo(4);
            assertThat(r.census()).isNotNull();
            assertThat(r.census().establishedClient() + r.census().establishedServer()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void anUnreadableProcLeavesThePoolWorkingAndLogsOneLine() throws Exception {
        try (LogCapture log = LogCapture.of("io.github.twpool.probe");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(probeFast("noproc",
                     "twpool.pool-size", "1", "twpool.probe.proc-root", "/nonexistent-twpool-proc")))) {
            for (int i = 0; i < 3; i++) {
                try (Connection c = ds.getConnection()) {
                    query(c);
                }
            }
            assertThat(await(Duration.ofSeconds(5), () -> ds.churnReport().probeStatus().startsWith("unavailable"))).isTrue();
            Thread.sleep(2500);
            assertThat(log.messages(Level.INFO)).filteredOn(l -> l.contains("probe unavailable")).hasSize(1);
            assertThat(log.messages(Level.WARN)).isEmpty();
        }
    }

    @Test
    void theProbeThreadRunsOnlyWhenEnabledAndStopsOnClose() throws Exception {
        try (TwPoolDataSource off = TwPoolDataSource.fromProperties(props("twpool.name", "probe-off", "twpool.pool-size", "1"))) {
            assertThat(off.churnReport().probeStatus()).isEqualTo("disabled");
            assertThat(threadNamed("twpool-probe-off-probe")).isFalse();
        }
        TwPoolDataSource on = TwPoolDataSource.fromProperties(props(probeFast("probe-on", "twpool.pool-size", "1")));
        assertThat(await(Duration.ofSeconds(5), () -> threadNamed("twpool-probe-on-probe"))).isTrue();
        on.close();
        assertThat(await(Duration.ofSeconds(5), () -> !threadNamed("twpool-probe-on-probe"))).isTrue();
    }

    static int total(TwPoolDataSource ds) {
        try {
            return ds.unwrap(com.zaxxer.hikari.HikariPoolMXBean.class).getTotalConnections();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
