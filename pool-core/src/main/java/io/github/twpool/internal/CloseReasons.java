package io.github.twpool.internal;

import io.github.twpool.CloseReason;

/**
 * Names why the pool closed a physical connection, from what {@link PhysicalConnection} saw of it. HikariCP keeps the
 * reason to itself (its closer thread is handed a string); these are the signs each of its paths leaves, checked in
 * this order:
 * <ol>
 *   <li>{@code pool-closed}: the pool is closing ({@code TwPoolDataSource.close()} says so before HikariCP closes).</li>
 *   <li>{@code evicted}: twpool was asked to evict it ({@code TwPoolDataSource.evictConnection}, a failed session
 *       reset, an extension).</li>
 *   <li>{@code server}: a validation found it closed (the driver answered at once: the server or the network ended it,
 *       as {@code wait_timeout}, {@code KILL} or a restart do); {@code validation}: a validation got no answer within
 *       its timeout.</li>
 *   <li>{@code broken}: the driver already considered it closed without a failed validation: a borrower's statement
 *       failed with a connection-level error, and HikariCP retires such a connection at once.</li>
 *   <li>{@code lifetime}: it lived long enough for HikariCP's end of life (maxLifetime, less the random variance of up to
 *       a quarter that HikariCP subtracts so that connections do not all end together).</li>
 *   <li>{@code idle}: it had been back in the pool for idleTimeout (HikariCP retires only connections above
 *       minimumIdle, which twpool sets to pool-size: the overflow).</li>
 *   <li>{@code evicted} again otherwise: nothing else closes a healthy connection early but an eviction made on
 *       HikariCP directly ({@code HikariDataSource.evictConnection}, {@code softEvictConnections}).</li>
 * </ol>
 */
final class CloseReasons {

    /** HikariCP subtracts up to maxLifetime / this (its {@code lifeTimeVarianceFactor}, 4 unless set, kept in 2..40). */
    static final long LIFETIME_VARIANCE_FACTOR =
            Math.min(40, Math.max(2, Long.getLong("com.zaxxer.hikari.lifeTimeVarianceFactor", 4)));
    /** HikariCP applies no variance to a maxLifetime of 10 s or less. */
    private static final long NO_VARIANCE_BELOW_MILLIS = 10_000;

    private CloseReasons() {
    }

    /** Whether a failed validation failed fast: within a quarter of its timeout (a second when it has none). */
    static boolean failedFast(long nanos, int timeoutSeconds) {
        long limitMillis = timeoutSeconds > 0 ? timeoutSeconds * 250L : 1000L;
        return nanos / 1_000_000 < limitMillis;
    }

    /**
     * @param failedValidation 0 none, 1 a validation failed fast, 2 one got no answer in time
     * @param ageMillis        how long the connection lived
     * @param lifetimeMillis   HikariCP's maxLifetime when it was opened (0: none)
     * @param idleMillis       how long it had been back in the pool
     * @param idleTimeoutMillis HikariCP's idleTimeout now (0: none)
     */
    static CloseReason of(boolean poolClosing, boolean evicted, int failedValidation, boolean driverClosed, long ageMillis,
                          long lifetimeMillis, long idleMillis, long idleTimeoutMillis) {
        if (poolClosing) {
            return CloseReason.POOL_CLOSED;
        }
        if (evicted) {
            return CloseReason.EVICTED;
        }
        if (failedValidation != 0) {
            return failedValidation == 1 ? CloseReason.SERVER : CloseReason.VALIDATION;
        }
        if (driverClosed) {
            return CloseReason.BROKEN;
        }
        long variance = lifetimeMillis > NO_VARIANCE_BELOW_MILLIS ? lifetimeMillis / LIFETIME_VARIANCE_FACTOR : 0;
        if (lifetimeMillis > 0 && ageMillis >= lifetimeMillis - variance) {
            return CloseReason.LIFETIME;
        }
        if (idleTimeoutMillis > 0 && idleMillis >= idleTimeoutMillis) {
            return CloseReason.IDLE;
        }
        return CloseReason.EVICTED;
    }
}
