package io.github.twpool.mysql;

import ch.qos.logback.classic.Level;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.FaultProxy;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * reset-session resets only a session the borrower changed: the server reports changes in its OK packets (session
 * tracking), and a statement whose effect the trackers do not report makes the return reset anyway. Counted at the
 * wire: a clean return sends nothing; a changed one sends the documented number of commands. Every kind of state
 * the trackers miss is shown not to reach the next borrower, on the plain server and on the embedded one over TLS,
 * after clean returns, changed ones and both in turn, on one connection that is never replaced (an evicted
 * connection would hide a leak).
 */
class SessionResetTrackingIntegrationTest {

    private static final String TABLE = "track_rows";

    static Stream<TestDatabase> servers() {
        return Stream.of(TestDatabase.get(), TestDatabase.tls()).distinct();
    }

    @BeforeAll
    static void create() throws SQLException {
        for (TestDatabase db : servers().toList()) {
            try (Connection c = db.openDirect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + TABLE);
                s.execute("CREATE TABLE " + TABLE + " (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
                s.execute("INSERT INTO " + TABLE + " VALUES (1, 0)");
                s.execute("DROP PROCEDURE IF EXISTS track_sets");
                s.execute("CREATE PROCEDURE track_sets() BEGIN SET @track_pv = 1; SET SESSION sql_mode = 'ANSI_QUOTES'; END");
                s.execute("DROP PROCEDURE IF EXISTS track_locks");
                s.execute("CREATE PROCEDURE track_locks() BEGIN DO GET_LOCK('track_proc_lock', 0); END");
                s.execute("CREATE DATABASE IF NOT EXISTS track_other");
            }
        }
    }

