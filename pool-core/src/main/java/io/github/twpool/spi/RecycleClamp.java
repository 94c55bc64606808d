package io.github.twpool.spi;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import org.slf4j.Logger;

import java.time.Duration;

/**
 * Keeps {@code recycle} (HikariCP's maxLifetime) under a server's idle-session limit (MySQL's {@code wait_timeout},
 * PostgreSQL's {@code idle_session_timeout}). Past it the server closes an idle connection before HikariCP retires
 * it, and the next borrower pays a failed validation ("Possibly consider using a shorter maxLifetime value"). The
 * clamp leaves a margin of a tenth of the limit, between 1 s and 5 min, for clocks and the housekeeper's schedule.
 * One per pool; the extension reads the limit on a pooled connection (it is a per-session value) and calls
 * {@link #apply} at start and whenever a later read sees another value.
 */
public final class RecycleClamp {

    /** HikariCP's shortest maxLifetime. */
    public static final long HIKARI_MIN_LIFETIME_MS = 30_000;

    private final PoolContext pool;
    private final boolean clamp;
    private final String clampKey;
    private final Logger log;
    private volatile long lastLimitSeconds = -1;

    /**
     * @param pool     the running pool
     * @param clamp    true to lower recycle (with a WARN), false to refuse a recycle over the limit
     * @param clampKey the extension's switch for {@code clamp}, named in messages (e.g. {@code twpool.mysql.clamp-recycle})
     * @param log      the extension's logger
     */
    public RecycleClamp(PoolContext pool, boolean clamp, String clampKey, Logger log) {
        this.pool = pool;
        this.clamp = clamp;
        this.clampKey = clampKey;
        this.log = log;
    }

    /** The limit last applied, in seconds; -1 before the first. */
    public long lastLimitSeconds() {
        return lastLimitSeconds;
    }

    /**
     * Lowers recycle under the limit, or fails when it must not (clamp off) or cannot (a limit under a minute).
     *
     * @param limitSeconds the server closes a session idle this long; 0 or less: no limit, nothing to do
     * @param limitName    the setting's name, e.g. {@code wait_timeout}
     * @param described    how messages show it, e.g. {@code wait_timeout=40s (session value ...)}
     * @param raiseHint    how to raise it, ending the message when recycle cannot stay under it
     * @throws TwPoolConfigException when recycle cannot be kept under the limit
     */
    public void apply(long limitSeconds, String limitName, String described, String raiseHint) {
        lastLimitSeconds = limitSeconds;
        if (limitSeconds <= 0) {
            return;
        }
        TwPoolConfig config = pool.config();
        long limitMs = limitSeconds * 1000;
        long margin = Math.max(1000, Math.min(300_000, limitMs / 10));
        long target = limitMs - margin;
        long current = pool.hikariConfig().getMaxLifetime();
        if (current != 0 && current <= target) {
            checkKeepalive(config, limitSeconds, limitName, described);
            return;
        }
        String recycle = current == 0 ? "0 (never)" : Durations.format(Duration.ofMillis(current));
        if (target < HIKARI_MIN_LIFETIME_MS) {
            throw TwPoolConfigException.invalid("twpool.recycle", recycle, "cannot stay under the server's " + described
                    + ": HikariCP's shortest lifetime is 30s. " + raiseHint);
        }
        if (!clamp) {
            throw TwPoolConfigException.invalid("twpool.recycle", recycle, "must be shorter than the server's " + described
                    + ", or the server closes idle connections first; set it to at most "
                    + Durations.format(Duration.ofMillis(target)) + ", or let " + clampKey + "=true clamp it");
        }
        pool.recycleLimitedBy(limitName);
        pool.hikariConfig().setMaxLifetime(target);
        // Connections already open carry the old lifetime: replace them so that all live by the new one.
        pool.hikariPool().softEvictConnections();
        log.warn("twpool '{}': recycle={} is longer than the server's {}: the server would close idle connections first "
                        + "and borrowers would see \"Possibly consider using a shorter maxLifetime value\". recycle clamped to {} "
                        + "({} minus {}). Set twpool.recycle below {} to silence this, or "
                        + "{}=false to make it a start-up error.", config.name(), recycle, described,
                Durations.format(Duration.ofMillis(target)), limitName, Durations.format(Duration.ofMillis(margin)), limitName,
                clampKey);
        checkKeepalive(config, limitSeconds, limitName, described);
    }

    private void checkKeepalive(TwPoolConfig config, long limitSeconds, String limitName, String described) {
        Duration keepalive = config.keepalive();
        if (!keepalive.isZero() && keepalive.toSeconds() >= limitSeconds) {
            String message = "keepalive=" + Durations.format(keepalive) + " cannot keep an idle connection alive inside the server's "
                    + described + "; recycle retires idle connections before the server does. Set twpool.keepalive below "
                    + limitSeconds + "s (HikariCP cannot change it while the pool runs).";
            if (!clamp) {
                throw TwPoolConfigException.invalid("twpool.keepalive", Durations.format(keepalive), message);
            }
            log.warn("twpool '{}': {}", config.name(), message);
        }
    }
}
