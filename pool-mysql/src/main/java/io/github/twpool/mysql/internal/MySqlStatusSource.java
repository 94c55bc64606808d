package io.github.twpool.mysql.internal;

import io.github.twpool.ServerStatus;
import io.github.twpool.spi.ServerStatusSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads MySQL's server-wide counters on one pooled connection, on the probe thread: {@code Connections} grows by one
 * per new connection from any client, which no local socket census can see for other hosts. Also rechecks
 * {@code wait_timeout}, which a reconnect can change.
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
        return new ServerStatus(Instant.now(), connections, threadsConnected, threadsCreated, abortedConnects,
                abortedClients, limits.maxConnections(), limits.maxUserConnections(), limits.sessionWaitTimeout());
    }
}
