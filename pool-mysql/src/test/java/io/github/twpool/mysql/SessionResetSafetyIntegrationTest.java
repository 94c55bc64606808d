package io.github.twpool.mysql;

import ch.qos.logback.classic.Level;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.github.twpool.mysql.MySqlTestSupport.execute;
import static io.github.twpool.mysql.MySqlTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * reset-session under production conditions: non-default Hikari settings, abandoned
 * transactions, every path back to the connection, a connection killed while borrowed, two pools failing.
 */
class SessionResetSafetyIntegrationTest {

    private static final String TABLE = "reset_rows";

    /**
     * The test's properties, with the session's wait_timeout pinned through Connector/J's sessionVariables: other
     * test runs sharing the server may lower the global one for a while, and the recycle clamp would then replace
     * connections these tests count. The driver sets it again after every reset, which these tests check too.
     */
    private static java.util.Properties props(String... kv) {
        java.util.Properties p = MySqlTestSupport.props(kv);
        p.setProperty("twpool.driver.sessionVariables", "wait_timeout=28800");
        return p;
    }

    @BeforeAll
    static void createTable() throws SQLException {
        execute("DROP TABLE IF EXISTS " + TABLE);
        execute("CREATE TABLE " + TABLE + " (v VARCHAR(64) NOT NULL) ENGINE=InnoDB");
        execute("DROP PROCEDURE IF EXISTS reset_noop");
        execute("CREATE PROCEDURE reset_noop() SELECT 1");
        execute("CREATE DATABASE IF NOT EXISTS reset_cat");
    }

    @AfterAll
    static void dropTable() throws SQLException {
        execute("DROP TABLE IF EXISTS " + TABLE);
        execute("DROP PROCEDURE IF EXISTS reset_noop");
        execute("DROP DATABASE IF EXISTS reset_cat");
    }

    /** Rows with this value, counted on a connection outside the pool: only committed rows count. */
    private static int committed(String value) throws SQLException {
        return MySqlTestSupport.committed(TABLE, value);
    }

    private static void insert(Connection c, String value) throws SQLException {
        MySqlTestSupport.insert(c, TABLE, value);
    }

    /** The session isolation as the server reports it (MySQL 8: transaction_isolation; MariaDB before 11.1: tx_isolation). */
    static String serverIsolation(Connection c) throws SQLException {
        try {
            return scalar(c, "SELECT @@session.transaction_isolation");
        } catch (SQLException e) {
            return scalar(c, "SELECT @@session.tx_isolation");
        }
    }

    static String serverReadOnly(Connection c) throws SQLException {
        try {
            return scalar(c, "SELECT @@session.transaction_read_only");
        } catch (SQLException e) {
            return scalar(c, "SELECT @@session.tx_read_only");
        }
    }

