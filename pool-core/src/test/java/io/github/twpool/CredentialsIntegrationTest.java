package io.github.twpool;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.github.twpool.internal.Printed;
import io.github.twpool.spi.PoolContext;
import io.github.twpool.spi.ServerStatusSource;
import io.github.twpool.spi.TwPoolExtension;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Secrets against the real server: a user with a distinctive password, written in every
 * form Connector/J reads; HikariCP's DEBUG output, twpool's output and every exception (causes, suppressed, stack
 * traces) are searched for it. And a pool whose start fails late leaves no connection and no thread behind.
 */
class CredentialsIntegrationTest {

    private static final String USER = "cfgsec_u";
    private static final String PW = "Zq9-Cfg-S3cret";
    private static final String PW_ENCODED = "Zq9%2DCfg%2DS3cret";
    private static final List<String> HOSTS = List.of("localhost", "127.0.0.1", "%");

    private static void admin(String sql) throws SQLException {
        try (Connection c = TestDatabase.get().openDirect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @BeforeAll
    static void createUser() throws SQLException {
        for (String host : HOSTS) {
            admin("CREATE USER IF NOT EXISTS '" + USER + "'@'" + host + "' IDENTIFIED BY '" + PW + "'");
            admin("GRANT ALL ON test.* TO '" + USER + "'@'" + host + "'");
        }
    }

    @AfterAll
    static void dropUser() throws SQLException {
        for (String host : HOSTS) {
            admin("DROP USER IF EXISTS '" + USER + "'@'" + host + "'");
        }
    }

    private static String hostPort() {
        TestDatabase db = TestDatabase.get();
        return db.host() + ":" + db.port();
    }

    /** The path and parameters of the test server's URL ({@code /test}, maybe with TLS parameters). */
    private static String tail() {
        String url = TestDatabase.get().jdbcUrl();
        int slash = url.indexOf('/', url.indexOf("//") + 2);
        return slash < 0 ? "/test" : url.substring(slash);
    }

    private static String withParams(String path, String params) {
        return path + (path.contains("?") ? "&" : "?") + params;
    }

    private static String url(String form) {
        String tail = tail();
        String h = TestDatabase.get().host();
        int p = TestDatabase.get().port();
        return switch (form) {
            case "userinfo" -> "jdbc:mysql://" + USER + ":" + PW + "@" + hostPort() + tail;
            case "userinfo-encoded" -> "jdbc:mysql://" + USER + ":" + PW_ENCODED + "@" + hostPort() + tail;
            case "key-value" -> "jdbc:mysql://(host=" + h + ",port=" + p + ",user=" + USER + ",password=" + PW + ")" + tail;
            case "address" -> "jdbc:mysql://address=(host=" + h + ")(port=" + p + ")(user=" + USER + ")(password=" + PW + ")" + tail;
            case "query" -> "jdbc:mysql://" + hostPort() + withParams(tail, "user=" + USER + "&password=" + PW);
            case "query-upper-case" -> "jdbc:mysql://" + hostPort() + withParams(tail, "user=" + USER + "&PASSWORD=" + PW);
            case "query-encoded-key" -> "jdbc:mysql://" + hostPort() + withParams(tail, "user=" + USER + "&pass%77ord=" + PW);
            case "query-encoded-value" -> "jdbc:mysql://" + hostPort() + withParams(tail, "user=" + USER + "&password=" + PW_ENCODED);
            case "password1" -> "jdbc:mysql://" + hostPort() + withParams(tail, "user=" + USER + "&password1=" + PW);
            default -> throw new IllegalArgumentException(form);
        };
    }

    private static Properties props(String url, String... kv) {
        Properties p = new Properties();
        p.setProperty("twpool.url", url);
        p.setProperty("twpool.pool-size", "1");
        p.setProperty("twpool.timeout", "2s");
        p.setProperty("twpool.probe.enabled", "false");
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static String everything(Throwable t) {
        return Printed.everything(t);
    }

    /** Runs with everything at DEBUG (HikariCP's "Loaded driver ... for jdbcUrl=" included) and returns the log. */
    private static String debugLog(Callable<Void> action) throws Exception {
        Logger root = io.github.twpool.testsupport.LogCapture.logback(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger hikari = io.github.twpool.testsupport.LogCapture.logback("com.zaxxer.hikari");
        Level rootLevel = root.getLevel();
        Level hikariLevel = hikari.getLevel();
        try (LogCapture log = LogCapture.all()) {
            root.setLevel(Level.DEBUG);
            hikari.setLevel(Level.DEBUG);
            action.call();
            return log.text();
        } finally {
            root.setLevel(rootLevel);
            hikari.setLevel(hikariLevel);
        }
    }

    private static void assertNoPassword(String what, String text) {
        assertThat(text).as(what).doesNotContain(PW).doesNotContain(PW_ENCODED);
    }

    /** Every form Connector/J reads connects, and the password shows nowhere, Hikari's DEBUG included. */
    @ParameterizedTest
    @ValueSource(strings = {"userinfo", "userinfo-encoded", "key-value", "address", "query", "query-upper-case",
            "query-encoded-key", "query-encoded-value", "password1"})
    void everyUrlFormConnectsAndThePasswordShowsNowhere(String form) throws Exception {
        List<String> seen = new ArrayList<>();
        String log = debugLog(() -> {
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(url(form), "twpool.name", "cfgsec-" + form))) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT CURRENT_USER()")) {
                    rs.next();
                    assertThat(rs.getString(1)).startsWith(USER + "@");
                }
                seen.add(ds.toString());
                seen.add(ds.config().toString());
                seen.add(ds.endpoint());
            }
            return null;
        });
        assertThat(log).as("Hikari's DEBUG line was captured").contains("Loaded driver");
        assertNoPassword("log", log);
        for (String s : seen) {
            assertNoPassword("toString", s);
        }
    }

