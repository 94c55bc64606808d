package io.github.twpool.internal.churn;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnRates;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.internal.probe.HostTcpCounters;
import io.github.twpool.internal.probe.HostTcpCountersReader;
import io.github.twpool.internal.probe.KernelSettingsReader;
import io.github.twpool.internal.probe.ProbeSample;
import io.github.twpool.internal.probe.TimeWaitProbe;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One tick of churn watching, the same for a pool and for a watcher without one (the sidecar): read the signals,
 * let the {@link ChurnDetector} decide, word the findings ({@link ChurnMessages}), log what changed
 * ({@link ChurnWarnings}) and publish a {@link ChurnReport}. What differs between callers is only what they have,
 * handed in as parts: a pool's own counts ({@link PoolSide}), a way to read the server's status ({@link ServerSide}),
 * and a source that says who on this host opens the connections ({@link AttributionSource}); each may be absent.
 *
 * <p>Not thread-safe: the caller's one probe thread ticks it; {@link #report()} may be read from any thread.
 */
public final class ChurnPipeline {

    /** What a pool adds to a tick. */
    public interface PoolSide {
        /**
         * The pool's counts for this tick (its peak since the previous one), or {@code null} once it is closed (the
         * tick then publishes nothing new).
         */
        Observation.PoolCounts counts();

        /** Physical connections the pool opened so far. */
        long opened();

        /** Physical connections the pool closed so far. */
        long closed();
    }

    /** The server's own view, where the caller can read it. */
    public interface ServerSide {
        /**
         * The latest server sample, read now when due, or {@code null}.
         *
         * @param freshNow a fresh look is worth it now, not only when due: this host's counters show connects nobody
         *                 here explains, or a verdict from the server's counters stands that only a new sample can clear
         */
        ServerStatus sample(long nanos, boolean freshNow);

        /** Connections the caller itself had opened to the server when the latest sample was read. */
        long ownOpenedAtSample();
    }

    /**
     * Says who on this host opens the endpoint's connections. {@link #measure} runs before the detector, so its rates
     * count as a signal; {@link #name} runs after it, told whether the tick found churn, for a source that samples
     * only while churn lasts (a result there replaces the measured one in the findings).
     */
    public interface AttributionSource {
        Attribution measure(long nanos);

        default Attribution name(boolean churning) {
            return null;
        }

        /** As {@link #name(boolean)}, told also the endpoint's new connections/s the tick measured (NaN if unknown). */
        default Attribution name(boolean churning, double endpointRate) {
            return name(churning);
        }
    }

    private final Endpoint endpoint;
    private final DetectorSettings settings;
    private final Path proc;
    private final TimeWaitProbe probe;
    private final HostTcpCountersReader hostCounters;
    private final ChurnDetector detector;
    private final ChurnWarnings warnings;
    /** Whether the last tick had a verdict from the server's counters. */
    private boolean serverVerdictStands;
    private final ConnectSignals signals;
    private final PoolSide pool;
    private final ServerSide server;
    private final AttributionSource attribution;
    private KernelSettings kernel;
    private volatile ChurnReport report;

