package io.github.twpool.postgresql.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The server's limits as one pooled connection's session sees them, in one round trip. The idle timeouts are
 * per-session settings: a role's or a database's {@code ALTER ... SET}, or the driver's {@code options}, make them
 * differ from the server's configuration file, and the session's value is the one that closes this pool's
 * connections. Timeouts are in milliseconds, 0 for none ({@code idle_session_timeout} exists from PostgreSQL 14 on,
 * and reads as 0 before).
 *
 * @param idleSessionTimeoutMs         the server ends a session idle outside a transaction this long
 * @param idleInTransactionTimeoutMs   the server ends a session idle inside a transaction this long
 * @param maxConnections               {@code max_connections}
 * @param reservedConnections          slots ordinary roles cannot take: {@code superuser_reserved_connections},
 *                                     plus {@code reserved_connections} from PostgreSQL 16 on
 * @param roleConnectionLimit          the pool's role's {@code rolconnlimit}, -1 for none
 * @param serverVersionNum             {@code server_version_num}, e.g. 150020
 */
public record PgServerLimits(long idleSessionTimeoutMs, long idleInTransactionTimeoutMs, long maxConnections,
                             long reservedConnections, long roleConnectionLimit, int serverVersionNum) {

    private static final String QUERY = "SELECT name, setting FROM pg_settings WHERE name IN ('idle_session_timeout',"
            + " 'idle_in_transaction_session_timeout', 'max_connections', 'superuser_reserved_connections',"
            + " 'reserved_connections', 'server_version_num')"
            + " UNION ALL SELECT 'rolconnlimit', rolconnlimit::text FROM pg_roles WHERE rolname = current_user";

    public static PgServerLimits read(Connection c) throws SQLException {
        long idle = 0;
        long idleInTx = 0;
        long max = -1;
        long reserved = 0;
        long roleLimit = -1;
        int version = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
            while (rs.next()) {
                long v = Long.parseLong(rs.getString(2));
                switch (rs.getString(1)) {
                    case "idle_session_timeout" -> idle = v;
                    case "idle_in_transaction_session_timeout" -> idleInTx = v;
                    case "max_connections" -> max = v;
                    case "superuser_reserved_connections", "reserved_connections" -> reserved += v;
                    case "server_version_num" -> version = (int) v;
                    case "rolconnlimit" -> roleLimit = v;
                    default -> { }
                }
            }
        }
        if (max < 0) {
            throw new SQLException("pg_settings did not report max_connections: not a PostgreSQL server?");
        }
        if (!c.getAutoCommit()) {
            // The query opened a transaction; the next user of the connection must start its own. Commit, not
            // roll back: on a new connection the transaction holds what HikariCP set up (schema, init SQL).
            c.commit();
        }
        return new PgServerLimits(idle, idleInTx, max, reserved, roleLimit, version);
    }

    /** The connections ordinary roles may open: {@code max_connections} minus the reserved slots. */
    public long availableConnections() {
        return Math.max(0, maxConnections - reservedConnections);
    }
}
