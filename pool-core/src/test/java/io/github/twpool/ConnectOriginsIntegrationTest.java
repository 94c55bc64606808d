package io.github.twpool;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;
import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.mysql.cj.jdbc.MysqlDataSource;
import io.github.twpool.spi.PoolContext;
import io.github.twpool.spi.ServerStatusSource;
import io.github.twpool.spi.TwPoolExtension;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.PyMySqlChurner;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.github.twpool.PoolTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * Who opens connections outside the pool, found without touching {@link DriverManager}: churn in this JVM through
 * {@code DriverManager}, a HikariCP pool per request with {@code driverClassName} and a driver's own DataSource, each
 * over TLS against the embedded MariaDB 11.4 (its own port: no one else's connections there), named with its call
 * site and share, with the rate; churn the old driver swap missed (a pool created before twpool, 1,000 distinct
 * URLs, failed logins); and a separate process (Python's PyMySQL) churning beside them, never taken for this JVM.
 *
 * <p>The rate is the server's count of new connections (read through a pooled connection, as pool-mysql does),
 * bounded by this host's TCP counters: over TLS Connector/J ends connections with a reset, so there is no TIME_WAIT.
 */
@ResourceLock(PoolTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class ConnectOriginsIntegrationTest {

    /** The server's {@code Connections} counter, as pool-mysql's status source reads it (without per-host counts). */
    static final class ServerCount implements TwPoolExtension {
        @Override
        public String name() {
            return "servercount";
        }

        @Override
        public boolean supports(String jdbcUrl) {
            return jdbcUrl.startsWith("jdbc:mysql:");
        }

        @Override
        public ServerStatusSource serverStatusSource(PoolContext context) {
            return new ServerStatusSource() {
                @Override
                public Duration interval() {
                    return Duration.ofSeconds(1);
                }

                @Override
                public ServerStatus sample(Connection c) throws SQLException {
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Connections'")) {
                        rs.next();
                        return new ServerStatus(Instant.now(), rs.getLong(2), -1, -1, -1, -1, -1, -1, -1, null,
                                "not read by this test");
                    }
                }
            };
        }
    }

    private static TwPoolDataSource pool(String name) {
        Properties p = TestDatabase.tls().twpoolProperties("twpool.name", name, "twpool.pool-size", "2",
                "twpool.probe.enabled", "true", "twpool.probe.interval", "1s", "twpool.churn.min-rate", "2",
                "twpool.churn.warn-interval", "1s");
        return TwPoolDataSource.create(TwPoolConfig.fromProperties(p), List.of(new ServerCount()));
    }

    private static void select1(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    /** Runs {@code request} at {@code perSecond} until {@code endNanos}; the number made. */
    private static long paced(double perSecond, long endNanos, SqlRunnable request) throws Exception {
        long start = System.nanoTime();
        long n = 0;
        while (System.nanoTime() < endNanos) {
            request.run();
            n++;
            MADE.incrementAndGet();
            long wait = start + (long) (n * 1e9 / perSecond) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        return n;
    }

    interface SqlRunnable {
        void run() throws Exception;
    }

    // The churners, each its own method: the call site the warning must name.

    static long driverManagerChurn(TestDatabase db, double perSecond, long end) throws Exception {
        return paced(perSecond, end, () -> {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
                select1(c);
            }
        });
    }

    static long hikariPoolPerRequest(TestDatabase db, double perSecond, long end) throws Exception {
        return paced(perSecond, end, () -> {
            HikariConfig h = new HikariConfig();
            h.setJdbcUrl(db.jdbcUrl());
            h.setUsername(db.username());
            h.setPassword(db.password());
            h.setDriverClassName("com.mysql.cj.jdbc.Driver"); // as Spring Boot always sets it
            h.setMaximumPoolSize(1);
            h.setMinimumIdle(1);
            try (HikariDataSource ds = new HikariDataSource(h); Connection c = ds.getConnection()) {
                select1(c);
            }
        });
    }

    static long plainDataSourceChurn(TestDatabase db, double perSecond, long end) throws Exception {
        MysqlDataSource ds = new MysqlDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(db.username());
        ds.setPassword(db.password());
        return paced(perSecond, end, () -> {
            try (Connection c = ds.getConnection()) {
                select1(c);
            }
        });
    }

    static long distinctUrlChurn(TestDatabase db, double perSecond, long end) throws Exception {
        AtomicLong i = new AtomicLong();
        String sep = db.jdbcUrl().contains("?") ? "&" : "?";
        return paced(perSecond, end, () -> {
            String url = db.jdbcUrl() + sep + "connectTimeout=" + (20_000 + i.getAndIncrement() % 1000);
            try (Connection c = DriverManager.getConnection(url, db.username(), db.password())) {
                select1(c);
            }
        });
    }

    static long failedLoginChurn(TestDatabase db, double perSecond, long end) throws Exception {
        // The embedded server skips grant tables; a database that does not exist fails the login instead.
        String url = db.jdbcUrl().replaceFirst("/[^/?]*(\\?|$)", "/no_such_database_here$1");
        return paced(perSecond, end, () -> {
            try (Connection c = DriverManager.getConnection(url, db.username(), db.password())) {
                throw new AssertionError("connected to a database that does not exist");
            } catch (SQLException expected) {
                // counted by the server, opened a socket, failed: churn all the same
            }
        });
    }

    /** Connects the churners made, for the truth over the same window as the reports. */
    static final AtomicLong MADE = new AtomicLong();

    /** The report's origins once the samples have a window's worth, polled every second from {@code from}. */
    private static List<ChurnReport> reports(TwPoolDataSource ds, long fromNanos, long endNanos) throws InterruptedException {
        return reports(ds, fromNanos, endNanos, new double[1]);
    }

    /** As above; {@code truth[0]} is set to the churners' rate over the polling window. */
    private static List<ChurnReport> reports(TwPoolDataSource ds, long fromNanos, long endNanos, double[] truth)
            throws InterruptedException {
        List<ChurnReport> out = new ArrayList<>();
        while (System.nanoTime() < fromNanos) {
            Thread.sleep(100);
        }
        long firstNanos = System.nanoTime();
        long firstMade = MADE.get();
        while (System.nanoTime() < endNanos - 500_000_000L) {
            out.add(ds.churnReport());
            Thread.sleep(1000);
        }
        truth[0] = (MADE.get() - firstMade) / ((System.nanoTime() - firstNanos) / 1e9);
        return out;
    }

    private static double share(ChurnReport r, String method) {
        // The frame is the churner's method or the lambda inside it (lambda$driverManagerChurn$0).
        String prefix = ConnectOriginsIntegrationTest.class.getName() + ".";
        return r.callSites().stream().filter(s -> s.frame().startsWith(prefix + method + "(")
                        || s.frame().startsWith(prefix + "lambda$" + method + "$"))
                .mapToDouble(ChurnReport.CallSite::share).sum();
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.removeIf(d -> Double.isNaN(d));
        s.sort(Double::compare);
        assertThat(s).as("measured values").isNotEmpty();
        return s.get(s.size() / 2);
    }

    /** Whether every new socket caught could be given an owner (the census was fast enough here). */
    /**
     * The socket samples decided. They may not: a census slower than a connection (Java 17 reads /proc/net/tcp, and
     * waits 100 times what a read cost before the next) catches a few new connections in 30 s, or none, or catches
     * them too briefly to tell whose; the sampler must then say it cannot tell, never guess.
     */
    private static boolean decisive(ChurnReport r) {
        return r.origins().origin() != ChurnOrigins.Origin.UNDECIDED;
    }

    private static void assertUndecided(ChurnReport r) {
        String described = r.origins().toString();
        assertThat(r.origins().origin()).as(described).isEqualTo(ChurnOrigins.Origin.UNDECIDED);
        // It says why: sockets open too briefly to tell whose, none caught, or too few to rule out another process.
        assertThat(r.origins().undecided()).as(described)
                .containsAnyOf("too briefly to tell whose", "no new connection to the endpoint was caught open",
                        "too few to rule out another process");
        assertThat(r.origins().thisJvmRate()).as(described).isNaN();
        assertThat(r.verdicts()).extracting(ChurnVerdict::message).allSatisfy(m -> assertThat(m)
                .doesNotContain("/s from this JVM", "/s from another process"));
    }

    /**
     * Whether the socket samples were enough to catch some of Python's connections (30/s, each open about a
     * millisecond): three expected. A census that walks a large connection table takes milliseconds, and the sampler
     * waits 100 times that: on such a host 30 s of samples may be expected to catch none.
     */
    private static boolean canCatchPython(ChurnReport r) {
        return r.origins().socketSamples() * 30 * 0.001 >= 3;
    }

    private static boolean netlink(ChurnReport r) {
        return r.origins().splitMethod() != null && r.origins().splitMethod().contains("netlink");
    }

    @Test
    void threeChurnersInThisJvmOverTlsAreNamedWithTheirSharesAndTheRate() throws Exception {
        TestDatabase db = TestDatabase.tls();
        try (TwPoolDataSource ds = pool("origins"); LogCapture log = LogCapture.of("io.github.twpool.churn")) {
            assertThat(await(Duration.ofSeconds(10), () -> ds.churnReport().probeRunning())).isTrue();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
                rs.next();
                assertThat(rs.getString(2)).as("the churn runs over TLS").isNotBlank();
            }
            Thread.sleep(2000);
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(26).toNanos();
            ExecutorService threads = Executors.newFixedThreadPool(3);
            // 32/s in all: the stack samples catch each churner in proportion to its rate, and at this rate enough
            // of them (some 100 caught connects in the window) for its share to be within 15 points of the truth.
            Future<Long> a = threads.submit(() -> driverManagerChurn(db, 16, end));
            Future<Long> b = threads.submit(() -> hikariPoolPerRequest(db, 8, end));
            Future<Long> c = threads.submit(() -> plainDataSourceChurn(db, 8, end));
            double[] window = new double[1];
            List<ChurnReport> seen = reports(ds, start + Duration.ofSeconds(16).toNanos(), end, window);
            long made = a.get() + b.get() + c.get();
            threads.shutdown();
            double truth = window[0];
            ChurnReport last = seen.get(seen.size() - 1);
            String described = last.origins().toString();
            System.out.printf("three churners in this JVM at %.1f/s made: %s%n", truth, described);

            // The call sites come from stacks alone: named with their shares whatever the sockets say.
            assertThat(share(last, "driverManagerChurn")).as(described).isCloseTo(a.get() / (double) made, offset(0.15));
            assertThat(share(last, "hikariPoolPerRequest")).as(described).isCloseTo(b.get() / (double) made, offset(0.15));
            assertThat(share(last, "plainDataSourceChurn")).as(described).isCloseTo(c.get() / (double) made, offset(0.15));
            assertThat(last.origins().otherSockets()).as(described).isZero();
            assertThat(last.origins().rateMethod()).contains("server's count");
            List<String> warnings = log.messages(Level.WARN);
            if (!decisive(last)) {
                // Too few socket samples to rule out another process's millisecond connections at this rate (a census
                // walks the kernel's whole connection table: milliseconds here), or a census slower than a
                // connection: the samples must then say they cannot tell and give the rate to no one, while the
                // warning still gives the rate measured at the endpoint and this JVM's call sites with their shares.
                assertUndecided(last);
                double outside = median(seen.stream().map(r -> r.rates().outside()).toList());
                assertThat(outside).as("the rate outside the pool vs the %.1f/s made (%s)", truth, described)
                        .isCloseTo(truth, withPercentage(20));
                assertThat(warnings).anySatisfy(w -> assertThat(w).contains("/s towards ", "cannot tell"));
                // The line says it cannot tell; the event's fields say why, and name the call sites.
                assertThat(log.keyValues(Level.WARN)).anySatisfy(kv -> {
                    assertThat(kv.get("twpool.undecided")).asString().contains("stack samples");
                    assertThat(kv.get("twpool.call_sites")).asString().contains(".lambda$driverManagerChurn$",
                            ".lambda$hikariPoolPerRequest$", ".lambda$plainDataSourceChurn$");
                });
                return;
            }
            assertThat(last.origins().origin()).as(described).isEqualTo(ChurnOrigins.Origin.THIS_JVM);
            double measured = median(seen.stream().map(r -> r.origins().thisJvmRate()).toList());
            assertThat(measured).as("this JVM's rate vs the %.1f/s made (%s)", truth, described).isCloseTo(truth, withPercentage(20));

            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("/s from this JVM: ",
                    "% from ", "driverManagerChurn", "(sampled: ", "stack samples").doesNotContain("another process"));
            // The line names the call site as briefly as it must; the event's fields carry it in full, with the method.
            assertThat(log.keyValues(Level.WARN)).anySatisfy(kv -> {
                assertThat(kv.get("twpool.call_site")).asString()
                        .startsWith(ConnectOriginsIntegrationTest.class.getName() + ".lambda$driverManagerChurn$");
                assertThat(kv.get("twpool.rate_method")).asString().contains("server's count");
            });
        }
    }

    @Test
    // What this case checks comes from stack samples, which are the same on every JDK: the Java 22+ run, there for
    // the netlink census, leaves it to the Java 17 run.
    @org.junit.jupiter.api.condition.DisabledIfSystemProperty(named = "twpool.test.java22", matches = "true",
            disabledReason = "call sites from stack samples: the same on every JDK, checked by the Java 17 run")
    void churnTheDriverSwapMissedIsThisJvmsWithItsCallSites() throws Exception {
        TestDatabase db = TestDatabase.tls();
        // A pool created before twpool, churning through its own connection adder as connections are evicted.
        HikariConfig early = new HikariConfig();
        early.setJdbcUrl(db.jdbcUrl());
        early.setUsername(db.username());
        early.setPassword(db.password());
        early.setMaximumPoolSize(1);
        try (HikariDataSource before = new HikariDataSource(early);
             TwPoolDataSource ds = pool("missed")) {
            assertThat(await(Duration.ofSeconds(10), () -> ds.churnReport().probeRunning())).isTrue();
            Thread.sleep(2000);
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(22).toNanos();
            ExecutorService threads = Executors.newFixedThreadPool(3);
            Future<Long> urls = threads.submit(() -> distinctUrlChurn(db, 6, end));
            Future<Long> failed = threads.submit(() -> failedLoginChurn(db, 4, end));
            Future<Long> evicted = threads.submit(() -> paced(3, end, () -> {
                try (Connection c = before.getConnection()) {
                    select1(c);
                    before.evictConnection(c);
                }
            }));
            List<ChurnReport> seen = reports(ds, start + Duration.ofSeconds(14).toNanos(), end);
            urls.get();
            failed.get();
            evicted.get();
            threads.shutdown();
            ChurnReport last = seen.get(seen.size() - 1);
            String described = last.origins().toString();
            if (decisive(last)) {
                assertThat(last.origins().origin()).as(described).isEqualTo(ChurnOrigins.Origin.THIS_JVM);
            } else {
                assertUndecided(last);
            }
            assertThat(share(last, "distinctUrlChurn")).as(described).isGreaterThan(0.2);
            assertThat(share(last, "failedLoginChurn")).as(described).isGreaterThan(0.1);
            assertThat(last.callSites()).as(described).noneMatch(s -> s.frame().contains("connectTimeout") || s.frame().contains("jdbc:"));
        }
    }

    @Test
    void aSeparateProcessChurningMeanwhileIsNeverTakenForThisJvm() throws Exception {
        TestDatabase db = TestDatabase.tls();
        try (TwPoolDataSource ds = pool("another")) {
            assertThat(await(Duration.ofSeconds(10), () -> ds.churnReport().probeRunning())).isTrue();
            Thread.sleep(2000);
            // Phase 1: only the other process (Python, a connection per request, ~1 ms each).
            try (PyMySqlChurner other = PyMySqlChurner.start(db.host(), db.port(), db.username(), db.password(), null, 30, 40)) {
                long start = System.nanoTime();
                List<ChurnReport> alone = reports(ds, start + Duration.ofSeconds(12).toNanos(), start + Duration.ofSeconds(17).toNanos());
                ChurnReport r = alone.get(alone.size() - 1);
                String described = r.origins().toString();
                assertThat(r.origins().origin()).as(described).isNotEqualTo(ChurnOrigins.Origin.THIS_JVM);
                assertThat(r.origins().thisJvmRate()).as(described).isIn(0.0, Double.NaN);
                assertThat(r.origins().ownSockets()).as("none of Python's sockets is this JVM's: " + described).isZero();
                if (netlink(r) && r.origins().unresolvedSockets() == 0 && canCatchPython(r)) {
                    // Each socket sample's two listings of this process's sockets were under 2 ms apart, and there
                    // were enough samples to catch millisecond connections at 30/s.
                    assertThat(r.origins().otherSockets()).as(described).isGreaterThan(0);
                    assertThat(r.origins().origin()).as(described).isEqualTo(ChurnOrigins.Origin.ANOTHER_PROCESS);
                    assertThat(r.verdicts()).extracting(ChurnVerdict::message)
                            .anySatisfy(m -> assertThat(m).contains("/s from another process on this host"));
                } else if (netlink(r)) {
                    // Too few samples (a census that walks a large table, an overloaded host): whatever was caught,
                    // never this JVM.
                    assertThat(r.origins().origin()).as(described)
                            .isIn(ChurnOrigins.Origin.ANOTHER_PROCESS, ChurnOrigins.Origin.UNDECIDED);
                } else {
                    // /proc/net/tcp takes milliseconds to read (and an overloaded host slows any census): a socket
                    // missing from this process's fd lists before and after it may have been this JVM's, opened and
                    // closed meanwhile, so it is not given to another process either.
                    assertThat(r.origins().origin()).as(described).isEqualTo(ChurnOrigins.Origin.UNDECIDED);
                    assertThat(r.origins().otherSockets()).as(described).isZero();
                }
                // Phase 2: this JVM churns too.
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                ExecutorService thread = Executors.newSingleThreadExecutor();
                Future<Long> mine = thread.submit(() -> driverManagerChurn(db, 8, end));
                List<ChurnReport> together = reports(ds, System.nanoTime() + Duration.ofSeconds(12).toNanos(), end);
                mine.get();
                thread.shutdown();
                for (ChurnReport t : together) {
                    described = t.origins().toString();
                    assertThat(t.origins().origin()).as(described).isNotEqualTo(ChurnOrigins.Origin.THIS_JVM)
                            .isNotEqualTo(ChurnOrigins.Origin.ANOTHER_PROCESS);
                    assertThat(t.origins().thisJvmRate()).as(described).isNaN();
                }
                ChurnReport both = together.get(together.size() - 1);
                if (netlink(both) && both.origins().unresolvedSockets() == 0 && canCatchPython(both)) {
                    assertThat(both.origins().origin()).as(both.origins().toString()).isEqualTo(ChurnOrigins.Origin.BOTH);
                    assertThat(both.verdicts()).anySatisfy(v -> {
                        assertThat(v.message()).contains("from this JVM", "and from another process on this host",
                                "how they split is not measured");
                        // The call site, in full, is a field of the warning: the line has no room for it beside both.
                        assertThat(v.fields().get("twpool.call_site")).asString().contains("driverManagerChurn(");
                    });
                }
            }
        }
    }
}
