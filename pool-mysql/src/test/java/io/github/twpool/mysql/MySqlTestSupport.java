package io.github.twpool.mysql;

import io.github.twpool.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

final class MySqlTestSupport {

    /**
     * The lock of the classes that count connects on the whole host (the probe's host counters): exclusive for them,
     * shared for the classes that run concurrently, so the two never overlap.
     */
    static final String HOST_CONNECTS = "host-connects";

    private MySqlTestSupport() {
    }

    static Properties props(String... kv) {
        return TestDatabase.get().twpoolProperties(kv);
    }

    static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void execute(String sql) throws SQLException {
        try (Connection c = TestDatabase.get().openDirect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Rows of {@code table} whose column v holds {@code value}, counted outside the pool: only committed rows count. */
    static int committed(String table, String value) throws SQLException {
        try (Connection c = TestDatabase.get().openDirect();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE v = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static void insert(Connection c, String table, String value) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (v) VALUES (?)")) {
            ps.setString(1, value);
            ps.executeUpdate();
        }
    }
}
