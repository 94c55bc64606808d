package io.github.twpool.mysql.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The server's limits as a pooled connection sees them. The session {@code wait_timeout} is the one that closes
 * this pool's idle connections: it may differ from the global value (it comes from {@code interactive_timeout} for
 * clients that connect as interactive, or from {@code sessionVariables}).
 */
public record ServerLimits(long sessionWaitTimeout, long globalWaitTimeout, long interactiveTimeout,
                           long maxConnections, long maxUserConnections) {

    public static ServerLimits read(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@SESSION.wait_timeout, @@GLOBAL.wait_timeout, @@interactive_timeout,"
                     + " @@max_connections, @@max_user_connections")) {
            if (!rs.next()) {
                throw new SQLException("the server returned no row for its wait_timeout and max_connections");
            }
            return new ServerLimits(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
        }
    }
}
