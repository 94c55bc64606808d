package io.github.twpool.internal.churn;

import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.ChurnOrigins;
import io.github.twpool.internal.probe.HostTcpCounters;

/**
 * What the monitor saw on one tick, the input of {@link ChurnDetector}.
 *
 * @param nanos            {@link System#nanoTime()} of the tick
 * @param census           the latest socket census for the endpoint, or {@code null} when the probe is unavailable
 * @param censusFresh      whether {@code census} was scanned on this tick
 * @param hostTimeWait     host-wide TIME_WAIT from sockstat, -1 when unknown
 * @param kernel           kernel settings, or {@code null} when unknown
 * @param poolOpened       physical connections the pool opened so far
 * @param poolFailed       failed attempts to open one
 * @param poolTotal        connections the pool holds now
 * @param poolPeakTotal    the most it held since the previous tick
 * @param server           the latest server sample, or {@code null}
 * @param poolOpenedAtServerSample {@code poolOpened} when {@code server} was read
 * @param origins          who on this host opens connections outside the pool, as sampled
 *                         ({@link ChurnOrigins#NOT_SAMPLED} when not)
 * @param host             the host's TCP counters, {@link HostTcpCounters#UNKNOWN} when unreadable
 */
public record Observation(long nanos, SocketCensus census, boolean censusFresh, long hostTimeWait, KernelSettings kernel,
                          long poolOpened, long poolFailed, int poolTotal, int poolPeakTotal,
                          ServerStatus server, long poolOpenedAtServerSample, ChurnOrigins origins,
                          HostTcpCounters host) {

    /** Without origins and the host's TCP counters. */
    public Observation(long nanos, SocketCensus census, boolean censusFresh, long hostTimeWait, KernelSettings kernel,
                       long poolOpened, long poolFailed, int poolTotal, int poolPeakTotal,
                       ServerStatus server, long poolOpenedAtServerSample) {
        this(nanos, census, censusFresh, hostTimeWait, kernel, poolOpened, poolFailed, poolTotal, poolPeakTotal, server,
                poolOpenedAtServerSample, ChurnOrigins.NOT_SAMPLED, HostTcpCounters.UNKNOWN);
    }

    /**
     * What a watcher without a pool (the sidecar) saw: every pool count 0, so every connection the census, the host's
     * TCP counters and the server count is outside. {@code ownOpenedAtServerSample} counts the watcher's own
     * connections to the server (its status query), which the server verdict subtracts.
     */
    public static Observation withoutPool(long nanos, SocketCensus census, boolean censusFresh, long hostTimeWait,
                                          KernelSettings kernel, ServerStatus server, long ownOpenedAtServerSample,
                                          HostTcpCounters host) {
        return new Observation(nanos, census, censusFresh, hostTimeWait, kernel, 0, 0, 0, 0, server,
                ownOpenedAtServerSample, ChurnOrigins.NOT_SAMPLED, host);
    }
}
