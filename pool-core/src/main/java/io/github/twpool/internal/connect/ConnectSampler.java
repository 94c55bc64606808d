package io.github.twpool.internal.connect;

import io.github.twpool.ChurnOrigins;
import io.github.twpool.internal.probe.CensusSource;
import io.github.twpool.internal.probe.ClientSocketSampler;
import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.internal.probe.NetlinkUnavailableException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Finds who opens the endpoint's connections outside the pool without touching anything other code uses: while churn
 * lasts it samples every thread's stack for frames inside a JDBC driver's {@code connect} ({@link ConnectFrames}) and
 * the endpoint's new client sockets against this process's own ({@link EndpointSockets}); when quiet it schedules
 * nothing. A connect with its handshake lasts milliseconds, so a few samples per second give the call sites' shares
 * for any driver and any pool, {@code driverClassName} or not, whoever created it and whenever.
 *
 * <p>Runs on the pool monitor's one thread (the executor given), so it needs no locks; nothing of it is static, and
 * {@link #close()} drops every sample. It keeps call sites (class, method, file, line) and socket inodes, never a
 * URL or a credential. A failing sampler stops itself and says why in {@link #origins}; it never throws.
 */
public final class ConnectSampler implements AutoCloseable {

    /**
     * Each sampler waits, after a sample, {@value #COST_FACTOR} times what the sample cost, within these bounds: about
     * 1 % of a core each while churn lasts (more only for samples dearer than 50 ms), and as often as that allows. A socket sample over netlink costs
     * tenths of a millisecond, so it samples every {@code MIN_INTERVAL} and catches connections that live a
     * millisecond; one that reads {@code /proc/net/tcp} on a host with a large table samples less often.
     */
    static final int COST_FACTOR = 100;
    public static final Duration MIN_INTERVAL = Duration.ofMillis(20);
    public static final Duration MAX_INTERVAL = Duration.ofSeconds(5);
    /** The stacks need not be sampled faster than this: a JDBC connect with its handshake lasts milliseconds. */
    public static final Duration MIN_STACK_INTERVAL = Duration.ofMillis(50);
    /** Sampling stops this long after the last tick that saw churn. */
    static final Duration LINGER = Duration.ofSeconds(30);

    private final ScheduledExecutorService executor;
    private final ConnectFrames frames = new ConnectFrames();
    private final OriginWindow window = new OriginWindow();
    private final Path procRoot;
    private final Endpoint endpoint;
    private EndpointSockets sockets;
    private ClientSocketSampler census;
    private OwnSockets own;
    /** How the socket samples were taken, as the report states it. */
    private String method = "new sockets to the endpoint caught open against this process's own sockets";
    private String socketsFailed;
    private boolean netlinkFailed;
    private boolean stacksFailed;
    private ScheduledFuture<?> stackTask;
    private ScheduledFuture<?> socketTask;
    private long lastChurnNanos;
    private long startedNanos;
    private int samplesSinceStart;
    static final int SETTLE_SAMPLES = 10;
    static final Duration SETTLE_TIME = Duration.ofSeconds(5);
    /** Set by {@link #close()} on the closing thread, read by a sample still running on the probe's. */
    private volatile boolean closed;

    /** Opens the endpoint's census: netlink where it can, {@code /proc} once netlink has failed here. */
    interface Censuses {
        ClientSocketSampler open(boolean netlinkFailed);
    }

    private final Censuses censuses;

    public ConnectSampler(ScheduledExecutorService executor, Path procRoot, Endpoint endpoint) {
        this(executor, procRoot, endpoint, netlinkFailed -> netlinkFailed ? ClientSocketSampler.proc(procRoot, endpoint)
                : ClientSocketSampler.open(procRoot, endpoint, why -> { }));
    }

    /** With the census a test gives. */
    ConnectSampler(ScheduledExecutorService executor, Path procRoot, Endpoint endpoint, Censuses censuses) {
        this.executor = executor;
        this.procRoot = procRoot;
        this.endpoint = endpoint;
        this.censuses = censuses;
    }

    /** Called on each monitor tick: samples while churn lasts and {@link #LINGER} after, nothing otherwise. */
    public void churning(boolean churning, long nanos) {
        if (closed) {
            return;
        }
        if (churning) {
            lastChurnNanos = nanos;
            if (stackTask == null) {
                start();
            }
        } else if (stackTask != null && nanos - lastChurnNanos > LINGER.toNanos()) {
            stop();
        } else if (stackTask == null && nanos - lastChurnNanos > OriginWindow.WINDOW.toNanos()) {
            window.clear();
        }
    }

    /**
     * Whether enough was sampled to name anyone in a warning: {@value #SETTLE_SAMPLES} samples since sampling began,
     * or {@link #SETTLE_TIME} of sampling (a slow host takes fewer), or sampling that cannot run at all. Before the
     * first sample it is not: a warning then waits a tick rather than go out without who.
     */
    public boolean settled(long nanos) {
        if (closed) {
            return true;
        }
        if (stackTask == null) {
            // Not sampling: what was sampled before still counts; with nothing sampled yet, the first tick that sees
            // churn starts the sampler, and its warning waits for the samples.
            return window.decide(nanos, null, Double.NaN).origin() != ChurnOrigins.Origin.NOT_SAMPLED;
        }
        if (stacksFailed && socketsFailed != null) {
            return true;
        }
        return samplesSinceStart >= SETTLE_SAMPLES || nanos - startedNanos >= SETTLE_TIME.toNanos();
    }

    /** Whether samples are being taken now. */
    public boolean sampling() {
        return stackTask != null;
    }

    private void start() {
        startedNanos = System.nanoTime();
        samplesSinceStart = 0;
        stackTask = executor.schedule(this::stackTick, 0, TimeUnit.MILLISECONDS);
        if (socketsFailed == null) {
            socketTask = executor.schedule(this::socketTick, 0, TimeUnit.MILLISECONDS);
        }
    }

    private void stackTick() {
        if (stackTask == null || closed) {
            return;
        }
        long start = System.nanoTime();
        sampleStacks();
        stackTask = reschedule(this::stackTick, next(System.nanoTime() - start, MIN_STACK_INTERVAL));
    }

    private void socketTick() {
        if (socketTask == null || closed) {
            return;
        }
        long start = System.nanoTime();
        sampleSockets();
        if (socketTask != null) {
            socketTask = reschedule(this::socketTick, next(System.nanoTime() - start, MIN_INTERVAL));
        }
    }

    private ScheduledFuture<?> reschedule(Runnable task, long delayNanos) {
        try {
            return executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null; // the pool is closing
        }
    }

    static long next(long costNanos, Duration min) {
        return Math.max(min.toNanos(), Math.min(MAX_INTERVAL.toNanos(), costNanos * COST_FACTOR));
    }

    /** Stops sampling when churn is over (on the probe's thread, so no sample is reading). */
    private void stop() {
        cancelTasks();
        dropSockets();
    }

    private void cancelTasks() {
        if (stackTask != null) {
            stackTask.cancel(false);
            stackTask = null;
        }
        if (socketTask != null) {
            socketTask.cancel(false);
            socketTask = null;
        }
    }

    /** Closes the census's socket (netlink's) and forgets the last sample; the next sample opens them again. */
    private void dropSockets() {
        sockets = null;
        own = null;
        if (census != null) {
            census.close();
            census = null;
        }
    }

    /** One stack sample now (the scheduled task's work; public for the benchmark). */
    public void sampleStacks() {
        if (stacksFailed) {
            return;
        }
        Map<Thread, StackTraceElement[]> all;
        try {
            all = Thread.getAllStackTraces();
        } catch (RuntimeException e) {
            stacksFailed = true; // a security manager that forbids it: the sockets still split
            return;
        }
        Thread self = Thread.currentThread();
        List<String> sites = new ArrayList<>(2);
        for (Map.Entry<Thread, StackTraceElement[]> e : all.entrySet()) {
            if (e.getKey() == self) {
                continue;
            }
            String site = frames.callSite(e.getValue());
            if (site != null && !ConnectFrames.TWPOOL_POOL.equals(site)) {
                sites.add(site);
            }
        }
        window.stacks(System.nanoTime(), sites);
        samplesSinceStart++;
    }

    /** One socket sample now (the scheduled task's work; public for the benchmark). */
    public void sampleSockets() {
        if (socketsFailed != null) {
            return;
        }
        try {
            if (sockets == null) {
                census = censuses.open(netlinkFailed);
                own = OwnSockets.open(procRoot);
                sockets = new EndpointSockets(census, own);
                method = "new sockets to the endpoint caught open (census over " + census.method()
                        + ") against this process's own sockets in " + own.method();
            }
            EndpointSockets.Sample s = sockets.sample();
            if (closed) {
                dropSockets(); // close() came while this sample read: its census socket is closed here, on this thread
                return;
            }
            if (s != null) {
                window.sockets(System.nanoTime(), s);
                samplesSinceStart++;
            }
        } catch (Exception | LinkageError e) {
            if (Thread.currentThread().isInterrupted()) {
                return; // closing
            }
            if (e instanceof NetlinkUnavailableException && census != null
                    && CensusSource.NETLINK.equals(census.method()) && !netlinkFailed) {
                // As the census does: a netlink sampler that fails gives way to /proc for good, once.
                netlinkFailed = true;
                dropSockets();
                return;
            }
            socketsFailed = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            if (socketTask != null) {
                socketTask.cancel(false);
                socketTask = null;
            }
            dropSockets();
        }
    }

    /**
     * What the samples of the last window tell (rates not given yet: the detector adds its own).
     *
     * @param endpointRate the endpoint's new connections/s from this host as last measured, NaN when not known
     */
    public ChurnOrigins origins(long nanos, double endpointRate) {
        ChurnOrigins o = window.decide(nanos, method, endpointRate);
        if (socketsFailed != null && o.origin() != ChurnOrigins.Origin.NOT_SAMPLED
                && o.origin() != ChurnOrigins.Origin.BOTH && o.socketSamples() == 0) {
            return new ChurnOrigins(ChurnOrigins.Origin.UNDECIDED, Double.NaN, Double.NaN, null, null,
                    "this process's sockets cannot be sampled (" + socketsFailed + ")", o.callSites(), o.stackSamples(),
                    o.connectSamples(), 0, 0, 0, 0);
        }
        return o;
    }

    /** Stops sampling and drops every sample. */
    @Override
    public void close() {
        closed = true;
        cancelTasks();
        window.clear();
        if (executor.isTerminated()) {
            dropSockets();
        } // else a sample may still be reading on the probe's thread: its socket is not closed under it
    }
}
