package io.github.twpool.mysql;

import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.FaultProxy;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.github.twpool.mysql.MySqlTestSupport.execute;
import static io.github.twpool.mysql.MySqlTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * reset-session tried as production and careless borrowers would: server state a
 * borrower can leave behind (named and table locks, temporary tables, variables, SQL PREPARE, sql_mode, savepoints,
 * XA), a streaming result left open, objects kept after close(), two threads closing, a server that stops answering.
 */
class SessionResetAdversarialIntegrationTest {

    private static final String TABLE = "adv_rows";

    private static Properties props(String... kv) {
        Properties p = MySqlTestSupport.props(kv);
        p.setProperty("twpool.driver.sessionVariables", "wait_timeout=28800");
        p.setProperty("twpool.pool-size", "1");
        p.setProperty("twpool.reset-session", "true");
        return p;
    }

    @BeforeAll
    static void create() throws SQLException {
        execute("DROP TABLE IF EXISTS " + TABLE);
        execute("CREATE TABLE " + TABLE + " (v VARCHAR(64) NOT NULL) ENGINE=InnoDB");
    }

    @AfterAll
    static void drop() throws SQLException {
        execute("DROP TABLE IF EXISTS " + TABLE);
    }

    /** Rows with this value, counted on a connection outside the pool: only committed rows count. */
    private static int committed(String value) throws SQLException {
        return MySqlTestSupport.committed(TABLE, value);
    }

