package io.github.twpool.postgresql;

import io.github.twpool.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.stream.Stream;

final class PgTestSupport {

    /**
     * The lock of the classes that count connects, resets or TIME_WAIT on the whole host: exclusive for them, shared
     * for the classes that run concurrently, so the two never overlap.
     */
    static final String HOST_CONNECTS = "host-connects";

    private PgTestSupport() {
    }

    /** The plain server and the TLS one: every test that takes a server runs on both. */
    static Stream<TestDatabase> servers() {
        return Stream.of(TestDatabase.postgres(), TestDatabase.postgresTls());
    }

    static Properties props(TestDatabase db, String... kv) {
        return db.twpoolProperties(kv);
    }

    static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void execute(TestDatabase db, String... sql) throws SQLException {
        try (Connection c = db.openDirect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String scalar(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.openDirect()) {
            return scalar(c, sql);
        }
    }
}
