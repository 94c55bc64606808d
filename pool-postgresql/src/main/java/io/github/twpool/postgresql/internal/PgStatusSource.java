package io.github.twpool.postgresql.internal;

import io.github.twpool.ServerStatus;
import io.github.twpool.spi.ServerStatusSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads PostgreSQL's server-wide counters on one pooled connection, on the probe thread:
 * <ul>
 *   <li>{@code pg_stat_database.sessions} summed over all databases (PostgreSQL 14+): grows by one per session any
 *       client establishes, which no local socket census can see for other hosts;</li>
 *   <li>{@code sessions_abandoned + sessions_fatal + sessions_killed}: sessions that ended without a proper close
 *       (client gone, a FATAL error such as an idle timeout, {@code pg_terminate_backend}), the aborted-clients
 *       signal;</li>
 *   <li>client backends in {@code pg_stat_activity} against {@code max_connections} minus the reserved slots, for
 *       capacity.</li>
 * </ul>
 * The counters are the server's statistics, flushed by each backend at least once a second and when it exits, so a
 * sample lags by up to a second. PostgreSQL counts sessions per database, not per client host: per-host counts are
 * not reported (see {@link #BY_HOST_MISSING}). PostgreSQL 13 and older have no session counters; the source then
 * fails once, saying so, and the probe goes on with its other signals.
 */
public final class PgStatusSource implements ServerStatusSource {

    /** Why connections per client host are not reported, said once by the probe. */
    public static final String BY_HOST_MISSING = "PostgreSQL counts sessions per database, not per client host; "
            + "pg_stat_activity lists only the sessions open at the moment it is read, so sessions that live a few "
            + "milliseconds are mostly missed and their hosts cannot be counted from it";

    private static final String COUNTERS = "SELECT sum(sessions)::bigint, sum(sessions_abandoned + sessions_fatal"
            + " + sessions_killed)::bigint, (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')"
            + " FROM pg_stat_database";

    private final Duration interval;
    private final PgRecycleGuard guard;

    /** {@code guard} may be {@code null} where no pool's recycle is to be kept under the server's limit (the sidecar). */
    public PgStatusSource(Duration interval, PgRecycleGuard guard) {
        this.interval = interval;
        this.guard = guard;
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public ServerStatus sample(Connection c) throws SQLException {
        PgServerLimits limits = PgServerLimits.read(c);
        if (limits.serverVersionNum() < 140000) {
            throw new SQLException("PostgreSQL " + limits.serverVersionNum() / 10000 + " has no session counters "
                    + "(pg_stat_database.sessions is PostgreSQL 14+): the server's session rate is not read");
        }
        if (guard != null) {
            guard.recheck(limits);
        }
        long sessions;
        long aborted;
        long clients;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(COUNTERS)) {
            rs.next();
            sessions = rs.getLong(1);
            aborted = rs.getLong(2);
            clients = rs.getLong(3);
        }
        if (!c.getAutoCommit()) {
            c.commit(); // a read-only query's transaction; commit keeps what HikariCP set up on a new connection
        }
        long idleSeconds = limits.idleSessionTimeoutMs() <= 0 ? -1 : limits.idleSessionTimeoutMs() / 1000;
        return new ServerStatus(Instant.now(), sessions, clients, -1, -1, aborted, limits.availableConnections(),
                Math.max(0, limits.roleConnectionLimit()), idleSeconds, null, BY_HOST_MISSING);
    }
}
