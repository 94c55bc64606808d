package io.github.twpool;

import java.time.Instant;

/**
 * Server-wide counters read on one of the pool's connections (for MySQL: {@code SHOW GLOBAL STATUS} and variables).
 * Counters the server does not report are {@code -1}.
 *
 * @param at                 when it was read
 * @param connectionsTotal   connection attempts the server has accepted since it started (MySQL {@code Connections})
 * @param threadsConnected   connections open now (MySQL {@code Threads_connected})
 * @param threadsCreated     server threads created (MySQL {@code Threads_created})
 * @param abortedConnects    failed connection attempts (MySQL {@code Aborted_connects})
 * @param abortedClients     connections dropped without a proper close (MySQL {@code Aborted_clients})
 * @param maxConnections     the server's limit (MySQL {@code max_connections})
 * @param maxUserConnections the per-user limit, 0 for none (MySQL {@code max_user_connections})
 * @param waitTimeoutSeconds the session idle timeout seen by the pool's connections (MySQL {@code wait_timeout})
 * @param connectionsByClientHost connections accepted so far per client host as the server names it (MySQL
 *                           {@code performance_schema.hosts}, MariaDB {@code information_schema.CLIENT_STATISTICS}),
 *                           or {@code null} when the server cannot tell
 * @param byClientHostMissing when {@code connectionsByClientHost} is {@code null}: what the server lacks (a setting,
 *                           a privilege), else {@code null}
 */
public record ServerStatus(Instant at, long connectionsTotal, long threadsConnected, long threadsCreated,
                           long abortedConnects, long abortedClients, long maxConnections,
                           long maxUserConnections, long waitTimeoutSeconds,
                           java.util.Map<String, Long> connectionsByClientHost, String byClientHostMissing) {

    public ServerStatus {
        connectionsByClientHost = connectionsByClientHost == null ? null : java.util.Map.copyOf(connectionsByClientHost);
    }

    /** Server-wide counters only, without per-client-host counts. */
    public ServerStatus(Instant at, long connectionsTotal, long threadsConnected, long threadsCreated,
                        long abortedConnects, long abortedClients, long maxConnections,
                        long maxUserConnections, long waitTimeoutSeconds) {
        this(at, connectionsTotal, threadsConnected, threadsCreated, abortedConnects, abortedClients, maxConnections,
                maxUserConnections, waitTimeoutSeconds, null, null);
    }
}
