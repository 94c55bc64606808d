package io.github.twpool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.mysql.cj.jdbc.MysqlDataSource;
import io.github.twpool.spi.PoolContext;
import io.github.twpool.spi.ServerStatusSource;
import io.github.twpool.spi.TwPoolExtension;
import io.github.twpool.testsupport.TestDatabase;

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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the connect-origin tests share: the churners (each its own method, the call site a warning must name), a pool
 * whose probe reads the server's count of new connections, and the reading of its reports.
 *
 * <p>Each case is a class of its own ({@code ConnectOrigins*IntegrationTest}) so that they run side by side, each in its
 * own test JVM and network namespace (test-support/isolated-jvm): each counts connects on the whole host.
 */
final class ConnectOrigins {

    private ConnectOrigins() {
    }

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

    static TwPoolDataSource pool(String name) {
        Properties p = TestDatabase.tls().twpoolProperties("twpool.name", name, "twpool.pool-size", "2",
                "twpool.probe.enabled", "true", "twpool.probe.interval", "1s", "twpool.churn.min-rate", "2",
                "twpool.churn.warn-interval", "1s");
        return TwPoolDataSource.create(TwPoolConfig.fromProperties(p), List.of(new ServerCount()));
    }

    static void select1(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
        }
    }

    /** Runs {@code request} at {@code perSecond} until {@code endNanos}; the number made. */
    static long paced(double perSecond, long endNanos, SqlRunnable request) throws Exception {
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
    static List<ChurnReport> reports(TwPoolDataSource ds, long fromNanos, long endNanos) throws InterruptedException {
        return reports(ds, fromNanos, endNanos, new double[1]);
    }

    /** As above; {@code truth[0]} is set to the churners' rate over the polling window. */
    static List<ChurnReport> reports(TwPoolDataSource ds, long fromNanos, long endNanos, double[] truth)
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

    static double share(ChurnReport r, String method) {
        // The frame is the churner's method or the lambda inside it (lambda$driverManagerChurn$0).
        String prefix = ConnectOrigins.class.getName() + ".";
        return r.callSites().stream().filter(s -> s.frame().startsWith(prefix + method + "(")
                        || s.frame().startsWith(prefix + "lambda$" + method + "$"))
                .mapToDouble(ChurnReport.CallSite::share).sum();
    }

    static double median(List<Double> v) {
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
    static boolean decisive(ChurnReport r) {
        return r.origins().origin() != ChurnOrigins.Origin.UNDECIDED;
    }

    static void assertUndecided(ChurnReport r) {
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
    static boolean canCatchPython(ChurnReport r) {
        return r.origins().socketSamples() * 30 * 0.001 >= 3;
    }

    static boolean netlink(ChurnReport r) {
        return r.origins().splitMethod() != null && r.origins().splitMethod().contains("netlink");
    }
}
