package io.github.twpool.mysql;

import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * reset-session skips the reset of a session the server reports unchanged; these are the ways a careless or hostile
 * borrower changes a session without a report, or hides what it runs from the statement check: SQL behind comments
 * (plain, line, executable), in parentheses, in a batch, in a second statement, in a prepared statement, inside a
 * stored function, a trigger or a view, and state the driver keeps for the connection. After each, the next borrower
 * of the one connection of the pool must find the session as a new one, on the plain server and over TLS.
 */
class SessionResetTrackingAdversarialIntegrationTest {

    private static final String TABLE = "adv_rows";
    private static final String LOCK = "adv_lock";

    static Stream<TestDatabase> servers() {
        return Stream.of(TestDatabase.get(), TestDatabase.tls()).distinct();
    }

    @BeforeAll
    static void create() throws SQLException {
        for (TestDatabase db : servers().toList()) {
            try (Connection c = db.openDirect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + TABLE);
                s.execute("CREATE TABLE " + TABLE + " (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
                s.execute("INSERT INTO " + TABLE + " VALUES (1, 0), (2, 0)");
                s.execute("CREATE OR REPLACE SEQUENCE adv_seq");
            }
        }
    }

    @AfterAll
    static void drop() throws SQLException {
        for (TestDatabase db : servers().toList()) {
            try (Connection c = db.openDirect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + TABLE);
                s.execute("DROP SEQUENCE IF EXISTS adv_seq");
            }
        }
    }

    private static void createRoutines(TestDatabase db) throws SQLException {
        try (Connection c = db.openDirect(); Statement s = c.createStatement()) {
                s.execute("DROP FUNCTION IF EXISTS adv_locks");
                s.execute("CREATE FUNCTION adv_locks() RETURNS INT BEGIN DO GET_LOCK('" + LOCK + "', 0); RETURN 1; END");
                s.execute("DROP FUNCTION IF EXISTS adv_assigns");
                s.execute("CREATE FUNCTION adv_assigns() RETURNS INT BEGIN SET @adv_var = 1; RETURN 1; END");
                s.execute("DROP FUNCTION IF EXISTS adv_selects_into");
                s.execute("CREATE FUNCTION adv_selects_into() RETURNS INT BEGIN SELECT 1 INTO @adv_var; RETURN 1; END");
                s.execute("CREATE OR REPLACE VIEW adv_view AS SELECT adv_locks() AS x");
                s.execute("DROP TABLE IF EXISTS adv_trig");
                s.execute("CREATE TABLE adv_trig (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
                s.execute("INSERT INTO adv_trig VALUES (1, 0)");
                s.execute("CREATE TRIGGER adv_trig_upd BEFORE UPDATE ON adv_trig FOR EACH ROW SELECT NEW.v INTO @adv_var");
        }
    }

    private static void dropRoutines(TestDatabase db) throws SQLException {
        try (Connection c = db.openDirect(); Statement s = c.createStatement()) {
                s.execute("DROP VIEW IF EXISTS adv_view");
                s.execute("DROP TABLE IF EXISTS adv_trig");
                s.execute("DROP FUNCTION IF EXISTS adv_locks");
                s.execute("DROP FUNCTION IF EXISTS adv_assigns");
                s.execute("DROP FUNCTION IF EXISTS adv_selects_into");
        }
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

    private static void cleanBorrow(TwPoolDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            exec(c, "UPDATE " + TABLE + " SET v = v + 1 WHERE id = 1");
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

    private record Case(String name, Borrower leave, Check check) {
    }

    private static final Check NO_VARIABLE = (n, d) -> assertThat(scalar(n, "SELECT @adv_var")).as("@adv_var").isNull();
    private static final Check LOCK_FREE = (n, d) -> assertThat(direct(d, "SELECT IS_FREE_LOCK('" + LOCK + "')"))
            .as("the named lock is free").isEqualTo("1");

    private static Case sql(String sql, Check check) {
        return new Case(sql.replace("\n", "\\n"), c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                while (s.getMoreResults() || s.getUpdateCount() != -1) {
                    // read every result of a multi-statement
                }
            }
        }, check);
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // Comments, spacing, parentheses and case in front of what the trackers miss.
        cases.add(sql("/* x */ SELECT @adv_var := 1", NO_VARIABLE));
        cases.add(sql("-- x\nSELECT 1 INTO @adv_var", NO_VARIABLE));
        cases.add(sql("# x\nSELECT @adv_var := 1", NO_VARIABLE));
        cases.add(sql("/*!50000 SELECT @adv_var := 1 */", NO_VARIABLE));
        cases.add(sql("SELECT 1 /*!50000 , GET_LOCK('" + LOCK + "', 0) */", LOCK_FREE));
        cases.add(sql("SELECT 1 /*M!100000 , GET_LOCK('" + LOCK + "', 0) */", LOCK_FREE));
        cases.add(sql("SELECT 1 /*m!100000 , GET_LOCK('" + LOCK + "', 0) */", LOCK_FREE));
        cases.add(sql("\n\t (SELECT GET_LOCK('" + LOCK + "', 0))", LOCK_FREE));
        cases.add(sql("DO GET_LOCK('" + LOCK + "', 0)", LOCK_FREE));
        cases.add(sql("DO @adv_var := 1", NO_VARIABLE));
        cases.add(sql("SELECT * FROM (SELECT GeT_LoCk('" + LOCK + "', 0) AS l) AS x", LOCK_FREE));
        cases.add(sql("SET STATEMENT max_statement_time = 5 FOR SELECT @adv_var := 1", NO_VARIABLE));
        cases.add(sql("SELECT 1; DO GET_LOCK('" + LOCK + "', 0)", LOCK_FREE));
        cases.add(sql("SELECT 1;\n-- x\n DO GET_LOCK('" + LOCK + "', 0)", LOCK_FREE));
        cases.add(sql("SELECT 1;--\tx\nDO GET_LOCK('" + LOCK + "', 0)", LOCK_FREE));
        // Statements and JDBC calls that carry SQL another way.
        cases.add(new Case("a prepared SELECT GET_LOCK(?)", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(?, 0)")) {
                ps.setString(1, LOCK);
                ps.executeQuery().close();
            }
        }, LOCK_FREE));
        cases.add(new Case("a prepared SET @v = ?", c -> {
            try (PreparedStatement ps = c.prepareStatement("SET @adv_var = ?")) {
                ps.setInt(1, 1);
                ps.executeUpdate();
            }
        }, NO_VARIABLE));
        cases.add(new Case("a batch", c -> {
            try (Statement s = c.createStatement()) {
                s.addBatch("UPDATE " + TABLE + " SET v = v + 1 WHERE id = 2");
                s.addBatch("DO GET_LOCK('" + LOCK + "', 0)");
                s.executeBatch();
            }
        }, LOCK_FREE));
        cases.add(new Case("executeLargeUpdate", c -> {
            try (Statement s = c.createStatement()) {
                s.executeLargeUpdate("DO GET_LOCK('" + LOCK + "', 0)");
            }
        }, LOCK_FREE));
        cases.add(new Case("a prepared CREATE TEMPORARY TABLE", c -> {
            try (PreparedStatement ps = c.prepareStatement("CREATE TEMPORARY TABLE adv_temp (x INT)")) {
                ps.execute();
            }
        }, (n, d) -> assertThat(scalar(n, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'adv_temp'"
                + " AND TABLE_TYPE = 'TEMPORARY'")).isEqualTo("0")));
        cases.add(sql("HANDLER " + TABLE + " OPEN", (n, d) -> {
            try (Statement s = n.createStatement()) {
                s.execute("HANDLER " + TABLE + " READ FIRST");
                throw new AssertionError("the handler opened by the last borrower is still open");
            } catch (SQLException expected) {
                assertThat(expected.getErrorCode()).isEqualTo(1109); // unknown table in HANDLER
            }
        }));
        cases.add(sql("PREPARE adv_stmt FROM 'SELECT 1'", (n, d) -> {
            try (Statement s = n.createStatement()) {
                s.execute("EXECUTE adv_stmt");
                throw new AssertionError("the prepared statement of the last borrower is still there");
            } catch (SQLException expected) {
                assertThat(expected.getErrorCode()).isEqualTo(1243); // unknown prepared statement
            }
        }));
        cases.add(new Case("LOCK TABLES through executeQuery", c -> {
            try (Statement s = c.createStatement()) {
                s.executeQuery("LOCK TABLES " + TABLE + " READ").close();
            } catch (SQLException ignored) {
                // the driver may refuse a statement without a result after sending it
            }
        }, (n, d) -> {
            try (Connection o = d.openDirect()) {
                exec(o, "SET SESSION lock_wait_timeout = 2");
                exec(o, "UPDATE " + TABLE + " SET v = v + 1 WHERE id = 2");
            }
        }));
        cases.add(new Case("SELECT ... FOR UPDATE with autocommit off, returned open", c -> {
            c.setAutoCommit(false);
            scalar(c, "SELECT v FROM " + TABLE + " WHERE id = 2 FOR UPDATE");
        }, (n, d) -> {
            assertThat(n.getAutoCommit()).isTrue();
            try (Connection o = d.openDirect()) {
                exec(o, "SET SESSION innodb_lock_wait_timeout = 2");
                exec(o, "UPDATE " + TABLE + " SET v = v + 1 WHERE id = 2");
            }
        }));
        cases.add(sql("SELECT LAST_INSERT_ID(4242)", (n, d) -> assertThat(scalar(n, "SELECT LAST_INSERT_ID()")).isEqualTo("0")));
        cases.add(sql("SELECT NEXTVAL(adv_seq)", (n, d) -> assertThat(scalar(n, "SELECT LASTVAL(adv_seq)")).isNull()));
        // State the driver keeps for the connection.
        cases.add(new Case("setClientInfo", c -> c.setClientInfo("ApplicationName", "adv-borrower"),
                (n, d) -> assertThat(n.getClientInfo("ApplicationName")).isNull()));
        cases.add(new Case("client info that closes the driver's comment", c -> {
            c.setClientInfo("ApplicationName", "x */ SELECT GET_LOCK('" + LOCK + "', 0) UNION /*");
            scalar(c, "SELECT 1");
        }, (n, d) -> {
            LOCK_FREE.on(n, d);
            assertThat(scalar(n, "SELECT 2")).isEqualTo("2"); // no comment of the last borrower before it
        }));
        cases.add(new Case("setTypeMap", c -> c.setTypeMap(Map.of("adv_type", String.class)),
                (n, d) -> assertThat(n.getTypeMap()).isEmpty()));
        cases.add(new Case("a statement with setMaxRows left open", c -> {
            Statement s = c.createStatement();
            s.setMaxRows(1);
            s.executeQuery("SELECT id FROM " + TABLE).close();
        }, (n, d) -> {
            assertThat(scalar(n, "SELECT COUNT(*) FROM (SELECT id FROM " + TABLE + ") AS x")).isEqualTo("2");
            try (Statement s = n.createStatement(); var rs = s.executeQuery("SELECT id FROM " + TABLE)) {
                int rows = 0;
                while (rs.next()) {
                    rows++;
                }
                assertThat(rows).as("rows the next borrower reads").isEqualTo(2);
            }
        }));
        cases.add(new Case("setCatalog", c -> c.setCatalog("mysql"),
                (n, d) -> assertThat(scalar(n, "SELECT DATABASE()")).isEqualTo("test")));
        cases.add(new Case("setSchema", c -> c.setSchema("mysql"),
                (n, d) -> assertThat(scalar(n, "SELECT DATABASE()")).isEqualTo("test")));
        cases.add(new Case("setNetworkTimeout", c -> c.setNetworkTimeout(Runnable::run, 123_456),
                (n, d) -> assertThat(n.getNetworkTimeout()).isNotEqualTo(123_456)));
        cases.add(new Case("setHoldability", c -> c.setHoldability(java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT),
                (n, d) -> assertThat(n.getHoldability()).isEqualTo(java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT)));
        cases.add(new Case("setReadOnly and isolation", c -> {
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        }, (n, d) -> {
            assertThat(scalar(n, "SELECT @@session.tx_read_only")).isEqualTo("0");
            assertThat(scalar(n, "SELECT @@session.tx_isolation")).isEqualTo("REPEATABLE-READ");
        }));
        return cases;
    }

    /** Stored functions and triggers, reached through statements that look plain. */
    private static List<Case> routineCases() {
        List<Case> cases = new ArrayList<>();
        // What runs inside the server where the statement does not show it.
        cases.add(sql("SELECT adv_locks()", LOCK_FREE));
        cases.add(sql("SELECT adv_assigns()", NO_VARIABLE));
        cases.add(sql("SELECT adv_selects_into()", NO_VARIABLE));
        cases.add(sql("SELECT * FROM adv_view", LOCK_FREE));
        cases.add(sql("UPDATE adv_trig SET v = v + 1 WHERE id = 1", NO_VARIABLE));
        return cases;
    }

    @ParameterizedTest
    @MethodSource("servers")
    void nothingABorrowerHidesReachesTheNextBorrower(TestDatabase db) throws Exception {
        assertThat(leaks(db, cases(), true)).isEmpty();
    }

    /**
     * A function, a view over it and a trigger whose bodies change the session unreported: the statement check
     * cannot see into them, so a pool on a server that has them resets every return.
     */
    @ParameterizedTest
    @MethodSource("servers")
    void storedFunctionsAndTriggersTheTrackersMissMakeEveryReturnReset(TestDatabase db) throws Exception {
        createRoutines(db);
        try {
            assertThat(leaks(db, routineCases(), false)).isEmpty();
        } finally {
            dropRoutines(db);
        }
    }

    private static List<String> leaks(TestDatabase db, List<Case> cases, boolean skips) throws Exception {
        Properties p = db.twpoolProperties();
        p.setProperty("twpool.probe.enabled", "false");
        p.setProperty("twpool.pool-size", "1");
        p.setProperty("twpool.reset-session", "true");
        p.setProperty("twpool.url", db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "allowMultiQueries=true");
        List<String> leaks = new ArrayList<>();
        for (Case kase : cases) {
            // A pool per case: what one case leaves behind cannot be blamed on the next.
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p)) {
                cleanBorrow(ds);
                cleanBorrow(ds);
                if (skips) {
                    assertThat(ds.sessionResetsSkipped()).as("a clean return is let through").isPositive();
                } else {
                    assertThat(ds.sessionResetsSkipped()).as("every return is reset").isZero();
                }
                try (Connection c = ds.getConnection()) {
                    kase.leave().on(c);
                } catch (SQLException e) {
                    leaks.add(kase.name() + ": the borrower failed: " + e);
                    continue;
                }
                for (int round = 0; round < 2; round++) { // after the hostile return, and after a clean one
                    try (Connection next = ds.getConnection()) {
                        kase.check().on(next, db);
                    } catch (AssertionError | SQLException e) {
                        leaks.add(kase.name() + " (round " + round + "): " + e.getMessage().replace('\n', ' '));
                        break;
                    }
                    cleanBorrow(ds);
                }
                assertThat(ds.connectionsOpened()).as(kase.name() + ": one connection throughout").isEqualTo(1);
            }
        }
        return leaks;
    }
}
