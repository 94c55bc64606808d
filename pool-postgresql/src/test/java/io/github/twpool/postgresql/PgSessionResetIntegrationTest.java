package io.github.twpool.postgresql;

import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.github.twpool.postgresql.PgTestSupport.execute;
import static io.github.twpool.postgresql.PgTestSupport.props;
import static io.github.twpool.postgresql.PgTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * reset-session on PostgreSQL, on the plain server and over TLS: whatever a borrower leaves in its session (a
 * temporary table, a SET, a SET ROLE, an advisory lock, a LISTEN, a prepared statement, an open transaction) never
 * reaches the next borrower of the same backend, the pool's own settings come back, pgjdbc's statement cache
 * survives with server-side statements, and every way back to the connection resets it.
 */
class PgSessionResetIntegrationTest {

    private static final String TABLE = "twpool_reset_rows";

    private static void setUp(TestDatabase db) throws SQLException {
        execute(db, "CREATE TABLE IF NOT EXISTS " + TABLE + " (v text NOT NULL)",
                "CREATE SCHEMA IF NOT EXISTS twpool_reset_schema",
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'twpool_reset_role') "
                        + "THEN CREATE ROLE twpool_reset_role NOLOGIN; END IF; END $$");
    }

    private static int committed(TestDatabase db, String value) throws SQLException {
        return Integer.parseInt(scalar(db, "SELECT count(*) FROM " + TABLE + " WHERE v = '" + value + "'"));
    }

    private static void insert(Connection c, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (v) VALUES (?)")) {
            ps.setString(1, value);
            ps.executeUpdate();
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.twpool.postgresql.PgTestSupport#servers")
    void nothingABorrowerLeftInTheSessionReachesTheNextBorrower(TestDatabase db) throws Exception {
        setUp(db);
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.pool-size", "1",
                "twpool.reset-session", "true"))) {
            String pid;
            String workMem;
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                pid = scalar(c, "SELECT pg_backend_pid()");
                workMem = scalar(c, "SHOW work_mem");
                s.execute("CREATE TEMP TABLE twpool_leak (x int)");
                s.execute("SET work_mem = '7MB'");
                s.execute("SET twpool.tenant = 'alice'");
                s.execute("SET ROLE twpool_reset_role");
                s.execute("SELECT pg_advisory_lock(424242)");
                s.execute("LISTEN twpool_channel");
                s.execute("PREPARE twpool_leak_stmt AS SELECT 1");
                assertThat(scalar(c, "SELECT current_user")).isEqualTo("twpool_reset_role");
            }
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT pg_backend_pid()")).as("the same backend").isEqualTo(pid);
                assertThat(scalar(c, "SELECT count(*) FROM pg_class WHERE relname = 'twpool_leak' AND relpersistence = 't'"))
                        .as("temporary table").isEqualTo("0");
                assertThat(scalar(c, "SHOW work_mem")).as("SET").isEqualTo(workMem);
                assertThat(scalar(c, "SELECT coalesce(current_setting('twpool.tenant', true), '')")).as("custom SET").isEmpty();
                assertThat(scalar(c, "SELECT current_user")).as("SET ROLE").isEqualTo(db.username());
                assertThat(scalar(c, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"))
                        .as("advisory lock").isEqualTo("0");
                assertThat(scalar(c, "SELECT count(*) FROM pg_listening_channels()")).as("LISTEN").isEqualTo("0");
                assertThat(scalar(c, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'twpool_leak_stmt'"))
                        .as("PREPARE").isEqualTo("0");
            }
            // The lock is free for everyone else too, not only invisible to the next borrower.
            try (Connection other = db.openDirect()) {
                assertThat(scalar(other, "SELECT pg_try_advisory_lock(424242)")).isEqualTo("t");
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.twpool.postgresql.PgTestSupport#servers")
    void anOpenTransactionIsRolledBackNeverCommitted(TestDatabase db) throws Exception {
        setUp(db);
        for (String autoCommit : new String[] {"true", "false"}) {
            String value = "abandoned-autocommit-" + autoCommit + "-" + db.port();
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.pool-size", "1",
                    "twpool.reset-session", "true", "twpool.hikari.autoCommit", autoCommit))) {
                try (Connection c = ds.getConnection()) {
                    if (autoCommit.equals("true")) {
                        execute(c, "BEGIN"); // a transaction pgjdbc did not open: its rollback() would refuse
                    }
                    insert(c, value);
                }
                try (Connection c = ds.getConnection()) {
                    assertThat(c.getAutoCommit()).isEqualTo(Boolean.parseBoolean(autoCommit));
                    assertThat(scalar(c, "SELECT count(*) FROM " + TABLE + " WHERE v = '" + value + "'")).isEqualTo("0");
                    if (autoCommit.equals("false")) {
                        c.rollback();
                    }
                }
                assertThat(committed(db, value)).as("autoCommit=" + autoCommit).isZero();
                assertThat(ds.connectionsOpened()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.twpool.postgresql.PgTestSupport#servers")
    void thePoolsOwnSettingsComeBackAfterTheReset(TestDatabase db) throws Exception {
        setUp(db);
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.name", "settings-back",
                "twpool.pool-size", "1", "twpool.reset-session", "true", "twpool.hikari.autoCommit", "false",
                "twpool.hikari.transactionIsolation", "TRANSACTION_SERIALIZABLE",
                "twpool.hikari.schema", "twpool_reset_schema",
                "twpool.hikari.connectionInitSql", "SET statement_timeout = '12s'"))) {
            for (int borrow = 0; borrow < 2; borrow++) {
                try (Connection c = ds.getConnection()) {
                    assertThat(c.getAutoCommit()).as("borrow %d", borrow).isFalse();
                    assertThat(scalar(c, "SHOW transaction_isolation")).as("borrow %d", borrow).isEqualTo("serializable");
                    assertThat(scalar(c, "SHOW search_path")).as("borrow %d", borrow).isEqualTo("twpool_reset_schema");
                    assertThat(scalar(c, "SHOW statement_timeout")).as("borrow %d", borrow).isEqualTo("12s");
                    assertThat(scalar(c, "SHOW application_name")).as("borrow %d", borrow).isEqualTo("settings-back");
                    c.rollback();
                    execute(c, "SET search_path = public");
                    execute(c, "SET statement_timeout = 0");
                    execute(c, "SET application_name = 'borrower'");
                    execute(c, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
                    c.commit();
                }
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.twpool.postgresql.PgTestSupport#servers")
    void aReadOnlyPoolStaysReadOnlyAfterTheResetInBothOfPgjdbcsReadOnlyModes(TestDatabase db) throws Exception {
        setUp(db);
        // readOnlyMode=transaction: pgjdbc begins each transaction READ ONLY (autocommit off); readOnlyMode=always:
        // it sets the session's default once, when its flag changes, which DISCARD ALL resets behind its back.
        String[][] cases = {{"transaction", "false"}, {"always", "true"}};
        for (String[] mode : cases) {
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.pool-size", "1",
                    "twpool.reset-session", "true", "twpool.hikari.readOnly", "true", "twpool.hikari.autoCommit", mode[1],
                    "twpool.driver.readOnlyMode", mode[0]))) {
                for (int borrow = 0; borrow < 3; borrow++) {
                    try (Connection c = ds.getConnection()) {
                        assertThat(c.isReadOnly()).as("%s, borrow %d", mode[0], borrow).isTrue();
                        assertThat(scalar(c, "SHOW transaction_read_only")).as("%s, borrow %d", mode[0], borrow).isEqualTo("on");
                        if (mode[1].equals("false")) {
                            c.rollback();
                        }
                    }
                }
                assertThat(ds.connectionsOpened()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.twpool.postgresql.PgTestSupport#servers")
    void pgjdbcsServerPreparedStatementsSurviveTheReset(TestDatabase db) throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.pool-size", "1",
                "twpool.reset-session", "true", "twpool.driver.prepareThreshold", "1"))) {
            for (int borrow = 0; borrow < 3; borrow++) {
                try (Connection c = ds.getConnection()) {
                    for (int i = 0; i < 3; i++) {
                        try (PreparedStatement ps = c.prepareStatement("SELECT ?::int + 1")) {
                            ps.setInt(1, i);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                assertThat(rs.getInt(1)).isEqualTo(i + 1);
                            }
                        }
                    }
                    // pgjdbc's named statement is on the server: the cache is in use, not bypassed.
                    assertThat(scalar(c, "SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql"
                            + " AND statement LIKE 'SELECT $1::int + 1%'")).as("borrow %d", borrow).isEqualTo("1");
                }
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    /** Each way a borrower can reach the connection again, and close it there. */
    private static Map<String, ThrowingFunction> paths() {
        Map<String, ThrowingFunction> paths = new LinkedHashMap<>();
        paths.put("connection", c -> c);
        paths.put("createStatement().getConnection()", c -> c.createStatement().getConnection());
        paths.put("prepareStatement().getConnection()", c -> c.prepareStatement("SELECT 1").getConnection());
        paths.put("prepareCall().getConnection()", c -> c.prepareCall("{call pg_sleep(0)}").getConnection());
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
            s.executeUpdate("INSERT INTO " + TABLE + " (v) VALUES ('generated-keys')", Statement.RETURN_GENERATED_KEYS);
            return s.getGeneratedKeys().getStatement().getConnection();
        });
        return paths;
    }

    interface ThrowingFunction {
        Connection apply(Connection c) throws SQLException;
    }

    @ParameterizedTest
    @MethodSource("io.github.twpool.postgresql.PgTestSupport#servers")
    void everyPathBackToTheConnectionIsTheWrapperAndClosingThereResets(TestDatabase db) throws Exception {
        setUp(db);
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.pool-size", "1", "twpool.reset-session", "true"))) {
            for (var path : paths().entrySet()) {
                String value = "path-" + path.getKey();
                Connection c = ds.getConnection();
                String pid = scalar(c, "SELECT pg_backend_pid()");
                execute(c, "SET twpool.v = '42'");
                execute(c, "BEGIN");
                insert(c, value);
                Connection reached = path.getValue().apply(c);
                assertThat(reached).as(path.getKey()).isSameAs(c);
                reached.close();
                assertThat(c.isClosed()).as(path.getKey()).isTrue();
                try (Connection next = ds.getConnection()) {
                    assertThat(scalar(next, "SELECT pg_backend_pid()")).as(path.getKey()).isEqualTo(pid);
                    assertThat(scalar(next, "SELECT coalesce(current_setting('twpool.v', true), '')")).as(path.getKey()).isEmpty();
                    assertThat(scalar(next, "SELECT count(*) FROM " + TABLE + " WHERE v = '" + value + "'"))
                            .as(path.getKey()).isEqualTo("0");
                }
                assertThat(committed(db, value)).as(path.getKey()).isZero();
            }
            assertThat(committed(db, "generated-keys")).isZero();
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.twpool.postgresql.PgTestSupport#servers")
    void aClosedWrapperThrowsAndLeavesTheNextBorrowersConnectionAlone(TestDatabase db) throws Exception {
        setUp(db);
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.pool-size", "1", "twpool.reset-session", "true"))) {
            Connection first = ds.getConnection();
            Statement stale = first.createStatement();
            DatabaseMetaData staleMeta = first.getMetaData();
            stale.getConnection().close();
            try (Connection second = ds.getConnection()) {
                String pid = scalar(second, "SELECT pg_backend_pid()");
                execute(second, "SET twpool.owner = 'second'");
                first.close();
                assertThat(first.isClosed()).isTrue();
                assertThatThrownBy(first::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("connection is closed");
                assertThatThrownBy(() -> first.setAutoCommit(false)).isInstanceOf(SQLException.class).hasMessageContaining("connection is closed");
                assertThatThrownBy(() -> first.unwrap(org.postgresql.PGConnection.class)).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> stale.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
                assertThatThrownBy(() -> staleMeta.getTables(null, null, TABLE, null)).isInstanceOf(SQLException.class);
                assertThat(stale.getConnection()).isSameAs(first);
                assertThat(staleMeta.getConnection()).isSameAs(first);
                assertThat(scalar(second, "SELECT pg_backend_pid()")).isEqualTo(pid);
                assertThat(scalar(second, "SELECT current_setting('twpool.owner')")).as("not reset under its borrower").isEqualTo("second");
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("io.github.twpool.postgresql.PgTestSupport#servers")
    void aConnectionKilledWhileBorrowedIsEvictedAndTheCloseDoesNotThrow(TestDatabase db) throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.pool-size", "1",
                "twpool.reset-session", "true", "twpool.timeout", "5s"))) {
            Connection c = ds.getConnection();
            String pid = scalar(c, "SELECT pg_backend_pid()");
            execute(db, "SELECT pg_terminate_backend(" + pid + ")");
            Thread.sleep(200);
            assertThatCode(c::close).doesNotThrowAnyException();
            try (Connection next = ds.getConnection()) {
                assertThat(scalar(next, "SELECT pg_backend_pid()")).isNotEqualTo(pid);
            }
        }
    }
}
