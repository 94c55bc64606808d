package io.github.twpool.sidecar;

import io.github.twpool.ChurnReport;
import io.github.twpool.ServerStatus;
import io.github.twpool.internal.churn.Attribution;
import io.github.twpool.internal.churn.ChurnPipeline;
import io.github.twpool.internal.churn.ConnectSignals;
import io.github.twpool.internal.churn.DetectorSettings;
import io.github.twpool.internal.probe.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One endpoint, on a thread of its own (a server that stalls delays no other endpoint): every interval the pool's
 * {@link ChurnPipeline} with what a sidecar has (the census, the server's status when it has credentials, no pool),
 * and while there is churn, the processes that open the connections. It publishes the same {@link ChurnReport} a
 * pool does, in the same words; an outside-pool or port-exhaustion warning carries who opens the connections, so it
 * waits until the samples settle ({@link ProcessAttributor#SETTLED_TICKS} ticks). Nothing here throws out of a tick.
 */
final class EndpointWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.sidecar");
    /** The census is the sidecar's main signal: a scan every tick (~1 ms per 1,000 sockets) rather than every 6th. */
    static final int SCAN_EVERY = 1;
    /** The share of the ephemeral port range at which port usage is a risk (a pool's default too). */
    static final double PORT_WARN_RATIO = 0.25;

    private final Endpoint endpoint;
    private final Duration interval;
    private final ChurnPipeline pipeline;
    private final ProcessAttributor attributor;
    private final StatusSampler status;
    private final ScheduledExecutorService thread;
    private boolean attributionNoteLogged;
    private boolean failureLogged;
    /** The processes behind the last tick's connections, for the process meters. */
    private volatile ProcessAttributor.Result attribution = ProcessAttributor.Result.NONE;
    private volatile Runnable afterTick = () -> { };
    /** When the last tick ended (the watcher's creation before the first), for /health. */
    private volatile long tickedAtNanos = System.nanoTime();

    EndpointWatcher(Endpoint endpoint, SidecarOptions o) {
        this.endpoint = endpoint;
        this.interval = o.interval();
        this.attributor = new ProcessAttributor(o.proc(), endpoint, true);
        this.status = o.user() == null ? null : new StatusSampler(endpoint.toString(), o.user(), o.password(), o.interval());
        this.pipeline = new ChurnPipeline(endpoint, DetectorSettings.withoutPool(name(endpoint), o.minRate(), PORT_WARN_RATIO),
                o.warnInterval(), o.proc(), SCAN_EVERY, 0, new ConnectSignals(), null, status == null ? null : new Server(),
                new Processes());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twpool-sidecar-" + endpoint);
            t.setDaemon(true);
            return t;
        });
    }

    /** The name warnings carry: {@code sidecar-<host>-<port>}, within the pool-name rules. */
    static String name(Endpoint endpoint) {
        String s = "sidecar-" + endpoint.toString().replace("[", "").replace("]", "").replace(':', '-');
        s = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    /** Runs on the watcher's thread after each tick (the process meters). */
    void afterTick(Runnable r) {
        this.afterTick = r;
    }

    void start() {
        thread.scheduleWithFixedDelay(this::tickSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What the last tick published. */
    ChurnReport report() {
        return pipeline.report();
    }

    /** The processes behind the connections, while churn lasts. */
    ProcessAttributor.Result attribution() {
        return attribution;
    }

    /** Who opens the connections: its counters of connections seen and named, for the process meters. */
    ProcessAttributor attributor() {
        return attributor;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    Duration interval() {
        return interval;
    }

    private void tickSafely() {
        try {
            tick();
            afterTick.run();
        } catch (Throwable t) {
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("twpool sidecar: the probe of {} failed ({}); it keeps trying every {}.", endpoint, t,
                        io.github.twpool.spi.Durations.format(interval));
            } else {
                LOG.debug("twpool sidecar: the probe of {} failed again", endpoint, t);
            }
        }
    }

    void tick() {
        pipeline.tick(System.nanoTime());
        tickedAtNanos = System.nanoTime();
    }

    long tickedAtNanos() {
        return tickedAtNanos;
    }

    /** The server's status on the sidecar's one connection, with --user. */
    private final class Server implements ChurnPipeline.ServerSide {
        @Override
        public ServerStatus sample(long nanos, boolean freshNow) {
            return status.sample(nanos);
        }

        @Override
        public long ownOpenedAtSample() {
            return status.openedAtLastSample();
        }
    }

    /** The processes that hold the endpoint's sockets, sampled while the tick finds churn. */
    private final class Processes implements ChurnPipeline.AttributionSource {
        @Override
        public Attribution measure(long nanos) {
            return Attribution.NONE; // nothing before the tick decides: the samples follow churn
        }

        @Override
        public Attribution name(boolean churning) {
            ProcessAttributor.Result who = attributor.tick(churning,
                    interval.dividedBy(ProcessAttributor.SAMPLES_PER_TICK * 2), interval.dividedBy(2));
            if (who.limitation() != null && who.settled() && !attributionNoteLogged) {
                attributionNoteLogged = true;
                LOG.info("twpool sidecar: naming the processes that connect to {} is limited: {}.", endpoint, who.limitation());
            }
            attribution = who;
            return Attributions.of(who);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("twpool sidecar: the probe of {} did not stop within 5s.", endpoint);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        attributor.close(); // its sampler thread, if churn was being sampled
        if (status != null) {
            status.close();
        }
    }
}