    /**
     * URLs whose driver or server errors echoed the URL (a malformed port, ';password=' read as part of
     * the database name, an unclosed '(host='): the exception create() throws and the log carry no password.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:mysql://" + USER + ":" + PW + "@HOST:33x06/test",
            "jdbc:mysql://HOSTPORT/test;password=" + PW + "?user=" + USER,
            "jdbc:mysql://(host=HOST,port=PORT,user=" + USER + ",password=" + PW + "/test",
            "jdbc:mysql://" + USER + ":" + PW + "@HOSTPORT/no_such_db_cfgsec",
            "jdbc:mysql://" + USER + ":wrong-" + PW + "@HOSTPORT/test",
    })
    void urlsTheDriverWouldEchoFailWithoutThePassword(String template) throws Exception {
        String url = template.replace("HOSTPORT", hostPort()).replace("HOST", TestDatabase.get().host())
                .replace("PORT", String.valueOf(TestDatabase.get().port()));
        List<Throwable> thrown = new ArrayList<>();
        String log = debugLog(() -> {
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(url, "twpool.hikari.initializationFailTimeout", "1",
                    "twpool.name", "cfgsec-echo"))) {
                fail("started: " + ds);
            } catch (RuntimeException e) {
                thrown.add(e);
            }
            return null;
        });
        assertThat(thrown).hasSize(1);
        assertNoPassword("exception", everything(thrown.get(0)));
        assertNoPassword("log", log);
        assertNothingLeft("cfgsec-echo");
    }

    private static int serverConnections() throws SQLException {
        try (Connection c = TestDatabase.get().openDirect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + USER + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long threadsOf(String poolName) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().contains(poolName)).count();
    }

    private static void assertNothingLeft(String poolName) throws Exception {
        boolean clean = PoolTestSupport.await(Duration.ofSeconds(5), () -> {
            try {
                return serverConnections() == 0 && threadsOf(poolName) == 0;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(clean).as("no server connection of " + USER + " (" + serverConnections() + ") and no thread of "
                + poolName + " (" + threadsOf(poolName) + ") left").isTrue();
    }

    /** A proc-root with a NUL used to pass build() and fail create() after Hikari had opened 3 connections. */
    @Test
    void aProcRootWithANulFailsBeforeAnythingOpens() throws Exception {
        assertNothingLeft("cfgsec-nul");
        Properties p = props(url("query"), "twpool.name", "cfgsec-nul", "twpool.pool-size", "3",
                "twpool.probe.enabled", "true", "twpool.probe.proc-root", "/pro\u0000c");
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p)) {
            fail("started: " + ds);
        } catch (TwPoolConfigException e) {
            assertThat(e.property()).isEqualTo("twpool.probe.proc-root");
        }
        assertNothingLeft("cfgsec-nul");
    }

    /** An extension that fails after the pool started, echoing the URL with its password as drivers do. */
    private static final class FailingLate implements TwPoolExtension {
        private final boolean inOnStart;

        FailingLate(boolean inOnStart) {
            this.inOnStart = inOnStart;
        }

        @Override
        public String name() {
            return "failinglate";
        }

        @Override
        public boolean supports(String jdbcUrl) {
            return true;
        }

        private RuntimeException failure() {
            RuntimeException e = new IllegalStateException("cannot read status of jdbc:mysql://" + USER + ":" + PW + "@db/test",
                    new SQLException("Unknown database 'test;password=" + PW + "'", "42000", 1049));
            e.addSuppressed(new RuntimeException("while closing: " + PW));
            return e;
        }

        @Override
        public void onStart(PoolContext context) {
            if (inOnStart) {
                throw failure();
            }
        }

        @Override
        public ServerStatusSource serverStatusSource(PoolContext context) {
            throw failure();
        }
    }

    /**
     * A failure after HikariCP opened its connections (in the extension's start, or while the
     * probe is set up) closes the pool and its threads, and the exception keeps its chain, masked.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLateFailureClosesWhatWasOpenedAndMasksTheChain(boolean inOnStart) throws Exception {
        String name = "cfgsec-late-" + inOnStart;
        assertNothingLeft(name); // what earlier tests closed is gone on the server too
        TwPoolConfig config = TwPoolConfig.fromProperties(props(url("userinfo"), "twpool.name", name,
                "twpool.pool-size", "3", "twpool.probe.enabled", "true"));
        List<Throwable> thrown = new ArrayList<>();
        String log = debugLog(() -> {
            try (TwPoolDataSource ds = TwPoolDataSource.create(config, List.of(new FailingLate(inOnStart)))) {
                fail("started: " + ds);
            } catch (RuntimeException e) {
                thrown.add(e);
            }
            return null;
        });
        assertThat(thrown).hasSize(1);
        Throwable e = thrown.get(0);
        String all = everything(e);
        assertNoPassword("exception", all);
        assertNoPassword("log", log);
        assertThat(all).contains("cannot read status of jdbc:mysql://" + USER + ":****@db/test")
                .contains("java.lang.IllegalStateException").contains("java.sql.SQLException: Unknown database 'test;password=****")
                .contains("while closing: ****")
                .contains("FailingLate.failure");
        assertNothingLeft(name);
    }
}