    @AfterAll
    static void drop() throws SQLException {
        for (TestDatabase db : servers().toList()) {
            try (Connection c = db.openDirect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + TABLE);
                s.execute("DROP PROCEDURE IF EXISTS track_sets");
                s.execute("DROP PROCEDURE IF EXISTS track_locks");
                s.execute("DROP DATABASE IF EXISTS track_other");
            }
        }
    }

    private static Properties props(TestDatabase db, String... kv) {
        Properties p = db.twpoolProperties(kv);
        p.setProperty("twpool.pool-size", "1");
        p.setProperty("twpool.reset-session", "true");
        return p;
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        return MySqlTestSupport.scalar(c, sql);
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String direct(TestDatabase db, String sql) throws SQLException {
        try (Connection d = db.openDirect()) {
            return scalar(d, sql);
        }
    }

    /** The borrow a clean workload makes: a primary-key read and an update, autocommit on. */
    private static void cleanBorrow(TwPoolDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (var ps = c.prepareStatement("SELECT v FROM " + TABLE + " WHERE id = ?")) {
                ps.setInt(1, 1);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                }
            }
            exec(c, "UPDATE " + TABLE + " SET v = v + 1 WHERE id = 1");
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void aCleanReturnSendsNothingAndAChangedOneTheCommandsTheStartLineStates(TestDatabase db) throws Exception {
        boolean roles = Long.parseLong(direct(db, "SELECT COUNT(*) FROM information_schema.APPLICABLE_ROLES")) > 0;
        try (FaultProxy proxy = FaultProxy.forDatabase(db); LogCapture log = LogCapture.of("io.github.twpool")) {
            Properties p = props(db);
            p.setProperty("twpool.url", proxy.jdbcUrl());
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p)) {
                cleanBorrow(ds); // the first borrow also switches tracking on
                for (int i = 0; i < 3; i++) {
                    Connection c = ds.getConnection();
                    exec(c, "UPDATE " + TABLE + " SET v = v + 1 WHERE id = 1");
                    long before = proxy.clientSends();
                    c.close();
                    assertThat(proxy.clientSends() - before).as("commands sent by a clean return").isZero();
                }
                Connection c = ds.getConnection();
                exec(c, "SET @track_changed = 1");
                long before = proxy.clientSends();
                c.close();
                // COM_RESET_CONNECTION, Connector/J's SET NAMES and SET character_set_results, one SET of ours,
                // and SET ROLE where the account has roles to switch between.
                int expected = 4 + (roles ? 1 : 0);
                assertThat(proxy.clientSends() - before).as("commands sent by a changed return").isEqualTo(expected);
                assertThat(ds.sessionResetsSkipped()).isEqualTo(4);
                assertThat(ds.sessionResets()).isEqualTo(1);
                assertThat(ds.connectionsOpened()).isEqualTo(1);
            }
            assertThat(log.messages(Level.INFO)).anySatisfy(m -> assertThat(m)
                    .contains("a clean return sends no command, a changed one " + expected(roles)));
        }
    }

    private static int expected(boolean roles) {
        return 4 + (roles ? 1 : 0);
    }

    /**
     * A kind of session state, how a borrower leaves it behind, and how the next borrower would see it; a kind the
     * reset cannot undo evicts the connection instead (closing it ends the session and everything in it).
     */
    private record Kind(String name, Borrower leave, Check check, boolean evicts) {
        Kind(String name, Borrower leave, Check check) {
            this(name, leave, check, false);
        }
    }

    @FunctionalInterface
    private interface Borrower {
        void on(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface Check {
        void on(Connection next, TestDatabase db) throws SQLException;
    }

    private static List<Kind> kindsTheTrackersMiss(TestDatabase db) throws SQLException {
        String mode;
        String charset;
        try (Connection d = db.openDirect()) {
            mode = scalar(d, "SELECT @@session.sql_mode");
        }
        List<Kind> kinds = new ArrayList<>();
        kinds.add(new Kind("a named lock (GET_LOCK)", c -> assertThat(scalar(c, "SELECT GET_LOCK('track_lock', 0)")).isEqualTo("1"),
                (n, d) -> assertThat(direct(d, "SELECT IS_FREE_LOCK('track_lock')")).isEqualTo("1")));
        kinds.add(new Kind("a named lock taken inside a stored procedure", c -> exec(c, "CALL track_locks()"),
                (n, d) -> assertThat(direct(d, "SELECT IS_FREE_LOCK('track_proc_lock')")).isEqualTo("1")));
        kinds.add(new Kind("LOCK TABLES", c -> exec(c, "LOCK TABLES " + TABLE + " WRITE"),
                (n, d) -> {
                    try (Connection o = d.openDirect()) {
                        exec(o, "SET SESSION lock_wait_timeout = 2");
                        exec(o, "UPDATE " + TABLE + " SET v = v + 1 WHERE id = 1");
                    }
                }));
        kinds.add(new Kind("SET NAMES", c -> exec(c, "SET NAMES latin1"),
                (n, d) -> assertThat(scalar(n, "SELECT @@session.character_set_client")).isEqualTo("utf8mb4")));
        kinds.add(new Kind("USE", c -> exec(c, "USE track_other"),
                (n, d) -> assertThat(scalar(n, "SELECT DATABASE()")).isEqualTo("test")));
        kinds.add(new Kind("variables set inside a stored procedure", c -> exec(c, "CALL track_sets()"),
                (n, d) -> {
                    assertThat(scalar(n, "SELECT @track_pv")).isNull();
                    assertThat(scalar(n, "SELECT @@session.sql_mode")).isEqualTo(mode);
                }));
        kinds.add(new Kind("a user variable assigned in a SELECT", c -> exec(c, "SELECT @track_sel := 2"),
                (n, d) -> assertThat(scalar(n, "SELECT @track_sel")).isNull()));
        kinds.add(new Kind("a user variable set by SELECT ... INTO", c -> exec(c, "SELECT 3 INTO @track_into"),
                (n, d) -> assertThat(scalar(n, "SELECT @track_into")).isNull()));
        kinds.add(new Kind("the next transaction's isolation (SET TRANSACTION)",
                c -> exec(c, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
                (n, d) -> {
                    n.setAutoCommit(false);
                    scalar(n, "SELECT v FROM " + TABLE + " WHERE id = 1");
                    assertThat(scalar(n, "SELECT trx_isolation_level FROM information_schema.INNODB_TRX"
                            + " WHERE trx_mysql_thread_id = CONNECTION_ID()")).isEqualTo("REPEATABLE READ");
                    n.rollback();
                    n.setAutoCommit(true);
                }));
        kinds.add(new Kind("an XA transaction ended but not finished", c -> {
            exec(c, "XA START 'track_xa'");
            exec(c, "UPDATE " + TABLE + " SET v = -1 WHERE id = 1");
            exec(c, "XA END 'track_xa'");
        }, (n, d) -> {
            assertThat(direct(d, "SELECT COUNT(*) FROM " + TABLE + " WHERE v = -1")).isEqualTo("0");
            exec(n, "UPDATE " + TABLE + " SET v = v + 1 WHERE id = 1"); // the session takes statements again
        }, true)); // no statement can end another session's XA transaction without its xid: the connection goes
        return kinds;
    }

    @ParameterizedTest
    @MethodSource("servers")
    void eachKindTheTrackersMissNeverReachesTheNextBorrower(TestDatabase db) throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db))) {
            int evicted = 0;
            for (Kind kind : kindsTheTrackersMiss(db)) {
                cleanBorrow(ds);
                long resets = ds.sessionResets();
                long skipped = ds.sessionResetsSkipped();
                long opened = ds.connectionsOpened();
                try (Connection c = ds.getConnection()) {
                    kind.leave().on(c);
                }
                assertThat(ds.sessionResetsSkipped()).as(kind.name() + ": the reset was not skipped").isEqualTo(skipped);
                if (kind.evicts()) {
                    assertThat(ds.sessionResets()).as(kind.name()).isEqualTo(resets);
                    cleanBorrow(ds);
                    assertThat(ds.connectionsOpened()).as(kind.name() + ": evicted").isEqualTo(opened + 1);
                    evicted++;
                } else {
                    assertThat(ds.sessionResets() - resets).as(kind.name() + ": the return was reset").isEqualTo(1);
                }
                for (int round = 0; round < 2; round++) { // after the changed return, and after a clean one
                    try (Connection next = ds.getConnection()) {
                        kind.check().on(next, db);
                    }
                    cleanBorrow(ds);
                }
            }
            // One connection throughout but for the evicting kinds: no other eviction hid a leak.
            assertThat(ds.connectionsOpened()).isEqualTo(1 + evicted);
            assertThat(ds.sessionResetsSkipped()).isPositive();
        }
    }

    /** SET ROLE (MariaDB reports it, MySQL need not): the role at login comes back. Needs a server with grant tables. */
    @Test
    void aRoleSetByABorrowerIsPutBackAfterCleanAndChangedReturns() throws Exception {
        TestDatabase db = TestDatabase.get();
        String account;
        try (Connection d = db.openDirect()) {
            String[] user = scalar(d, "SELECT CURRENT_USER()").split("@", 2);
            account = "'" + user[0] + "'@'" + user[1] + "'";
            exec(d, "CREATE ROLE IF NOT EXISTS track_role");
            exec(d, "GRANT track_role TO " + account);
        }
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db))) {
            String atLogin;
            try (Connection c = ds.getConnection()) {
                atLogin = scalar(c, "SELECT CURRENT_ROLE()");
            }
            for (int i = 0; i < 3; i++) {
                cleanBorrow(ds);
                try (Connection c = ds.getConnection()) {
                    exec(c, "SET ROLE track_role");
                }
                try (Connection c = ds.getConnection()) {
                    assertThat(scalar(c, "SELECT CURRENT_ROLE()")).isEqualTo(atLogin);
                }
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        } finally {
            try (Connection d = db.openDirect()) {
                exec(d, "DROP ROLE IF EXISTS track_role");
            }
        }
    }

    /** A borrower that reaches the driver's own connection runs SQL no wrapper sees: its return is reset. */
    @Test
    void sqlRunOnTheDriversOwnConnectionMakesTheReturnReset() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(TestDatabase.get()))) {
            cleanBorrow(ds);
            try (Connection c = ds.getConnection()) {
                Connection driver = c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class);
                try (Statement s = driver.createStatement()) {
                    s.executeQuery("SELECT GET_LOCK('track_raw', 0)").close();
                }
            }
            assertThat(direct(TestDatabase.get(), "SELECT IS_FREE_LOCK('track_raw')")).isEqualTo("1");
            assertThat(ds.sessionResets()).isEqualTo(1);
        }
    }

    /**
     * Without tracking (here: the driver told not to), every return is reset as before tracking — COM_RESET_CONNECTION,
     * Connector/J's two character-set statements, USE of the pool's database — and the start says so once.
     */
    @Test
    void whereSessionsCannotBeTrackedEveryReturnIsResetAndTheStartSaysSo() throws Exception {
        TestDatabase db = TestDatabase.get();
        boolean roles = Long.parseLong(direct(db, "SELECT COUNT(*) FROM information_schema.APPLICABLE_ROLES")) > 0;
        try (FaultProxy proxy = FaultProxy.forDatabase(db); LogCapture log = LogCapture.of("io.github.twpool")) {
            Properties p = props(db, "twpool.driver.trackSessionState", "false", "twpool.name", "untracked");
            p.setProperty("twpool.url", proxy.jdbcUrl());
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p)) {
                for (int i = 0; i < 3; i++) {
                    cleanBorrow(ds);
                }
                Connection c = ds.getConnection();
                exec(c, "UPDATE " + TABLE + " SET v = v + 1 WHERE id = 1");
                long before = proxy.clientSends();
                c.close();
                assertThat(proxy.clientSends() - before).as("commands per return").isEqualTo(4 + (roles ? 1 : 0));
                try (Connection d = ds.getConnection()) {
                    exec(d, "SET @track_untracked = 1");
                }
                try (Connection d = ds.getConnection()) {
                    assertThat(scalar(d, "SELECT @track_untracked")).isNull();
                }
                assertThat(ds.sessionResets()).isEqualTo(6);
                assertThat(ds.sessionResetsSkipped()).isZero();
            }
            assertThat(log.messages(Level.WARN)).filteredOn(m -> m.contains("every return is reset"))
                    .singleElement().asString().contains("'untracked'", "trackSessionState");
            assertThat(log.messages(Level.INFO)).anySatisfy(m -> assertThat(m)
                    .contains("'untracked': reset-session resets every return: " + (4 + (roles ? 1 : 0)) + " commands"));
        }
    }

    /** autocommit=false pools: a committed borrow is clean; one left open is rolled back and reset. */
    @Test
    void withAutoCommitOffACommittedBorrowIsCleanAndAnOpenOneIsRolledBack() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(TestDatabase.get(), "twpool.hikari.autoCommit", "false"))) {
            try (Connection c = ds.getConnection()) {
                exec(c, "UPDATE " + TABLE + " SET v = 7 WHERE id = 1");
                c.commit();
            }
            long skipped = ds.sessionResetsSkipped();
            try (Connection c = ds.getConnection()) {
                exec(c, "UPDATE " + TABLE + " SET v = 8 WHERE id = 1");
                c.commit();
            }
            assertThat(ds.sessionResetsSkipped() - skipped).as("committed borrow").isEqualTo(1);
            long resets = ds.sessionResets();
            try (Connection c = ds.getConnection()) {
                exec(c, "UPDATE " + TABLE + " SET v = 9 WHERE id = 1");
            }
            assertThat(ds.sessionResets() - resets).as("borrow left in a transaction").isEqualTo(1);
            assertThat(direct(TestDatabase.get(), "SELECT v FROM " + TABLE + " WHERE id = 1")).isEqualTo("8");
            try (Connection c = ds.getConnection()) {
                assertThat(c.getAutoCommit()).isFalse();
                assertThat(scalar(c, "SELECT @@session.autocommit")).isEqualTo("0");
                c.rollback();
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }
}