    private static void insert(Connection c, String value) throws SQLException {
        MySqlTestSupport.insert(c, TABLE, value);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void aNamedLockHeldAtReturnIsReleased() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props())) {
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT GET_LOCK('adv_lock', 0)")).isEqualTo("1");
            }
            try (Connection d = TestDatabase.get().openDirect()) {
                assertThat(scalar(d, "SELECT IS_FREE_LOCK('adv_lock')")).isEqualTo("1");
            }
        }
    }

    @Test
    void lockTablesHeldAtReturnAreReleased() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props())) {
            try (Connection c = ds.getConnection()) {
                exec(c, "LOCK TABLES " + TABLE + " WRITE");
            }
            try (Connection d = TestDatabase.get().openDirect()) {
                exec(d, "SET SESSION lock_wait_timeout=2");
                insert(d, "lock-free");
            }
            try (Connection c = ds.getConnection()) {
                insert(c, "lock-next");
            }
        }
    }

    @Test
    void variablesTemporaryTablesSqlPrepareAndSqlModeDoNotReachTheNextBorrower() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props())) {
            String mode;
            try (Connection c = ds.getConnection()) {
                mode = scalar(c, "SELECT @@session.sql_mode");
                exec(c, "SET @adv_secret = 'x'");
                exec(c, "CREATE TEMPORARY TABLE adv_tmp (i INT)");
                exec(c, "PREPARE adv_ps FROM 'SELECT 1'");
                exec(c, "SET SESSION sql_mode = 'ANSI_QUOTES'");
            }
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT @adv_secret")).isNull();
                assertThatThrownBy(() -> exec(c, "SELECT * FROM adv_tmp")).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> exec(c, "EXECUTE adv_ps")).isInstanceOf(SQLException.class);
                assertThat(scalar(c, "SELECT @@session.sql_mode")).isEqualTo(mode);
            }
        }
    }

    @Test
    void savepointsAndAnOpenXaTransactionLeaveNothingCommitted() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.hikari.autoCommit", "false"))) {
            try (Connection c = ds.getConnection()) {
                insert(c, "sp-1");
                c.setSavepoint("a");
                insert(c, "sp-2");
            }
            assertThat(committed("sp-1")).isZero();
            assertThat(committed("sp-2")).isZero();
        }
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props())) {
            try (Connection c = ds.getConnection()) {
                exec(c, "XA START 'adv_xa'");
                insert(c, "xa-1");
            }
            assertThat(committed("xa-1")).isZero();
            try (Connection c = ds.getConnection()) {
                insert(c, "xa-next");
            }
            assertThat(committed("xa-next")).isEqualTo(1);
        }
    }

    @Test
    void aStreamingResultLeftOpenDoesNotBreakTheReset() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props())) {
            try (Connection c = ds.getConnection()) {
                Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                s.setFetchSize(Integer.MIN_VALUE);
                ResultSet rs = s.executeQuery("SELECT a.COLUMN_NAME FROM information_schema.COLUMNS a, information_schema.COLUMNS b LIMIT 1000000");
                rs.next();
            }
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT 1")).isEqualTo("1");
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void statementsKeptAfterCloseCannotReachTheNextBorrowersSession() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props())) {
            Statement leaked;
            Statement unwrapped;
            try (Connection c = ds.getConnection()) {
                DatabaseMetaData md = c.getMetaData();
                ResultSet rs = md.getTables(null, null, TABLE, null);
                leaked = rs.getStatement();
                Statement s = c.createStatement();
                unwrapped = s.unwrap(Statement.class);
            }
            try (Connection c = ds.getConnection()) {
                exec(c, "SET @adv_owner = 'second'");
                if (leaked != null) {
                    assertThatThrownBy(() -> leaked.executeQuery("SELECT @adv_owner")).isInstanceOf(SQLException.class);
                }
                assertThatThrownBy(() -> unwrapped.executeQuery("SELECT @adv_owner")).isInstanceOf(SQLException.class);
            }
        }
    }

    @Test
    void twoThreadsClosingTheSameConnectionResetItOnce() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.hikari.autoCommit", "false"))) {
            for (int i = 0; i < 30; i++) {
                Connection c = ds.getConnection();
                insert(c, "cc-" + i);
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                Thread t = new Thread(() -> {
                    try { go.await(); c.close(); } catch (Exception e) { throw new RuntimeException(e); }
                });
                t.start();
                go.countDown();
                c.close();
                try (Connection n = ds.getConnection()) {
                    insert(n, "cc-next-" + i);
                    t.join();
                    n.commit();
                }
                assertThat(committed("cc-next-" + i)).as("round " + i).isEqualTo(1);
            }
        }
    }

    /**
     * A server that stops answering while a borrower returns: the reset's round trips wait validation-timeout at
     * most, the connection is evicted, nothing is committed. Before: close() hung as long as the network did (Hikari
     * alone returns a clean autocommit connection without a round trip).
     */
    @Test
    void aServerThatStopsAnsweringDoesNotHangClose() throws Exception {
        try (FaultProxy proxy = FaultProxy.forTestDatabase()) {
            for (String autoCommit : new String[] {"true", "false"}) {
                Properties p = props("twpool.hikari.autoCommit", autoCommit, "twpool.validation-timeout", "1s");
                p.setProperty("twpool.url", proxy.jdbcUrl());
                try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p)) {
                    Connection c = ds.getConnection();
                    if (autoCommit.equals("false")) {
                        insert(c, "blackhole");
                    } else {
                        assertThat(scalar(c, "SELECT 1")).isEqualTo("1");
                    }
                    // A streaming result left open: close() drains it before the reset.
                    Statement streaming = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                    streaming.setFetchSize(Integer.MIN_VALUE);
                    streaming.executeQuery("SELECT a.COLUMN_NAME FROM information_schema.COLUMNS a, information_schema.COLUMNS b LIMIT 1000000").next();
                    proxy.blackhole();
                    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
                        try {
                            c.close();
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    try {
                        assertThatCode(() -> closing.get(20, TimeUnit.SECONDS)).as("autoCommit=" + autoCommit).doesNotThrowAnyException();
                    } finally {
                        proxy.cut();
                        proxy.heal();
                    }
                    assertThat(committed("blackhole")).isZero();
                    try (Connection next = ds.getConnection()) {
                        assertThat(scalar(next, "SELECT 1")).isEqualTo("1");
                    }
                }
            }
        }
    }

    /** The instant the server reads from a java.sql.Timestamp the driver sends, as seconds since the epoch. */
    private static long serverEpochSecond(Connection c, java.time.Instant instant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT UNIX_TIMESTAMP(?)")) {
            ps.setTimestamp(1, java.sql.Timestamp.from(instant));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Connector/J's forceConnectionTimeZoneToSession=true sets the session time_zone at connect; COM_RESET_CONNECTION
     * puts the server's back, and the driver, which still renders timestamps in the connection's zone, then writes
     * every TIMESTAMP shifted. Before: the second borrower's session was at SYSTEM and the instant moved by 5 h.
     */
    @Test
    void theConnectionTimeZoneForcedToTheSessionSurvivesTheReset() throws Exception {
        java.time.Instant instant = java.time.Instant.ofEpochSecond(1_700_000_000L);
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.driver.connectionTimeZone", "+05:00",
                "twpool.driver.forceConnectionTimeZoneToSession", "true"))) {
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT @@session.time_zone")).isEqualTo("+05:00");
                assertThat(serverEpochSecond(c, instant)).isEqualTo(instant.getEpochSecond());
                exec(c, "SET SESSION time_zone = '+09:00'");
            }
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT @@session.time_zone")).isEqualTo("+05:00");
                assertThat(serverEpochSecond(c, instant)).isEqualTo(instant.getEpochSecond());
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    /**
     * COM_RESET_CONNECTION keeps the database a borrower selected with USE, and MySQL has no way back to "none": with
     * no database to return to, the next borrower's unqualified table names went to the previous borrower's database
     * (a tenant's, say). Before: the pool started and the second borrower found DATABASE() = test.
     */
    @Test
    void withoutADatabaseToGoBackToTheResetIsRefused() throws Exception {
        String noDatabase = TestDatabase.get().jdbcUrl().replaceFirst("(//[^/]+)/[^?]*", "$1/");
        Properties p = props();
        p.setProperty("twpool.url", noDatabase);
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(p)).isInstanceOf(io.github.twpool.TwPoolConfigException.class)
                .hasMessageContaining("twpool.reset-session")
                .hasMessageContaining("twpool.hikari.catalog");
        // A catalog for the pool is a database to go back to.
        p.setProperty("twpool.hikari.catalog", "test");
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p)) {
            try (Connection c = ds.getConnection()) {
                exec(c, "CREATE DATABASE IF NOT EXISTS adv_tenant");
                exec(c, "USE adv_tenant");
            }
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT DATABASE()")).isEqualTo("test");
                exec(c, "DROP DATABASE adv_tenant");
            }
        }
    }

    /**
     * SET ROLE survives COM_RESET_CONNECTION (MariaDB 10.11 and 11.4): the next borrower worked with the previous
     * borrower's privileges. Before: the second borrower's CURRENT_ROLE() was adv_role.
     */
    @Test
    void aRoleSetByABorrowerDoesNotReachTheNextOne() throws Exception {
        String account;
        try (Connection d = TestDatabase.get().openDirect()) {
            String[] user = scalar(d, "SELECT CURRENT_USER()").split("@", 2);
            account = "'" + user[0] + "'@'" + user[1] + "'";
            exec(d, "CREATE ROLE IF NOT EXISTS adv_role");
            exec(d, "GRANT adv_role TO " + account);
        }
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.hikari.autoCommit", "false"))) {
            String atLogin;
            try (Connection c = ds.getConnection()) {
                atLogin = scalar(c, "SELECT CURRENT_ROLE()");
                exec(c, "SET ROLE adv_role");
                assertThat(scalar(c, "SELECT CURRENT_ROLE()")).contains("adv_role");
            }
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT CURRENT_ROLE()")).isEqualTo(atLogin);
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        } finally {
            try (Connection d = TestDatabase.get().openDirect()) {
                exec(d, "DROP ROLE IF EXISTS adv_role");
            }
        }
    }

    /**
     * The pool's first borrow reads the login's role; a connection that cannot answer then is evicted and the
     * borrower gets the error, and the pool slot is not lost (pool of 1, timeout 2 s: the next borrow succeeds).
     */
    @Test
    void aFirstBorrowWhoseConnectionIsCutLeaksNothing() throws Exception {
        try (FaultProxy proxy = FaultProxy.forTestDatabase()) {
            Properties p = props("twpool.timeout", "2s", "twpool.validation-timeout", "1s");
            p.setProperty("twpool.url", proxy.jdbcUrl());
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p)) {
                proxy.cut();
                proxy.heal();
                // Within HikariCP's 500 ms of trust in a connection it just made: handed out unchecked.
                assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
                try (Connection c = ds.getConnection()) {
                    assertThat(scalar(c, "SELECT 1")).isEqualTo("1");
                }
                assertThat(ds.unwrap(com.zaxxer.hikari.HikariPoolMXBean.class).getActiveConnections()).isZero();
            }
        }
    }
}