    /**
     * @param scanEvery     census scans every this many ticks (1: every tick)
     * @param scanThreshold host-wide TIME_WAIT above which a scan is due between them
     * @param pool          the pool's counts, or {@code null} for a watcher without a pool
     * @param server        the server's status, or {@code null}
     * @param attribution   who opens the connections, or {@code null}
     */
    public ChurnPipeline(Endpoint endpoint, DetectorSettings settings, Duration warnInterval, Path proc, int scanEvery,
                         int scanThreshold, ConnectSignals signals, PoolSide pool, ServerSide server,
                         AttributionSource attribution) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.proc = proc;
        this.probe = new TimeWaitProbe(proc, endpoint, scanEvery, scanThreshold);
        this.hostCounters = new HostTcpCountersReader(proc);
        this.detector = new ChurnDetector(settings, endpoint.toString(), endpoint.port(), endpoint.local(), signals::isThisHost);
        this.warnings = new ChurnWarnings(settings.name(), warnInterval);
        this.signals = signals;
        this.pool = pool;
        this.server = server;
        this.attribution = attribution;
        this.report = idle("starting", settings.name(), endpoint.toString(), opened(), closed(), null, Map.of());
    }

    /** The report of the last tick. */
    public ChurnReport report() {
        return report;
    }

    /** Warnings written so far, by cause. */
    public Map<ChurnCause, Long> warningsWritten() {
        return warnings.written();
    }

    /** Reads the signals, evaluates, logs what changed and publishes the report; returns it. */
    public ChurnReport tick(long now) {
        HostTcpCounters host = hostCounters.read();
        Attribution local = attribution == null ? Attribution.NONE : attribution.measure(now);
        Observation.PoolCounts counts = pool == null ? Observation.PoolCounts.NONE : pool.counts();
        if (counts == null) {
            return report; // the pool closed
        }
        // Host counters showing connects nobody here made: look at the server's count now, not in a minute.
        boolean unexplained = signals.unexplainedOpens(now, host, endpoint.local(), counts.opened(), local.total())
                >= settings.minRate();
        // A server verdict rests on the last two samples; with samples a minute apart it would outlive the churn
        // it reports by that long.
        ServerStatus status = server == null ? null : server.sample(now, unexplained || serverVerdictStands);
        ProbeSample sample = probe.tick();
        if (!probe.available()) {
            return report = idle("unavailable: " + probe.unavailableReason(), settings.name(), endpoint.toString(),
                    opened(), closed(), status, warnings.written());
        }
        if (sample.scanned() || kernel == null) {
            kernel = KernelSettingsReader.read(proc);
        }
        Observation o = new Observation(now, sample.census(), sample.scanned(), sample.hostTimeWait(), kernel, counts,
                status, server == null ? 0 : server.ownOpenedAtSample(), local, host);
        ChurnDetector.Evaluation e = detector.evaluate(o);
        boolean churning = e.findings().stream().anyMatch(f -> f instanceof Finding.Attributed)
                || (!Double.isNaN(e.rates().endpoint()) && e.rates().endpoint() >= settings.minRate());
        Attribution named = attribution == null ? null : attribution.name(churning, e.rates().endpoint());
        List<ChurnVerdict> active = new ArrayList<>();
        List<ChurnVerdict> toLog = new ArrayList<>();
        Finding.OutsidePool outside = null;
        for (Finding f : e.findings()) {
            boolean settled = true;
            if (f instanceof Finding.Attributed a) {
                // Running out of ports cannot wait until enough was seen to name who churns: by then the churn may
                // have stopped, and the warning with it. It names them only once they are named for certain.
                boolean urgent = f instanceof Finding.PortExhaustion;
                if (named != null && (!urgent || named.settled())) {
                    f = a.withLocal(named);
                }
                settled = urgent || ((Finding.Attributed) f).local().settled();
            }
            if (f instanceof Finding.OutsidePool op) {
                outside = op;
            }
            ChurnVerdict v = ChurnMessages.render(f);
            active.add(v);
            if (settled) {
                toLog.add(v); // a warning that names who churns waits until enough was seen to name them
            }
        }
        serverVerdictStands = e.findings().stream().anyMatch(f -> f instanceof Finding.ServerChurn
                || f instanceof Finding.AbortedClients || f instanceof Finding.ServerCapacity);
        warnings.publish(toLog, active.stream().map(ChurnVerdict::cause).collect(Collectors.toSet()), now);
        Attribution who = named != null ? named : local;
        return report = new ChurnReport(Instant.now(), settings.name(), endpoint.toString(), "running", sample.census(),
                sample.hostTimeWait(), kernel, e.portUsage(), e.rates(), opened(), closed(), status, active, warnings.written(),
                SampledOrigins.reported(who, outside));
    }

    private long opened() {
        return pool == null ? -1 : pool.opened();
    }

    private long closed() {
        return pool == null ? -1 : pool.closed();
    }

    /** A report without a census: before the first tick, or while the probe cannot read what it needs. */
    public static ChurnReport idle(String status, String name, String endpoint, long opened, long closed, ServerStatus server,
                                   Map<ChurnCause, Long> warnings) {
        return new ChurnReport(Instant.now(), name, endpoint, status, (SocketCensus) null, -1, null, Double.NaN,
                ChurnRates.UNKNOWN, opened, closed, server, List.of(), warnings, ChurnOrigins.NOT_SAMPLED);
    }
}
