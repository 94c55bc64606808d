package io.github.twpool.internal.churn;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnRates;
import io.github.twpool.ChurnReport;
import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.internal.CountingDataSource;
import io.github.twpool.internal.EffectiveSettings;
import io.github.twpool.internal.connect.ConnectSampler;
import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.internal.probe.HostTcpCounters;
import io.github.twpool.internal.probe.HostTcpCountersReader;
import io.github.twpool.internal.probe.KernelSettingsReader;
import io.github.twpool.internal.probe.ProbeSample;
import io.github.twpool.internal.probe.TimeWaitProbe;
import io.github.twpool.spi.ServerStatusSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pool's one background thread for twpool: every {@code probe.interval} it reads the probe, the pool's counters
 * and (when due) the server's, runs the detector and publishes a {@link ChurnReport}. Nothing here runs on a caller's
 * thread, and nothing here can break the pool: every failure is caught and reported in one log line.
 */
public final class PoolMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.probe");
    private static final long PEAK_SAMPLE_MILLIS = 500;
    /** Reads stop at the next chunk once interrupted, so the thread ends well within this. */
    static final long CLOSE_WAIT_MILLIS = 2_000;

    private final TwPoolConfig config;
    private final HikariDataSource hikari;
    private final CountingDataSource connections;
    private final Path procRoot;
    private final ScheduledExecutorService thread;
    /** The executor's one thread, to join on close: the executor reports itself terminated before its thread ends. */
    private volatile Thread probeThread;
    private final ChurnWarnings warnings;
    private volatile ServerStatusSource serverSource;

    // Touched by the monitor thread only.
    private Endpoint endpoint;
    private TimeWaitProbe probe;
    private KernelSettings kernel;
    private ChurnDetector detector;
    private int peakTotal;
    private long nextServerSampleNanos;
    private ServerStatus server;
    private long poolOpenedAtServerSample;
    private boolean failureLogged;
    private boolean failing;
    private boolean recoveryLogged;
    private boolean byHostMissingLogged;
    private HostTcpCountersReader hostCounters;
    /** Who opens connections outside the pool, sampled while churn lasts; null with probe.count-connects=false. */
    private ConnectSampler origins;
    private final ConnectSignals signals = new ConnectSignals();

    private volatile ChurnReport report;

    public PoolMonitor(TwPoolConfig config, HikariDataSource hikari, CountingDataSource connections,
                       ServerStatusSource serverSource, Path procRoot) {
        this.config = config;
        this.hikari = hikari;
        this.connections = connections;
        this.serverSource = serverSource;
        this.procRoot = procRoot;
        this.warnings = new ChurnWarnings(config.name(), config.churnWarnInterval());
        this.report = emptyReport("starting", null);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twpool-" + config.name() + "-probe");
            t.setDaemon(true);
            probeThread = t;
            return t;
        });
    }

    public void start() {
        long interval = config.probeInterval().toMillis();
        thread.scheduleWithFixedDelay(this::tickSafely, 0, interval, TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::samplePeak, PEAK_SAMPLE_MILLIS, PEAK_SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    public ChurnReport report() {
        return report;
    }

    private void samplePeak() {
        try {
            HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
            if (pool != null) {
                peakTotal = Math.max(peakTotal, pool.getTotalConnections());
            }
        } catch (RuntimeException e) {
            // the pool is closing; the next tick notices
        }
    }

    private void tickSafely() {
        try {
            tick();
            if (failing) {
                failing = false;
                if (!recoveryLogged) {
                    recoveryLogged = true;
                    LOG.info("twpool '{}': the churn probe works again.", config.name());
                }
            }
        } catch (Throwable t) {
            // One WARN per pool, however often it fails: a broken probe must not flood the application's log.
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("twpool '{}': the churn probe failed ({}); the pool keeps working without it until it recovers.",
                        config.name(), t.toString());
            } else {
                LOG.debug("twpool '{}': the churn probe failed again", config.name(), t);
            }
            failing = true;
        }
    }

    private void tick() {
        long now = System.nanoTime();
        if (probe == null) {
            endpoint = Endpoint.fromJdbcUrl(config.url());
            probe = new TimeWaitProbe(procRoot, endpoint, config.probeScanEvery(), config.probeScanThreshold());
            kernel = KernelSettingsReader.read(procRoot);
            detector = new ChurnDetector(EffectiveSettings.of(config, hikari.getHikariConfigMXBean()), endpoint.toString(),
                    endpoint.port(), endpoint.local(), signals::isThisHost);
            hostCounters = new HostTcpCountersReader(procRoot);
            origins = config.probeCountConnects() ? new ConnectSampler(thread, procRoot, endpoint) : null;
        }
        HostTcpCounters host = hostCounters.read();
        HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
        if (pool == null) {
            return; // closed
        }
        int total = pool.getTotalConnections();
        // Host counters showing connects nobody in this JVM made: look at the server's count now, not in a minute.
        boolean unexplained = signals.unexplainedOpens(now, host, endpoint.local(), connections.opened()) >= config.churnMinRate();
        sampleServer(now, pool, unexplained);
        ProbeSample sample = probe.tick();
        if (!probe.available()) {
            report = emptyReport("unavailable: " + probe.unavailableReason(), endpoint);
            return;
        }
        if (sample.scanned()) {
            kernel = KernelSettingsReader.read(procRoot);
        }
        Observation o = new Observation(now, sample.census(), sample.scanned(), sample.hostTimeWait(), kernel,
                connections.opened(), connections.failed(), total, Math.max(peakTotal, total), server, poolOpenedAtServerSample,
                origins == null ? ChurnOrigins.NOT_SAMPLED : origins.origins(now), host);
        peakTotal = total;
        ChurnDetector.Evaluation e = detector.evaluate(o);
        warnings.publish(e.verdicts(), now);
        if (origins != null) {
            // Sample who connects while anything connects that the pool does not explain, and for a while after.
            origins.churning(unexplained || e.rates().outside() >= config.churnMinRate(), now);
        }
        long opened = connections.opened();
        report = new ChurnReport(Instant.now(), config.name(), endpoint.toString(), "running", sample.census(),
                sample.hostTimeWait(), kernel, e.portUsage(), e.rates(), opened, connections.closed(), server,
                e.verdicts(), warnings.written(), e.origins());
    }

    private void sampleServer(long now, HikariPoolMXBean pool, boolean hostChurn) {
        ServerStatusSource source = serverSource;
        if (source == null || (now < nextServerSampleNanos && !hostChurn) || pool.getIdleConnections() == 0) {
            return;
        }
        nextServerSampleNanos = now + source.interval().toNanos();
        try (Connection c = hikari.getConnection()) {
            server = source.sample(c);
            poolOpenedAtServerSample = connections.opened();
            if (server.connectionsByClientHost() == null && server.byClientHostMissing() != null && !byHostMissingLogged) {
                byHostMissingLogged = true;
                LOG.info("twpool '{}': the server cannot tell connections per client host ({}); churn from other hosts is "
                        + "bounded with this host's TCP counters instead.", config.name(), server.byClientHostMissing());
            }
        } catch (Exception e) {
            serverSource = null;
            LOG.info("twpool '{}': server-side churn signals are off: {}", config.name(), e.getMessage());
        }
    }

    private ChurnReport emptyReport(String status, Endpoint ep) {
        return new ChurnReport(Instant.now(), config.name(), ep == null ? Endpoint.displayOf(config.url()) : ep.toString(), status, null, -1, null,
                Double.NaN, ChurnRates.UNKNOWN, connections.opened(), connections.closed(), server, List.of(), warnings.written(),
                ChurnOrigins.NOT_SAMPLED);
    }

    /** A report for a pool whose probe is switched off. */
    public static ChurnReport disabledReport(TwPoolConfig config, long opened, long closed) {
        return new ChurnReport(Instant.now(), config.name(), Endpoint.displayOf(config.url()), "disabled", null, -1, null, Double.NaN,
                ChurnRates.UNKNOWN, opened, closed, null, List.of(), Map.of(), ChurnOrigins.NOT_SAMPLED);
    }

    /** Interrupts the probe thread and waits for it to end, at most {@link #CLOSE_WAIT_MILLIS}. */
    @Override
    public void close() {
        thread.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        try {
            boolean stopped = thread.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            Thread t = probeThread;
            if (stopped && t != null) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                stopped = !t.isAlive();
            }
            if (!stopped) {
                LOG.warn("twpool '{}': the probe thread did not stop within {} ms of close(); it is a daemon thread and "
                        + "ends with its current read.", config.name(), CLOSE_WAIT_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ConnectSampler sampler = origins;
            if (sampler != null) {
                sampler.close(); // its tasks ran on the thread that just stopped; nothing it sampled outlives the pool
            }
        }
    }
}
