package io.github.twpool.sidecar;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnRates;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.internal.churn.ChurnDetector;
import io.github.twpool.internal.churn.ConnectSignals;
import io.github.twpool.internal.churn.ChurnWarnings;
import io.github.twpool.internal.churn.Observation;
import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.internal.probe.HostTcpCountersReader;
import io.github.twpool.internal.probe.KernelSettingsReader;
import io.github.twpool.internal.probe.ProbeSample;
import io.github.twpool.internal.probe.TimeWaitProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One endpoint, on a thread of its own (a server that stalls delays no other endpoint): every interval the pool's
 * probe and detector with what a sidecar sees (the census, the server's status when it has credentials, no pool), and
 * while there is churn, the processes that open the connections. Verdicts go through the pool's {@link ChurnWarnings},
 * in the same words; an outside-pool or port-exhaustion warning carries who opens the connections, so it waits up to
 * {@link ProcessAttributor#SETTLED_TICKS} ticks for the samples. Nothing here throws out of a tick.
 */
final class EndpointWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.sidecar");
    /** The census is the sidecar's main signal: a scan every tick (~1 ms per 1,000 sockets) rather than every 6th. */
    static final int SCAN_EVERY = 1;
    static final Set<ChurnCause> ATTRIBUTED = Set.of(ChurnCause.OUTSIDE_POOL, ChurnCause.PORT_EXHAUSTION);

    /**
     * What the watcher published last, read by /metrics and /health; values not known yet are {@code null}, -1 or NaN.
     *
     * @param status        {@code starting}, {@code running}, or why the probe is unavailable
     * @param census        the latest census of the endpoint's sockets
     * @param hostTimeWait  host-wide TIME_WAIT from sockstat
     * @param rates         the detector's rates (no pool: pool rates are 0)
     * @param portUsage     client-side sockets to the endpoint as a share of the ephemeral port range
     * @param server        the server's latest status, with --user
     * @param verdicts      the verdicts active now, with who opens the connections where known
     * @param warnings      warnings written so far, by cause
     * @param attribution   the processes that open connections, while churn lasts
     * @param tickedAtNanos when the last tick ended
     */
    record Snapshot(String status, SocketCensus census, long hostTimeWait, ChurnRates rates, double portUsage,
                    ServerStatus server, List<ChurnVerdict> verdicts, Map<ChurnCause, Long> warnings,
                    ProcessAttributor.Result attribution, long tickedAtNanos) {

        boolean has(ChurnCause cause) {
            return verdicts.stream().anyMatch(v -> v.cause() == cause);
        }
    }

    private final Endpoint endpoint;
    private final Duration interval;
    private final Path proc;
    private final TwPoolConfig config;
    private final TimeWaitProbe probe;
    private final HostTcpCountersReader hostCounters;
    private final ChurnDetector detector;
    private final ChurnWarnings warnings;
    private final ProcessAttributor attributor;
    private final StatusSampler status;
    private final ScheduledExecutorService thread;
    private KernelSettings kernel;
    private boolean attributionNoteLogged;
    private boolean failureLogged;
    private volatile Snapshot snapshot;
    private volatile Runnable afterTick = () -> { };

    EndpointWatcher(Endpoint endpoint, SidecarOptions o) {
        this.endpoint = endpoint;
        this.interval = o.interval();
        this.proc = o.proc();
        // The detector's thresholds and wording come from a pool's configuration: a pool of none.
        this.config = TwPoolConfig.builder().url("jdbc:mysql://" + endpoint + "/").name(name(endpoint))
                .probeInterval(o.interval()).probeProcRoot(o.proc().toString()).churnMinRate(o.minRate())
                .churnWarnInterval(o.warnInterval()).build();
        this.probe = new TimeWaitProbe(proc, endpoint, SCAN_EVERY, 0);
        this.hostCounters = new HostTcpCountersReader(proc);
        this.detector = ChurnDetector.withoutPool(config, endpoint.toString(), endpoint.port(), endpoint.local(),
                new ConnectSignals()::isThisHost);
        this.warnings = new ChurnWarnings(config.name(), config.churnWarnInterval());
        this.attributor = new ProcessAttributor(proc, endpoint, true);
        this.status = o.user() == null ? null : new StatusSampler(endpoint.toString(), o.user(), o.password(), o.interval());
        this.snapshot = snapshot("starting", null, -1, ChurnRates.UNKNOWN, Double.NaN, null, List.of(),
                ProcessAttributor.Result.NONE, System.nanoTime());
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

    Snapshot snapshot() {
        return snapshot;
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
        long now = System.nanoTime();
        ServerStatus server = status == null ? null : status.sample(now);
        ProbeSample sample = probe.tick();
        if (!probe.available()) {
            snapshot = snapshot("unavailable: " + probe.unavailableReason(), null, -1, ChurnRates.UNKNOWN, Double.NaN,
                    server, List.of(), ProcessAttributor.Result.NONE, now);
            return;
        }
        if (sample.scanned() || kernel == null) {
            kernel = KernelSettingsReader.read(proc);
        }
        Observation o = Observation.withoutPool(now, sample.census(), sample.scanned(), sample.hostTimeWait(), kernel,
                server, status == null ? 0 : status.openedAtLastSample(), hostCounters.read());
        ChurnDetector.Evaluation e = detector.evaluate(o);
        boolean churning = e.verdicts().stream().anyMatch(v -> ATTRIBUTED.contains(v.cause()))
                || (!Double.isNaN(e.rates().endpoint()) && e.rates().endpoint() >= config.churnMinRate());
        ProcessAttributor.Result who = attributor.tick(churning, interval.dividedBy(ProcessAttributor.SAMPLES_PER_TICK * 2),
                interval.dividedBy(2));
        String sentence = Attributions.sentence(endpoint.toString(), e.rates().endpoint(), who);
        if (who.limitation() != null && who.settled() && !attributionNoteLogged) {
            attributionNoteLogged = true;
            LOG.info("twpool sidecar: naming the processes that connect to {} is limited: {}.", endpoint, who.limitation());
        }
        List<ChurnVerdict> active = new ArrayList<>();
        List<ChurnVerdict> toLog = new ArrayList<>();
        for (ChurnVerdict v : e.verdicts()) {
            boolean attributed = ATTRIBUTED.contains(v.cause());
            if (attributed) {
                String m = Attributions.withoutSsHint(v.message());
                v = new ChurnVerdict(v.cause(), v.reason(), sentence == null ? m : m + " " + sentence);
            }
            active.add(v);
            if (!attributed || who.settled()) {
                toLog.add(v); // a few ticks of samples first, so that the warning names who churns
            }
        }
        warnings.publish(toLog, now);
        // /metrics shows a verdict from its first tick; only the log line waits for the samples.
        snapshot = snapshot("running", sample.census(), sample.hostTimeWait(), e.rates(), e.portUsage(), server, active,
                who, now);
    }

    private Snapshot snapshot(String status, SocketCensus census, long hostTimeWait, ChurnRates rates, double portUsage,
                              ServerStatus server, List<ChurnVerdict> verdicts, ProcessAttributor.Result who, long now) {
        return new Snapshot(status, census, hostTimeWait, rates, portUsage, server, List.copyOf(verdicts),
                warnings == null ? Map.of() : warnings.written(), who, now);
    }

    /** Who opens the connections, for the process meters. */
    ProcessAttributor attributor() {
        return attributor;
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
        attributor.close();
        if (status != null) {
            status.close();
        }
    }
}
