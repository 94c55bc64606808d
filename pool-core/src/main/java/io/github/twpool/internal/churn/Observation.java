package io.github.twpool.internal.churn;

import io.github.twpool.CloseReason;
import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.internal.probe.HostTcpCounters;

import java.time.Duration;
import java.util.Map;

/**
 * What one tick saw, the input of {@link ChurnDetector}.
 *
 * @param nanos            {@link System#nanoTime()} of the tick
 * @param census           the latest socket census for the endpoint, or {@code null} when the probe is unavailable
 * @param censusFresh      whether {@code census} was scanned on this tick
 * @param hostTimeWait     host-wide TIME_WAIT from sockstat, -1 when unknown
 * @param kernel           kernel settings, or {@code null} when unknown
 * @param pool             the pool's own counts, or {@link PoolCounts#NONE} for a watcher without a pool
 * @param server           the latest server sample, or {@code null}
 * @param ownOpenedAtServerSample connections the watcher itself had opened to the server when {@code server} was
 *                         read: the pool's opens, or a pool-less watcher's status connection; the server verdict
 *                         subtracts them
 * @param local            who on this host opened connections outside the pool, as far as the caller can tell
 * @param host             the host's TCP counters, {@link HostTcpCounters#UNKNOWN} when unreadable
 */
public record Observation(long nanos, SocketCensus census, boolean censusFresh, long hostTimeWait, KernelSettings kernel,
                          PoolCounts pool, ServerStatus server, long ownOpenedAtServerSample, Attribution local,
                          HostTcpCounters host) {

    /**
     * A pool's counters at one tick.
     *
     * @param opened    physical connections the pool opened so far
     * @param failed    failed attempts to open one
     * @param total     connections the pool holds now
     * @param peakTotal the most it held since the previous tick
     * @param recycle   the lifetime after which the pool replaces connections now (zero: never); shorter than the
     *                  configured one where the pool shortened it under the server's {@code wait_timeout}
     * @param closedByReason physical connections the pool closed so far, by why; empty where not counted
     */
    public record PoolCounts(long opened, long failed, int total, int peakTotal, Duration recycle,
                             Map<CloseReason, Long> closedByReason) {
        /** A watcher without a pool: every connection is outside. */
        public static final PoolCounts NONE = new PoolCounts(0, 0, 0, 0, Duration.ZERO, Map.of());

        public PoolCounts {
            closedByReason = Map.copyOf(closedByReason);
        }

        /** Without close reasons. */
        public PoolCounts(long opened, long failed, int total, int peakTotal, Duration recycle) {
            this(opened, failed, total, peakTotal, recycle, Map.of());
        }
    }
}
