package io.github.twpool.mysql.internal;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.spi.Durations;
import io.github.twpool.spi.PoolContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Keeps {@code recycle} (Hikari's maxLifetime) under the server's {@code wait_timeout}. Past it, the server closes an
 * idle connection before Hikari retires it, and the next borrower pays a failed validation ("Possibly consider
 * using a shorter maxLifetime value"). The clamp leaves a margin of a tenth of {@code wait_timeout}, between 1 s and
 * 5 min, for clocks and the housekeeper's schedule.
 */
public final class RecycleGuard {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.mysql");
    static final long HIKARI_MIN_LIFETIME_MS = 30_000;

    private final PoolContext pool;
    private final boolean clamp;
    private volatile long lastWaitTimeout = -1;

    public RecycleGuard(PoolContext pool, boolean clamp) {
        this.pool = pool;
        this.clamp = clamp;
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
        apply(limits.sessionWaitTimeout(), limits.globalWaitTimeout(), true);
        return limits;
    }

    /** On the probe thread, with the session wait_timeout a later sample saw (a reconnect may change it). */
    public void recheck(long sessionWaitTimeout) {
        if (sessionWaitTimeout > 0 && sessionWaitTimeout != lastWaitTimeout) {
            try {
                apply(sessionWaitTimeout, -1, false);
            } catch (TwPoolConfigException e) {
                LOG.warn("twpool '{}': {}", pool.config().name(), e.getMessage());
            }
        }
    }

    private void apply(long waitTimeoutSeconds, long globalSeconds, boolean atStart) {
        lastWaitTimeout = waitTimeoutSeconds;
        TwPoolConfig config = pool.config();
        long waitMs = waitTimeoutSeconds * 1000;
        long margin = Math.max(1000, Math.min(300_000, waitMs / 10));
        long target = waitMs - margin;
        long current = pool.hikariConfig().getMaxLifetime();
        String wait = "wait_timeout=" + waitTimeoutSeconds + "s" + (globalSeconds >= 0 && globalSeconds != waitTimeoutSeconds
                ? " (session value on a pooled connection; global " + globalSeconds + "s)" : "");
        if (current != 0 && current <= target) {
            checkKeepalive(config, waitTimeoutSeconds, wait);
            return;
        }
        String recycle = current == 0 ? "0 (never)" : Durations.format(Duration.ofMillis(current));
        if (target < HIKARI_MIN_LIFETIME_MS) {
            throw TwPoolConfigException.invalid("twpool.recycle", recycle, "cannot stay under the server's " + wait
                    + ": HikariCP's shortest lifetime is 30s. Raise wait_timeout to at least 60s (globally, or for this pool "
                    + "with twpool.driver.sessionVariables=wait_timeout=600)");
        }
        if (!clamp) {
            throw TwPoolConfigException.invalid("twpool.recycle", recycle, "must be shorter than the server's " + wait
                    + ", or the server closes idle connections first; set it to at most "
                    + Durations.format(Duration.ofMillis(target)) + ", or let twpool.mysql.clamp-recycle=true clamp it");
        }
        pool.hikariConfig().setMaxLifetime(target);
        // Connections already open carry the old lifetime: replace them so that all live by the new one.
        pool.hikariPool().softEvictConnections();
        LOG.warn("twpool '{}': recycle={} is longer than the server's {}: the server would close idle connections first "
                        + "and borrowers would see \"Possibly consider using a shorter maxLifetime value\". recycle clamped to {} "
                        + "(wait_timeout minus {}). Set twpool.recycle below wait_timeout to silence this, or "
                        + "twpool.mysql.clamp-recycle=false to make it a start-up error.", config.name(), recycle, wait,
                Durations.format(Duration.ofMillis(target)), Durations.format(Duration.ofMillis(margin)));
        checkKeepalive(config, waitTimeoutSeconds, wait);
    }

    private void checkKeepalive(TwPoolConfig config, long waitTimeoutSeconds, String wait) {
        Duration keepalive = config.keepalive();
        if (!keepalive.isZero() && keepalive.toSeconds() >= waitTimeoutSeconds) {
            String message = "keepalive=" + Durations.format(keepalive) + " cannot keep an idle connection alive inside the server's "
                    + wait + "; recycle retires idle connections before the server does. Set twpool.keepalive below "
                    + waitTimeoutSeconds + "s (HikariCP cannot change it while the pool runs).";
            if (!clamp) {
                throw TwPoolConfigException.invalid("twpool.keepalive", Durations.format(keepalive), message);
            }
            LOG.warn("twpool '{}': {}", config.name(), message);
        }
    }
}
