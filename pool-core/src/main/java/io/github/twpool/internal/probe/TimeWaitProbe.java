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
 * <p>Never throws, never blocks: files are read through {@link ProcFiles} (regular files only, bounded in bytes and
 * time). Where {@code /proc} cannot be read it reports itself unavailable with the reason, logs one line per kind of
 * failure and stays quiet. After a scan that was given up (too large, too slow, not a socket table) the next scans
 * wait a growing number of ticks, up to {@link #MAX_BACKOFF_TICKS}, so a hostile file costs little CPU. Not
 * thread-safe: the pool's probe thread owns it.
 */
public final class TimeWaitProbe {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.probe");
    static final int MAX_BACKOFF_TICKS = 64;

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
    private final java.util.Set<String> loggedKinds = new java.util.HashSet<>();
    private int backoffTicks;
    private int ticksUntilRetry;
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
            markUnavailable(procRoot.resolve("net/sockstat"), e);
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

    /**
     * A full census now, or {@code null} when {@code /proc/net/tcp*} cannot be read or the scan waits after one
     * that was given up.
     */
    public SocketCensus scanNow() {
        if (ticksUntilRetry > 0) {
            ticksUntilRetry--;
            return null;
        }
        try {
            census = scanner.scan();
            if (scanner.netlinkFailed() && !netlinkFailureLogged) {
                netlinkFailureLogged = true;
                LOG.info("TIME_WAIT probe: {}; the census reads /proc/net/tcp* from now on (slower on hosts with many sockets).",
                        scanner.procReason());
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProcFileException p && p.kind() != ProcFileException.Kind.NOT_REGULAR) {
                backoffTicks = Math.min(MAX_BACKOFF_TICKS, Math.max(1, backoffTicks * 2));
                ticksUntilRetry = backoffTicks;
            }
            markUnavailable(procRoot.resolve("net/tcp"), e);
            return null;
        }
        backoffTicks = 0;
        unavailableReason = null;
        return census;
    }

    private void markUnavailable(Path file, Exception e) {
        if (interrupted(e)) {
            return; // the pool is closing and stopped the read: nothing is wrong with /proc, and nothing to say
        }
        String kind;
        if (e instanceof ProcFileException p) {
            unavailableReason = p.getMessage();
            kind = p.kind().name();
        } else {
            unavailableReason = file + " cannot be read (" + e.getClass().getSimpleName() + ")";
            kind = e.getClass().getName();
        }
        // One line per kind of failure: a probe that fails every tick must not flood the application's log.
        if (loggedKinds.add(kind)) {
            if (e instanceof ProcFileException) {
                LOG.warn("TIME_WAIT probe unavailable: {}; the pool works as usual without churn warnings.", unavailableReason);
            } else {
                LOG.info("TIME_WAIT probe unavailable: {}; the pool works as usual without churn warnings.", unavailableReason);
            }
        }
    }

    private static boolean interrupted(Throwable e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.InterruptedIOException || t instanceof java.nio.channels.ClosedByInterruptException
                    || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
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
