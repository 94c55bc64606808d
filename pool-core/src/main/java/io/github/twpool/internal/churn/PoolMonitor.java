package io.github.twpool.internal.churn;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.ChurnReport;
import io.github.twpool.ServerStatus;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.internal.CountingDataSource;
import io.github.twpool.internal.connect.ConnectSampler;
import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.spi.ServerStatusSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pool's one background thread for twpool: every {@code probe.interval} it ticks the {@link ChurnPipeline} with
 * what a pool has (its counters, the server's status read on one of its connections, who connects as sampled) and keeps
 * the {@link ChurnReport} it publishes. Nothing here runs on a caller's thread, and nothing here can break the pool:
 * every failure is caught and reported in one log line.
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
    private volatile ServerStatusSource serverSource;

    // Touched by the monitor thread only.
    private Endpoint endpoint;
    private ChurnPipeline pipeline;
    private int peakTotal;
    private long nextServerSampleNanos;
    private ServerStatus server;
    private long poolOpenedAtServerSample;
    private boolean failureLogged;
    private boolean failing;
    private boolean recoveryLogged;
    private boolean byHostMissingLogged;
    private final ConnectSignals signals = new ConnectSignals();
    /** Who opens connections outside the pool, sampled while churn lasts; null with probe.count-connects=false. */
    private ConnectSampler sampler;

    private volatile ChurnReport report;

    public PoolMonitor(TwPoolConfig config, HikariDataSource hikari, CountingDataSource connections,
                       ServerStatusSource serverSource, Path procRoot) {
        this.config = config;
        this.hikari = hikari;
        this.connections = connections;
        this.serverSource = serverSource;
        this.procRoot = procRoot;
        this.report = ChurnPipeline.idle("starting", config.name(), Endpoint.displayOf(config.url()), connections.opened(),
                connections.closed(), null, Map.of());
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
        if (pipeline == null) {
            endpoint = Endpoint.fromJdbcUrl(config.url());
            sampler = config.probeCountConnects() ? new ConnectSampler(thread, procRoot, endpoint) : null;
            pipeline = new ChurnPipeline(endpoint, DetectorSettings.of(config), config.churnWarnInterval(), procRoot,
                    config.probeScanEvery(), config.probeScanThreshold(), signals, new Pool(), new Server(),
                    sampler == null ? null : new SampledOrigins(sampler));
        }
        report = pipeline.tick(System.nanoTime());
    }

    private final class Pool implements ChurnPipeline.PoolSide {
        @Override
        public Observation.PoolCounts counts() {
            HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
            if (pool == null) {
                return null; // closed
            }
            int total = pool.getTotalConnections();
            Observation.PoolCounts c = new Observation.PoolCounts(connections.opened(), connections.failed(), total,
                    Math.max(peakTotal, total), Duration.ofMillis(hikari.getHikariConfigMXBean().getMaxLifetime()),
                    connections.closedByReason());
            peakTotal = total;
            return c;
        }

        @Override
        public long opened() {
            return connections.opened();
        }

        @Override
        public long closed() {
            return connections.closed();
        }
    }

    /** The server's status, read on one of the pool's idle connections when due. */
    private final class Server implements ChurnPipeline.ServerSide {
        @Override
        public ServerStatus sample(long now, boolean freshNow) {
            ServerStatusSource source = serverSource;
            HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
            if (source == null || (now < nextServerSampleNanos && !freshNow) || pool == null || pool.getIdleConnections() == 0) {
                return server;
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
            return server;
        }

        @Override
        public long ownOpenedAtSample() {
            return poolOpenedAtServerSample;
        }
    }

    /** A report for a pool whose probe is switched off. */
    public static ChurnReport disabledReport(TwPoolConfig config, long opened, long closed) {
        return ChurnPipeline.idle("disabled", config.name(), Endpoint.displayOf(config.url()), opened, closed, null, Map.of());
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
            ConnectSampler s = sampler;
            if (s != null) {
                s.close(); // its tasks ran on the thread that just stopped; nothing it sampled outlives the pool
            }
        }
    }
}
