package io.github.twpool.agent;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnRates;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.KernelSettings;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.internal.churn.ChurnDetector;
import io.github.twpool.internal.churn.ChurnWarnings;
import io.github.twpool.internal.churn.ConnectSignals;
import io.github.twpool.internal.churn.Observation;
import io.github.twpool.internal.connect.JvmConnects;
import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.internal.probe.HostTcpCounters;
import io.github.twpool.internal.probe.HostTcpCountersReader;
import io.github.twpool.internal.probe.KernelSettingsReader;
import io.github.twpool.internal.probe.ProbeSample;
import io.github.twpool.internal.probe.TimeWaitProbe;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One database endpoint the JVM connected to: every tick the probe (the endpoint's sockets, the host's TCP counters)
 * and the detector, fed with the connects the agent counted at the drivers. A recognised pool's opens are the
 * detector's pool opens (never blamed as churn outside a pool); the application's opens, with their call sites, are
 * the JVM's opens outside a pool. The warnings are the pool's, in the same words. Touched by the agent's thread only.
 */
final class EndpointWatch {

    private final Endpoint endpoint;
    private final TwPoolConfig config;
    private final TimeWaitProbe probe;
    private final HostTcpCountersReader hostCounters;
    private final ChurnDetector detector;
    private final ChurnWarnings warnings;
    private final Path proc;
    /** The counts of every spelling of this endpoint the application used ({@code localhost:3306}, {@code 127.0.0.1:3306}). */
    private final List<EndpointCounts> counts = new CopyOnWriteArrayList<>();
    private KernelSettings kernel;
    private volatile State state;

    /**
     * What the last tick saw, for /metrics.
     *
     * @param probeStatus {@code running}, or why the probe is unavailable
     * @param rates       the detector's rates
     * @param verdicts    the verdicts active now
     */
    record State(String probeStatus, ChurnRates rates, List<ChurnVerdict> verdicts) {
    }

    EndpointWatch(Endpoint endpoint, AgentOptions options, Path proc) {
        this.endpoint = endpoint;
        this.proc = proc;
        this.config = TwPoolConfig.builder().url("jdbc:mysql://" + endpoint + "/").name(name(endpoint))
                .probeInterval(options.interval()).churnWarnInterval(options.warnInterval())
                .probeProcRoot(proc.toString()).build();
        // Scans as a pool's probe does (on a move of the host's TIME_WAIT total, else every few ticks): a scan of
        // /proc/net/tcp costs with every socket on the host, and the agent's own count is its first signal.
        this.probe = new TimeWaitProbe(proc, endpoint, config.probeScanEvery(), config.probeScanThreshold());
        this.hostCounters = new HostTcpCountersReader(proc);
        this.detector = ChurnDetector.withoutPool(config, endpoint.toString(), endpoint.port(), endpoint.local(),
                new ConnectSignals()::isThisHost);
        this.warnings = new ChurnWarnings(config.name(), config.churnWarnInterval());
        this.state = new State("starting", ChurnRates.UNKNOWN, List.of());
    }

    /** The name the warnings carry: {@code agent-<host>-<port>}, within the pool-name rules. */
    static String name(Endpoint endpoint) {
        String s = "agent-" + endpoint.toString().replace("[", "").replace("]", "").replace(':', '-');
        s = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    void add(EndpointCounts c) {
        counts.add(c);
    }

    State state() {
        return state;
    }

    void tick(long now) {
        EndpointCounts.Snapshot seen = sum();
        HostTcpCounters host = hostCounters.read();
        ProbeSample sample = probe.tick();
        if (!probe.available()) {
            state = new State("unavailable: " + probe.unavailableReason(), ChurnRates.UNKNOWN, List.of());
            return;
        }
        if (sample.scanned() || kernel == null) {
            kernel = KernelSettingsReader.read(proc);
        }
        long pools = seen.pools();
        long sampled = seen.bySite().values().stream().mapToLong(Long::longValue).sum();
        JvmConnects.Totals jvm = new JvmConnects.Totals(pools, seen.application(), sampled, seen.bySite());
        // A pool's opens are pool opens; its closes are not seen, so each open stands for a close (a pool that keeps
        // its connections opens none, one that recycles them opens as many as it closes).
        Observation o = new Observation(now, sample.census(), sample.scanned(), sample.hostTimeWait(), kernel,
                pools, 0, 0, 0, null, 0, jvm, host);
        ChurnDetector.Evaluation e = detector.evaluate(o);
        List<ChurnVerdict> verdicts = new ArrayList<>();
        for (ChurnVerdict v : e.verdicts()) {
            // The pool verdict speaks of a twpool pool's settings; the pools here are the application's own.
            if (v.cause() != ChurnCause.POOL) {
                verdicts.add(v);
            }
        }
        warnings.publish(verdicts, now);
        state = new State("running", e.rates(), List.copyOf(verdicts));
    }

    /** The counts of all spellings added up, now. */
    EndpointCounts.Snapshot sum() {
        long application = 0;
        long failed = 0;
        Map<String, Long> pools = new HashMap<>();
        Map<String, Long> sites = new HashMap<>();
        for (EndpointCounts c : counts) {
            EndpointCounts.Snapshot s = c.snapshot();
            application += s.application();
            failed += s.failed();
            s.byPool().forEach((k, v) -> pools.merge(k, v, Long::sum));
            s.bySite().forEach((k, v) -> sites.merge(k, v, Long::sum));
        }
        return new EndpointCounts.Snapshot(application, failed, Map.copyOf(pools), Map.copyOf(sites));
    }

    Map<ChurnCause, Long> warningsWritten() {
        return warnings.written();
    }
}
