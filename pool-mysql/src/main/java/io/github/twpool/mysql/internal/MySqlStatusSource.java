package io.github.twpool.mysql.internal;

import io.github.twpool.ServerStatus;
import io.github.twpool.spi.ServerStatusSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads MySQL's server-wide counters on one pooled connection, on the probe thread: {@code Connections} grows by one
 * per new connection from any client, which no local socket census can see for other hosts. Also rechecks
 * {@code wait_timeout}, which a reconnect can change. Where the server can tell connections per client host
 * (MySQL's {@code performance_schema.hosts}, MariaDB's {@code information_schema.CLIENT_STATISTICS} with
 * {@code userstat=ON}) it reads those too, so the detector can name the hosts that churn; where it cannot, the
 * sample says once what is missing.
 */
public final class MySqlStatusSource implements ServerStatusSource {

    private final Duration interval;
    private final RecycleGuard guard;

    /** {@code guard} may be {@code null} where no pool's recycle is to be kept under wait_timeout (the sidecar). */
    public MySqlStatusSource(Duration interval, RecycleGuard guard) {
        this.interval = interval;
        this.guard = guard;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public ServerStatus sample(Connection c) throws SQLException {
        long connections = -1;
        long threadsConnected = -1;
        long threadsCreated = -1;
        long abortedConnects = -1;
        long abortedClients = -1;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN "
                + "('Connections','Threads_connected','Threads_created','Aborted_connects','Aborted_clients')")) {
            while (rs.next()) {
                long v = rs.getLong(2);
                switch (rs.getString(1)) {
                    case "Connections" -> connections = v;
                    case "Threads_connected" -> threadsConnected = v;
                    case "Threads_created" -> threadsCreated = v;
                    case "Aborted_connects" -> abortedConnects = v;
                    case "Aborted_clients" -> abortedClients = v;
                    default -> { }
                }
            }
        }
        if (connections < 0) {
            throw new SQLException("SHOW GLOBAL STATUS did not report Connections: not a MySQL or MariaDB server?");
        }
        ServerLimits limits = ServerLimits.read(c);
        if (guard != null) {
            guard.recheck(limits.sessionWaitTimeout());
        }
        Map<String, Long> byHost = null;
        String missing = null;
        if (byHostQuery != NONE) {
            try {
                byHost = connectionsByClientHost(c);
            } catch (SQLException e) {
                missing = e.getMessage();
            }
            if (byHost == null && missing == null) {
                missing = "neither performance_schema.hosts (MySQL; MariaDB with performance_schema=ON) nor "
                        + "information_schema.CLIENT_STATISTICS (MariaDB with userstat=ON) has rows";
            }
            if (byHost == null) {
                byHostQuery = NONE; // say it once, not on every sample
                missing = missing + "; grant SELECT on performance_schema.hosts, or set userstat=ON on MariaDB, to have hosts named";
            }
        }
        return new ServerStatus(Instant.now(), connections, threadsConnected, threadsCreated, abortedConnects,
                abortedClients, limits.maxConnections(), limits.maxUserConnections(), limits.sessionWaitTimeout(),
                byHost, missing);
    }

    private static final String NONE = "";
    private static final String PERFORMANCE_SCHEMA = "SELECT HOST, TOTAL_CONNECTIONS FROM performance_schema.hosts WHERE HOST IS NOT NULL";
    private static final String CLIENT_STATISTICS = "SELECT CLIENT, TOTAL_CONNECTIONS FROM information_schema.CLIENT_STATISTICS";

    /** The query that gave per-host counts last time; null until one did, {@link #NONE} once none can. */
    private String byHostQuery;

    /**
     * Connections accepted per client host since the server started (or since the host's row appeared): MySQL's
     * {@code performance_schema.hosts}, else MariaDB's {@code CLIENT_STATISTICS} (filled with {@code userstat=ON}).
     * Null when neither has rows.
     */
    private Map<String, Long> connectionsByClientHost(Connection c) throws SQLException {
        if (byHostQuery != null) {
            return query(c, byHostQuery);
        }
        SQLException first = null;
        for (String q : new String[]{PERFORMANCE_SCHEMA, CLIENT_STATISTICS}) {
            try {
                Map<String, Long> rows = query(c, q);
                if (rows != null) {
                    byHostQuery = q;
                    return rows;
                }
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return null;
    }

    private static Map<String, Long> query(Connection c, String sql) throws SQLException {
        Map<String, Long> rows = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next() && rows.size() < 10_000) {
                rows.merge(rs.getString(1), rs.getLong(2), Long::sum);
            }
        }
        return rows.isEmpty() ? null : rows;
    }
}
