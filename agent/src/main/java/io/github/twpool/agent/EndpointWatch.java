package io.github.twpool.agent;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnReport;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.internal.churn.ChurnPipeline;
import io.github.twpool.internal.churn.ConnectSignals;
import io.github.twpool.internal.churn.DetectorSettings;
import io.github.twpool.internal.churn.Observation;
import io.github.twpool.internal.probe.Endpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One database endpoint the JVM connected to, watched by twpool's churn pipeline (the probe of the endpoint's
 * sockets and this host's TCP counters, the detector, the warnings, in the library's words) with what the agent
 * counted at the drivers: the recognised pools' opens as the pool side (never churn outside a pool; each stands for
 * a close, since a pool that keeps its connections opens none and one that renews them opens as many as it closes),
 * and the application's opens with their call sites as the attribution ({@link CountedAttribution}). There is no
 * twpool pool here, so no pool verdict: the pools are the application's own. Ticked by the agent's thread only.
 */
final class EndpointWatch {

    private final Endpoint endpoint;
    /** The counts of every spelling of this endpoint the application used ({@code localhost:3306}, {@code 127.0.0.1:3306}). */
    private final List<EndpointCounts> counts = new CopyOnWriteArrayList<>();
    private final ChurnPipeline pipeline;

    EndpointWatch(Endpoint endpoint, AgentOptions options, Path proc) {
        this.endpoint = endpoint;
        // The library's defaults for the thresholds and the census (a scan when the host's TIME_WAIT total moves,
        // else every few ticks: a scan of /proc/net/tcp costs with every socket on the host).
        TwPoolConfig defaults = TwPoolConfig.builder().url("jdbc:mysql://" + endpoint + "/").build();
        this.pipeline = new ChurnPipeline(endpoint,
                DetectorSettings.withoutPool(name(endpoint), defaults.churnMinRate(), defaults.churnPortWarnRatio()),
                options.warnInterval(), proc, defaults.probeScanEvery(), defaults.probeScanThreshold(),
                new ConnectSignals(), new Pools(), null, new CountedAttribution(this::sum));
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

    /** The report of the last tick, for /metrics. */
    ChurnReport report() {
        return pipeline.report();
    }

    Map<ChurnCause, Long> warningsWritten() {
        return pipeline.warningsWritten();
    }

    void tick(long now) {
        pipeline.tick(now);
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

    /** The recognised pools' opens, as the pipeline's pool side. */
    private final class Pools implements ChurnPipeline.PoolSide {
        @Override
        public Observation.PoolCounts counts() {
            return new Observation.PoolCounts(opened(), 0, 0, 0, Duration.ZERO);
        }

        @Override
        public long opened() {
            return sum().pools();
        }

        @Override
        public long closed() {
            return -1; // not seen
        }
    }
}