    // With autoCommit=false the reset's rollback must reach the server, not only the driver's local state.
    @Test
    void withAutoCommitFalseTheNextBorrowersRollbackReallyRollsBack() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1",
                "twpool.reset-session", "true", "twpool.hikari.autoCommit", "false"))) {
            try (Connection c = ds.getConnection()) {
                assertThat(c.getAutoCommit()).isFalse();
                insert(c, "f1-first");
                c.commit();
            }
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT @@session.autocommit")).isEqualTo("0");
                assertThat(c.getAutoCommit()).isFalse();
                insert(c, "f1-second");
                c.rollback();
            }
            assertThat(committed("f1-first")).isEqualTo(1);
            assertThat(committed("f1-second")).isZero();
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    // A borrower that walks away from an open transaction must never have it committed for them.
    @Test
    void anAbandonedTransactionIsRolledBackNeverCommitted() throws Exception {
        for (String autoCommit : new String[] {"true", "false"}) {
            String value = "f2-abandoned-autocommit-" + autoCommit;
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1",
                    "twpool.reset-session", "true", "twpool.hikari.autoCommit", autoCommit))) {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("START TRANSACTION");
                    insert(c, value);
                }
                try (Connection c = ds.getConnection()) {
                    assertThat(scalar(c, "SELECT COUNT(*) FROM " + TABLE + " WHERE v = '" + value + "'")).isEqualTo("0");
                }
                assertThat(committed(value)).as("autoCommit=" + autoCommit).isZero();
                assertThat(ds.connectionsOpened()).isEqualTo(1);
            }
        }
    }

    /** Each way a borrower can reach the connection again, and close it there. */
    private static Map<String, ThrowingFunction> paths() {
        Map<String, ThrowingFunction> paths = new LinkedHashMap<>();
        paths.put("connection", c -> c);
        paths.put("createStatement().getConnection()", c -> c.createStatement().getConnection());
        paths.put("prepareStatement().getConnection()", c -> c.prepareStatement("SELECT 1").getConnection());
        paths.put("prepareCall().getConnection()", c -> c.prepareCall("{call reset_noop()}").getConnection());
        paths.put("getMetaData().getConnection()", c -> c.getMetaData().getConnection());
        paths.put("executeQuery().getStatement().getConnection()",
                c -> c.createStatement().executeQuery("SELECT 1").getStatement().getConnection());
        paths.put("prepared executeQuery().getStatement().getConnection()",
                c -> c.prepareStatement("SELECT 1").executeQuery().getStatement().getConnection());
        paths.put("getMetaData().getTables().getStatement().getConnection()", c -> {
            Statement s = c.getMetaData().getTables(null, null, TABLE, null).getStatement();
            return s == null ? c : s.getConnection();
        });
        paths.put("execute + getResultSet().getStatement().getConnection()", c -> {
            Statement s = c.createStatement();
            s.execute("SELECT 1");
            return s.getResultSet().getStatement().getConnection();
        });
        paths.put("getGeneratedKeys().getStatement().getConnection()", c -> {
            Statement s = c.createStatement();
            s.executeUpdate("SET @reset_x = 1", Statement.RETURN_GENERATED_KEYS);
            return s.getGeneratedKeys().getStatement().getConnection();
        });
        return paths;
    }

    interface ThrowingFunction {
        Connection apply(Connection c) throws SQLException;
    }

    // Statements, result sets and metadata lead back to the wrapper, never to the physical connection.
    @Test
    void everyPathBackToTheConnectionIsTheWrapperAndClosingThereResets() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true"))) {
            for (var path : paths().entrySet()) {
                String value = "f3-" + path.getKey();
                Connection c = ds.getConnection();
                String id = scalar(c, "SELECT CONNECTION_ID()");
                try (Statement s = c.createStatement()) {
                    s.execute("SET @v := 42");
                    s.execute("START TRANSACTION");
                }
                insert(c, value);
                Connection reached = path.getValue().apply(c);
                assertThat(reached).as(path.getKey()).isSameAs(c);
                reached.close();
                assertThat(c.isClosed()).as(path.getKey()).isTrue();
                try (Connection next = ds.getConnection()) {
                    assertThat(scalar(next, "SELECT CONNECTION_ID()")).as(path.getKey()).isEqualTo(id);
                    assertThat(scalar(next, "SELECT @v")).as(path.getKey()).isNull();
                    assertThat(scalar(next, "SELECT COUNT(*) FROM " + TABLE + " WHERE v = '" + value + "'"))
                            .as(path.getKey()).isEqualTo("0");
                }
                assertThat(committed(value)).as(path.getKey()).isZero();
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    // A stale wrapper must not touch the connection another borrower holds now.
    @Test
    void aClosedWrapperThrowsAndClosingItAgainLeavesTheNextBorrowersConnectionAlone() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true"))) {
            Connection first = ds.getConnection();
            Statement stale = first.createStatement();
            DatabaseMetaData staleMeta = first.getMetaData();
            stale.getConnection().close();
            try (Connection second = ds.getConnection()) {
                String id = scalar(second, "SELECT CONNECTION_ID()");
                first.close();
                first.close();
                assertThat(first.isClosed()).isTrue();
                assertThatThrownBy(first::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("connection is closed");
                assertThatThrownBy(() -> first.setAutoCommit(false)).isInstanceOf(SQLException.class).hasMessageContaining("connection is closed");
                assertThatThrownBy(first::commit).isInstanceOf(SQLException.class).hasMessageContaining("connection is closed");
                assertThatThrownBy(() -> first.unwrap(com.mysql.cj.jdbc.JdbcConnection.class)).isInstanceOf(SQLException.class)
                        .hasMessageContaining("connection is closed");
                assertThatThrownBy(() -> stale.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
                assertThat(stale.getConnection()).isSameAs(first);
                assertThat(staleMeta.getConnection()).isSameAs(first);
                // The second borrower still has its connection, in the pool, not evicted.
                assertThat(scalar(second, "SELECT CONNECTION_ID()")).isEqualTo(id);
                assertThat(second.getAutoCommit()).isTrue();
            }
            try (Connection third = ds.getConnection()) {
                assertThat(scalar(third, "SELECT 1")).isEqualTo("1");
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void anAbortedConnectionGivesItsPlaceBackAndIsNotReused() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true",
                "twpool.timeout", "2s"))) {
            Connection c = ds.getConnection();
            String id = scalar(c, "SELECT CONNECTION_ID()");
            c.abort(Runnable::run);
            assertThat(c.isClosed()).isTrue();
            assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("connection is closed");
            assertThatCode(c::close).doesNotThrowAnyException();
            try (Connection next = ds.getConnection()) {
                assertThat(scalar(next, "SELECT CONNECTION_ID()")).isNotEqualTo(id);
            }
        }
    }

    // Closing with autoCommit off and nothing committed is quiet and keeps the connection in the pool.
    @Test
    void autoCommitOffWithoutCommitClosesQuietlyAndKeepsTheConnection() throws Exception {
        for (String reset : new String[] {"false", "true"}) {
            try (LogCapture log = LogCapture.all();
                 TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", reset))) {
                String id;
                try (Connection c = ds.getConnection()) {
                    id = scalar(c, "SELECT CONNECTION_ID()");
                    c.setAutoCommit(false);
                    assertThat(scalar(c, "SELECT 1")).isEqualTo("1");
                }
                try (Connection c = ds.getConnection()) {
                    assertThat(scalar(c, "SELECT CONNECTION_ID()")).as("reset-session=" + reset).isEqualTo(id);
                    assertThat(c.getAutoCommit()).isTrue();
                    assertThat(scalar(c, "SELECT @@session.autocommit")).isEqualTo("1");
                }
                assertThat(ds.connectionsOpened()).as("reset-session=" + reset).isEqualTo(1);
                assertThat(log.text()).as("reset-session=" + reset)
                        .doesNotContain("Can't call rollback").doesNotContain("resetting a session on return failed");
            }
        }
    }

    /**
     * Whether the server itself is read-only for a pool with {@code hikari.readOnly=true} and no reset: Connector/J
     * sends SET SESSION TRANSACTION READ ONLY to servers it reads as MySQL 5.6.5 or later, and MariaDB announces
     * itself as 5.5.5, so there read-only lives in the driver only.
     */
    private static String serverReadOnlyWithoutReset() throws SQLException {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.hikari.readOnly", "true"));
             Connection c = ds.getConnection()) {
            return serverReadOnly(c);
        }
    }

    // After COM_RESET_CONNECTION the pool's own session settings are back, on the server and in the driver.
    @Test
    void thePoolsOwnSessionSettingsAreRestoredAfterTheReset() throws Exception {
        String readOnlyOnServer = serverReadOnlyWithoutReset();
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true",
                "twpool.hikari.transactionIsolation", "TRANSACTION_READ_COMMITTED",
                "twpool.hikari.readOnly", "true",
                "twpool.hikari.catalog", "reset_cat",
                "twpool.hikari.connectionInitSql", "SET @reset_init := 7"))) {
            for (int borrow = 1; borrow <= 3; borrow++) {
                try (Connection c = ds.getConnection()) {
                    String when = "borrow " + borrow;
                    assertThat(serverIsolation(c)).as(when).isEqualTo("READ-COMMITTED");
                    assertThat(c.getTransactionIsolation()).as(when).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
                    assertThat(serverReadOnly(c)).as(when).isEqualTo(readOnlyOnServer);
                    assertThat(c.isReadOnly()).as(when).isTrue();
                    assertThat(scalar(c, "SELECT DATABASE()")).as(when).isEqualTo("reset_cat");
                    assertThat(c.getCatalog()).as(when).isEqualTo("reset_cat");
                    assertThat(scalar(c, "SELECT @reset_init")).as(when).isEqualTo("7");
                    // The borrower changes everything, through JDBC and behind the driver's back.
                    c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                    c.setReadOnly(false);
                    try (Statement s = c.createStatement()) {
                        s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED");
                        s.execute("USE test");
                        s.execute("SET @reset_init := 8");
                    }
                }
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    // The driver's local state agrees with the server after a reset that moved the server back to defaults.
    @Test
    void theDriversLocalStateIsTruthfulAfterTheReset() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true"))) {
            String defaultIsolation;
            try (Connection c = ds.getConnection()) {
                defaultIsolation = serverIsolation(c);
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                c.setReadOnly(true);
                try (Statement s = c.createStatement()) {
                    s.execute("USE reset_cat");
                }
            }
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT DATABASE()")).isEqualTo("test");
                assertThat(c.getCatalog()).isEqualTo("test");
                assertThat(serverIsolation(c)).isEqualTo(defaultIsolation);
                assertThat(isolationName(c.getTransactionIsolation())).isEqualTo(defaultIsolation);
                assertThat(serverReadOnly(c)).isEqualTo("0");
                assertThat(c.isReadOnly()).isFalse();
            }
        }
    }

    static String isolationName(int level) {
        return switch (level) {
            case Connection.TRANSACTION_READ_UNCOMMITTED -> "READ-UNCOMMITTED";
            case Connection.TRANSACTION_READ_COMMITTED -> "READ-COMMITTED";
            case Connection.TRANSACTION_REPEATABLE_READ -> "REPEATABLE-READ";
            case Connection.TRANSACTION_SERIALIZABLE -> "SERIALIZABLE";
            default -> "level " + level;
        };
    }

    // Production conditions: non-default Hikari settings, every return path, then a connection killed while borrowed.
    @Test
    void productionSettingsSurviveEveryReturnPathAndAKilledConnectionIsEvictedQuietly() throws Exception {
        try (LogCapture log = LogCapture.of("io.github.twpool");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true",
                     "twpool.name", "reset-prod",
                     "twpool.hikari.autoCommit", "false",
                     "twpool.hikari.transactionIsolation", "TRANSACTION_READ_COMMITTED",
                     "twpool.hikari.readOnly", "true"))) {
            String readOnlyOnServer = serverReadOnlyWithoutReset();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
                System.out.println("reset-session production test against " + TestDatabase.get().description() + ", TLS cipher: "
                        + (rs.next() && !rs.getString(2).isEmpty() ? rs.getString(2) : "none"));
            }
            for (var path : paths().entrySet()) {
                Connection c = ds.getConnection();
                try (Statement s = c.createStatement()) {
                    s.execute("SET @v := 1");
                    s.execute("SET SESSION wait_timeout = 1234");
                }
                c.setAutoCommit(true);
                c.setReadOnly(false);
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                path.getValue().apply(c).close();
                try (Connection next = ds.getConnection()) {
                    String when = path.getKey();
                    assertThat(scalar(next, "SELECT @@session.autocommit")).as(when).isEqualTo("0");
                    assertThat(next.getAutoCommit()).as(when).isFalse();
                    assertThat(serverIsolation(next)).as(when).isEqualTo("READ-COMMITTED");
                    assertThat(next.getTransactionIsolation()).as(when).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
                    assertThat(serverReadOnly(next)).as(when).isEqualTo(readOnlyOnServer);
                    assertThat(next.isReadOnly()).as(when).isTrue();
                    assertThat(scalar(next, "SELECT @v")).as(when).isNull();
                    assertThat(scalar(next, "SELECT @@session.wait_timeout")).as(when).isEqualTo("28800");
                }
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
            assertThat(log.messages(Level.WARN)).isEmpty();

            Connection c = ds.getConnection();
            String killed = scalar(c, "SELECT CONNECTION_ID()");
            execute("KILL " + killed);
            assertThatCode(c::close).doesNotThrowAnyException();
            try (Connection next = ds.getConnection()) {
                assertThat(scalar(next, "SELECT CONNECTION_ID()")).isNotEqualTo(killed);
                assertThat(next.getAutoCommit()).isFalse();
                assertThat(serverIsolation(next)).isEqualTo("READ-COMMITTED");
            }
            assertThat(ds.connectionsOpened()).isEqualTo(2);
            assertThat(log.messages(Level.WARN)).hasSize(1).first().asString()
                    .contains("'reset-prod'", "evicted");
        }
    }

    private static boolean driverReads(Connection c, com.mysql.cj.conf.PropertyKey key) throws SQLException {
        return c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getPropertySet().getBooleanProperty(key).getValue();
    }

    // Found on the way: COM_RESET_CONNECTION deallocates server-side prepared statements that Connector/J caches.
    @Test
    void cachedServerPreparedStatementsWouldDieWithTheResetSoTheyAreOffOrRefused() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true"))) {
            for (int i = 0; i < 3; i++) {
                try (Connection c = ds.getConnection()) {
                    assertThat(driverReads(c, com.mysql.cj.conf.PropertyKey.useServerPrepStmts)).isFalse();
                    assertThat(driverReads(c, com.mysql.cj.conf.PropertyKey.cachePrepStmts)).isTrue();
                    insert(c, "prep-" + i);
                }
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1"));
             Connection c = ds.getConnection()) {
            assertThat(driverReads(c, com.mysql.cj.conf.PropertyKey.useServerPrepStmts)).as("reset-session off").isTrue();
        }
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.reset-session", "true",
                "twpool.driver.useServerPrepStmts", "YES")).close())
                .isInstanceOf(io.github.twpool.TwPoolConfigException.class)
                .hasMessageContaining("twpool.reset-session")
                .hasMessageContaining("useServerPrepStmts=true together with cachePrepStmts=true");
        // Server-side statements without the cache are closed with their statement, before the reset: allowed.
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true",
                "twpool.driver.useServerPrepStmts", "true", "twpool.driver.cachePrepStmts", "false"))) {
            for (int i = 0; i < 3; i++) {
                try (Connection c = ds.getConnection()) {
                    insert(c, "prep-server-" + i);
                }
            }
        }
    }

    // A pool whose reset fails warns once; another pool's failure must not silence it.
    @Test
    void aResetFailureInOnePoolDoesNotSilenceAnotherPools() throws Exception {
        try (LogCapture log = LogCapture.of("io.github.twpool");
             TwPoolDataSource a = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true",
                     "twpool.name", "reset-a"));
             TwPoolDataSource b = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true",
                     "twpool.name", "reset-b"))) {
            for (TwPoolDataSource ds : new TwPoolDataSource[] {a, a, b, b}) {
                Connection c = ds.getConnection();
                execute("KILL " + scalar(c, "SELECT CONNECTION_ID()"));
                assertThatCode(c::close).doesNotThrowAnyException();
            }
            assertThat(log.messages(Level.WARN)).filteredOn(m -> m.contains("'reset-a'")).hasSize(1);
            assertThat(log.messages(Level.WARN)).filteredOn(m -> m.contains("'reset-b'")).hasSize(1);
        }
    }
}
