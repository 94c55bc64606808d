package io.github.twpool.postgresql.internal;

import io.github.twpool.TwPoolConfigException;
import io.github.twpool.spi.Durations;
import io.github.twpool.spi.PoolContext;
import io.github.twpool.spi.RecycleClamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Keeps {@code recycle} under the session's {@code idle_session_timeout} (PostgreSQL 14+), past which the server
 * ends an idle pooled connection before HikariCP retires it. {@code idle_in_transaction_session_timeout} is read
 * too but clamps nothing: a pooled connection never idles inside a transaction (HikariCP rolls back on return,
 * pgjdbc begins lazily), so that limit only ends borrowers that hold a transaction open; it is said once at start so
 * that the cause of such a failure is on record.
 */
public final class PgRecycleGuard {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.postgresql");

    private final PoolContext pool;
    private final RecycleClamp clamp;
    private volatile long lastIdleInTransactionMs = -1;

    public PgRecycleGuard(PoolContext pool, boolean clamp) {
        this.pool = pool;
        this.clamp = new RecycleClamp(pool, clamp, "twpool.postgresql.clamp-recycle", LOG);
    }

    /** At start, on the thread creating the pool: reads the limits on a pooled connection and clamps or fails. */
    public PgServerLimits checkAtStart() {
        PgServerLimits limits;
        try (Connection c = pool.pool().getConnection()) {
            limits = PgServerLimits.read(c);
        } catch (SQLException e) {
            LOG.info("twpool '{}': could not read the server's idle_session_timeout ({}); recycle is not checked against it.",
                    pool.config().name(), e.getMessage());
            return null;
        }
        apply(limits);
        return limits;
    }

    /** On the probe thread, with the limits a later sample saw (a role's setting may change, and a reconnect with it). */
    public void recheck(PgServerLimits limits) {
        if (seconds(limits.idleSessionTimeoutMs()) != clamp.lastLimitSeconds()
                || limits.idleInTransactionTimeoutMs() != lastIdleInTransactionMs) {
            try {
                apply(limits);
            } catch (TwPoolConfigException e) {
                LOG.warn("twpool '{}': {}", pool.config().name(), e.getMessage());
            }
        }
    }

    private void apply(PgServerLimits limits) {
        if (limits.idleInTransactionTimeoutMs() > 0 && limits.idleInTransactionTimeoutMs() != lastIdleInTransactionMs) {
            LOG.info("twpool '{}': the server ends sessions idle in a transaction after idle_in_transaction_session_timeout={}: "
                            + "a borrower that keeps a transaction open and idle that long loses its connection (recycle does "
                            + "not apply to borrowed connections).", pool.config().name(),
                    Durations.format(Duration.ofMillis(limits.idleInTransactionTimeoutMs())));
        }
        lastIdleInTransactionMs = limits.idleInTransactionTimeoutMs();
        long seconds = seconds(limits.idleSessionTimeoutMs());
        clamp.apply(seconds, "idle_session_timeout",
                "idle_session_timeout=" + Durations.format(Duration.ofMillis(limits.idleSessionTimeoutMs()))
                        + " (session value on a pooled connection)",
                "Raise idle_session_timeout to at least 60s for the pool's role (ALTER ROLE ... SET idle_session_timeout = "
                        + "'10min') or for this pool (twpool.driver.options=-c idle_session_timeout=600000)");
    }

    /** Whole seconds, rounded down (the clamp must stay under the limit); 0 for none. */
    private static long seconds(long ms) {
        return ms <= 0 ? 0 : Math.max(1, ms / 1000);
    }
}
