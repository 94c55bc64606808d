package io.github.twpool;

import java.time.Instant;

/**
 * Server-wide counters read on one of the pool's connections. Counters the server does not report are {@code -1}.
 * The names are MySQL's; each says what the PostgreSQL extension puts there (pool-postgresql).
 *
 * @param at                 when it was read
 * @param connectionsTotal   connections the server has accepted since it started (MySQL {@code Connections};
 *                           PostgreSQL: the sum of {@code pg_stat_database.sessions}, 14+)
 * @param threadsConnected   connections open now (MySQL {@code Threads_connected}; PostgreSQL: client backends in
 *                           {@code pg_stat_activity})
 * @param threadsCreated     server threads created (MySQL {@code Threads_created}; PostgreSQL: -1)
 * @param abortedConnects    failed connection attempts (MySQL {@code Aborted_connects}; PostgreSQL: -1, it counts none)
 * @param abortedClients     connections dropped without a proper close (MySQL {@code Aborted_clients}; PostgreSQL:
 *                           {@code sessions_abandoned + sessions_fatal + sessions_killed})
 * @param maxConnections     the connections ordinary clients may open (MySQL {@code max_connections}; PostgreSQL:
 *                           {@code max_connections} minus the reserved slots)
 * @param maxUserConnections the per-user limit, 0 for none (MySQL {@code max_user_connections}; PostgreSQL: the
 *                           role's {@code rolconnlimit})
 * @param waitTimeoutSeconds the session idle timeout seen by the pool's connections (MySQL {@code wait_timeout};
 *                           PostgreSQL {@code idle_session_timeout}, -1 when off)
 * @param connectionsByClientHost connections accepted so far per client host as the server names it (MySQL
 *                           {@code performance_schema.hosts}, MariaDB {@code information_schema.CLIENT_STATISTICS}),
 *                           or {@code null} when the server cannot tell (PostgreSQL counts per database only)
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
