package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Reads the cheap host-wide TIME_WAIT total every tick and scans {@code /proc/net/tcp} and {@code tcp6} only when
 * that total moved by more than {@code scanThreshold} since the last scan, or every {@code scanEvery} ticks: a full
 * scan costs tens of milliseconds on a busy host and grows with every socket on it, not only the pool's. The census
 * goes over netlink where it can ({@link AutoCensus}): there the kernel filters and the cost follows the endpoint's
 * sockets, not the host's.
 *
 * <p>Never throws. Where {@code /proc} cannot be read it reports itself unavailable, logs one INFO line and stays
 * quiet. Not thread-safe: the pool's probe thread owns it.
 */
public final class TimeWaitProbe {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.probe");

    private final Path procRoot;
    private final Endpoint endpoint;
    private final int scanEvery;
    private final int scanThreshold;
    private final SockstatReader sockstat;
    private final AutoCensus scanner;

    private SocketCensus census;
    private long timeWaitAtScan = Long.MIN_VALUE;
    private int ticksSinceScan;
    private String unavailableReason;
    private boolean unavailableLogged;
    private boolean netlinkFailureLogged;

    public TimeWaitProbe(Path procRoot, Endpoint endpoint, int scanEvery, int scanThreshold) {
        this(procRoot, endpoint, scanEvery, scanThreshold, AutoCensus.open(procRoot, endpoint));
    }

    TimeWaitProbe(Path procRoot, Endpoint endpoint, int scanEvery, int scanThreshold, AutoCensus scanner) {
        this.procRoot = procRoot;
        this.endpoint = endpoint;
        this.scanEvery = scanEvery;
        this.scanThreshold = scanThreshold;
        this.sockstat = new SockstatReader(procRoot);
        this.scanner = scanner;
    }

    public ProbeSample tick() {
        Instant now = Instant.now();
        long tw;
        try {
            tw = sockstat.timeWait();
        } catch (IOException | RuntimeException e) {
            markUnavailable(procRoot.resolve("net/sockstat") + " cannot be read (" + e.getClass().getSimpleName() + ")");
            return new ProbeSample(now, -1, census, false);
        }
        ticksSinceScan++;
        boolean due = census == null || ticksSinceScan >= scanEvery || tw < 0
                || Math.abs(tw - timeWaitAtScan) > scanThreshold;
        if (!due) {
            return new ProbeSample(now, tw, census, false);
        }
        SocketCensus fresh = scanNow();
        if (fresh == null) {
            return new ProbeSample(now, tw, census, false);
        }
        timeWaitAtScan = tw;
        ticksSinceScan = 0;
        return new ProbeSample(now, tw, fresh, true);
    }

    /** A full census now, or {@code null} when {@code /proc/net/tcp*} cannot be read. */
    public SocketCensus scanNow() {
        try {
            census = scanner.scan();
            if (scanner.netlinkFailed() && !netlinkFailureLogged) {
                netlinkFailureLogged = true;
                LOG.info("TIME_WAIT probe: {}; the census reads /proc/net/tcp* from now on (slower on hosts with many sockets).",
                        scanner.procReason());
            }
        } catch (IOException | RuntimeException e) {
            markUnavailable(procRoot.resolve("net/tcp") + " cannot be read (" + e.getClass().getSimpleName() + ")");
            return null;
        }
        unavailableReason = null;
        return census;
    }

    private void markUnavailable(String reason) {
        unavailableReason = reason;
        if (!unavailableLogged) {
            unavailableLogged = true;
            LOG.info("TIME_WAIT probe unavailable: {}; the pool works as usual without churn warnings.", reason);
        }
    }

    public boolean available() {
        return unavailableReason == null;
    }

    public String unavailableReason() {
        return unavailableReason;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** How the census is taken now: {@code netlink} or {@code proc (why)}. */
    public String censusMethod() {
        return scanner.describe();
    }
}
