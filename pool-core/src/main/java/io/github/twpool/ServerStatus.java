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
 */
public record ServerStatus(Instant at, long connectionsTotal, long threadsConnected, long threadsCreated,
                           long abortedConnects, long abortedClients, long maxConnections,
                           long maxUserConnections, long waitTimeoutSeconds) {
}
