package io.github.twpool.mysql.internal;

import io.github.twpool.TwPoolConfigException;
import io.github.twpool.spi.PoolContext;
import io.github.twpool.spi.RecycleClamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps {@code recycle} (Hikari's maxLifetime) under the server's {@code wait_timeout}. Past it, the server closes an
 * idle connection before Hikari retires it, and the next borrower pays a failed validation ("Possibly consider
 * using a shorter maxLifetime value"). The clamp itself ({@link RecycleClamp}) is the one every extension uses.
 */
public final class RecycleGuard {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.mysql");

    private final PoolContext pool;
    private final RecycleClamp clamp;

    public RecycleGuard(PoolContext pool, boolean clamp) {
        this.pool = pool;
        this.clamp = new RecycleClamp(pool, clamp, "twpool.mysql.clamp-recycle", LOG);
    }

    /** At start, on the thread creating the pool: reads the limits on a pooled connection and clamps or fails. */
    public ServerLimits checkAtStart() {
        ServerLimits limits;
        try (Connection c = pool.pool().getConnection()) {
            limits = ServerLimits.read(c);
        } catch (SQLException e) {
            LOG.info("twpool '{}': could not read the server's wait_timeout ({}); recycle is not checked against it.",
                    pool.config().name(), e.getMessage());
            return null;
        }
        apply(limits.sessionWaitTimeout(), limits.globalWaitTimeout());
        return limits;
    }

    /** On the probe thread, with the session wait_timeout a later sample saw (a reconnect may change it). */
    public void recheck(long sessionWaitTimeout) {
        if (sessionWaitTimeout > 0 && sessionWaitTimeout != clamp.lastLimitSeconds()) {
            try {
                apply(sessionWaitTimeout, -1);
            } catch (TwPoolConfigException e) {
                LOG.warn("twpool '{}': {}", pool.config().name(), e.getMessage());
            }
        }
    }

    private void apply(long waitTimeoutSeconds, long globalSeconds) {
        String wait = "wait_timeout=" + waitTimeoutSeconds + "s" + (globalSeconds >= 0 && globalSeconds != waitTimeoutSeconds
                ? " (session value on a pooled connection; global " + globalSeconds + "s)" : "");
        clamp.apply(waitTimeoutSeconds, "wait_timeout", wait, "Raise wait_timeout to at least 60s (globally, or for this "
                + "pool with twpool.driver.sessionVariables=wait_timeout=600)");
    }
}
