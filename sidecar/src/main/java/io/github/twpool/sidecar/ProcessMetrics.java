package io.github.twpool.sidecar;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes that open connections to one endpoint, on {@code /metrics}: while churn is attributed, each of the
 * {@link #MAX_PROCESSES} largest by rank, its rate and share labelled by a bounded set of names ({@code rank} 1..3 and
 * {@code process}, the program's name as the kernel keeps it, 15 characters at most), the rest as {@code rank="other"};
 * who each rank is (pid, command line with secrets masked, cgroup, unit/container/pod) on an info gauge with value 1,
 * never more than {@link #MAX_PROCESSES} of them at once; and counters of the new connections seen and named. The
 * gauges go when churn stops. Every value comes from what the watcher's last tick published: a scrape never touches
 * {@code /proc}.
 */
final class ProcessMetrics {

    /** New connections/s to the endpoint that one process (or one command's processes) opens: endpoint rate x share. */
    static final String PROCESS_CHURN_RATE = "twpool.churn.process.rate";
    /** That process's share of the new connections named. */
    static final String PROCESS_CHURN_SHARE = "twpool.churn.process.share";
    /** Who a rank is: pid, command, cgroup, unit; value 1. */
    static final String PROCESS_INFO = "twpool.churn.process.info";
    /** New connections to the endpoint seen open by the sampler, and those whose process was named. */
    static final String ATTRIBUTION_CONNECTIONS = "twpool.churn.attribution.connections";
    /** Processes published at most, per endpoint, so that series stay bounded. */
    static final int MAX_PROCESSES = 3;

    private final MeterRegistry registry;
    private final EndpointWatcher watcher;
    private final Tags tags;
    private final Map<String, List<Meter>> meters = new HashMap<>();
    private final Map<String, double[]> values = new HashMap<>();

    ProcessMetrics(MeterRegistry registry, EndpointWatcher watcher) {
        this.registry = registry;
        this.watcher = watcher;
        this.tags = Tags.of("endpoint", watcher.endpoint().toString());
    }

    void bind() {
        FunctionCounter.builder(ATTRIBUTION_CONNECTIONS, watcher.attributor(), ProcessAttributor::totalSeen)
                .tags(tags.and("state", "seen")).baseUnit("connections")
                .description("New connections to the endpoint seen open while churn was sampled").register(registry);
        FunctionCounter.builder(ATTRIBUTION_CONNECTIONS, watcher.attributor(), ProcessAttributor::totalNamed)
                .tags(tags.and("state", "named")).baseUnit("connections")
                .description("Of those, the connections whose process was named").register(registry);
    }

    /** Publishes the watcher's latest attribution; called after each tick, on the watcher's thread. */
    synchronized void refresh() {
        double rate = watcher.report().rates().endpoint();
        Map<String, double[]> current = new HashMap<>();
        Map<String, Tags> wanted = new HashMap<>();
        List<ProcessAttributor.Holder> holders = watcher.attribution().holders();
        double otherShare = 0;
        for (int i = 0; i < holders.size(); i++) {
            ProcessAttributor.Holder h = holders.get(i);
            if (i >= MAX_PROCESSES) {
                otherShare += h.share();
                continue;
            }
            String rank = String.valueOf(i + 1);
            String process = ProcessAttributor.program(h.command());
            String key = rank + "\u0000" + process;
            current.put(key, new double[] {Double.isNaN(rate) ? Double.NaN : rate * h.share(), h.share()});
            wanted.put(key, tags.and("rank", rank, "process", process));
            String pid = h.pids().size() == 1 ? String.valueOf(h.pids().get(0))
                    : h.parentPid() > 0 ? "children of " + h.parentPid() : "several";
            String cgroup = h.cgroup() == null ? "" : PidFiles.sanitize(h.cgroup().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String unit = h.cgroup() == null ? null : Cgroups.describe(h.cgroup());
            String infoKey = "info\u0000" + rank + "\u0000" + pid + "\u0000" + h.command() + "\u0000" + cgroup;
            current.put(infoKey, new double[] {1, 1});
            wanted.put(infoKey, tags.and("rank", rank, "process", process).and("pid", pid, "command", h.command(),
                    "cgroup", cgroup, "unit", unit == null ? "" : unit));
        }
        if (holders.size() > MAX_PROCESSES) {
            current.put("other", new double[] {Double.isNaN(rate) ? Double.NaN : rate * otherShare, otherShare});
            wanted.put("other", tags.and("rank", "other", "process", "other"));
        }
        for (var e : wanted.entrySet()) {
            String key = e.getKey();
            if (meters.containsKey(key)) {
                continue;
            }
            List<Meter> m = new ArrayList<>();
            if (key.startsWith("info\u0000")) {
                m.add(Gauge.builder(PROCESS_INFO, values, v -> value(v, key, 0)).tags(e.getValue())
                        .description("Who opens the connections at this rank: pid, command line (secrets masked), cgroup, unit; 1")
                        .register(registry));
            } else {
                m.add(Gauge.builder(PROCESS_CHURN_RATE, values, v -> value(v, key, 0)).tags(e.getValue())
                        .description("New connections per second to the endpoint opened by this process (endpoint rate x share)")
                        .register(registry));
                m.add(Gauge.builder(PROCESS_CHURN_SHARE, values, v -> value(v, key, 1)).tags(e.getValue()).baseUnit("ratio")
                        .description("This process's share of the new connections to the endpoint named").register(registry));
            }
            meters.put(key, m);
        }
        synchronized (values) {
            values.clear();
            values.putAll(current);
        }
        meters.entrySet().removeIf(e -> {
            if (wanted.containsKey(e.getKey())) {
                return false;
            }
            e.getValue().forEach(registry::remove);
            return true;
        });
    }

    private static double value(Map<String, double[]> values, String key, int index) {
        synchronized (values) {
            double[] v = values.get(key);
            return v == null ? Double.NaN : v[index];
        }
    }
}
