package io.github.twpool.internal.churn;

import io.github.twpool.TwPoolConfig;

import java.time.Duration;

/**
 * The detector's thresholds and, for a pool, the pool's shape: plain values, so the rules depend on no configuration
 * object and a watcher without a pool (the sidecar) passes no invented one.
 *
 * @param name          what warnings call the watcher: the pool's name, or the sidecar's for an endpoint
 * @param minRate       new connections/s below which nothing is churn
 * @param outsideFactor how many times the pool's own rate the endpoint's must exceed to be churn outside it
 * @param portWarnRatio share of the ephemeral port range at which port usage is a risk
 * @param pool          the pool's shape, or {@code null} for a watcher without a pool
 */
public record DetectorSettings(String name, double minRate, double outsideFactor, double portWarnRatio, Pool pool) {

    /**
     * The shape of a pool, as configured. The recycle it runs with can be shortened at run time (under the server's
     * {@code wait_timeout}): each observation carries that one.
     */
    public record Pool(int poolSize, int maxOverflow, Duration overflowIdleTimeout, Duration keepalive,
                       Duration configuredRecycle) {

        /** The most connections the pool holds. */
        public int maxPoolSize() {
            return poolSize + maxOverflow;
        }
    }

    /** A pool's settings. */
    public static DetectorSettings of(TwPoolConfig config) {
        return new DetectorSettings(config.name(), config.churnMinRate(), config.churnOutsideFactor(),
                config.churnPortWarnRatio(), new Pool(config.poolSize(), config.maxOverflow(), config.overflowIdleTimeout(),
                config.keepalive(), config.recycle()));
    }

    /**
     * A watcher without a pool (the sidecar). There are no pool rates to compare the endpoint's with, so the
     * outside factor plays no part: every connection is outside.
     */
    public static DetectorSettings withoutPool(String name, double minRate, double portWarnRatio) {
        return new DetectorSettings(name, minRate, 1.0, portWarnRatio, null);
    }

    public boolean pooled() {
        return pool != null;
    }
}
