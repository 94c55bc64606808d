package io.github.twpool.sidecar;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sidecar's own meters for one watched endpoint (the churn meters are pool-metrics', over the watcher's
 * {@link io.github.twpool.ChurnReport}): while churn is attributed, the rate and share of each process that opens
 * connections ({@code pid}, {@code command} tags; removed when it stops). Every meter reads what the watcher's last
 * tick published: a scrape never touches {@code /proc}.
 */
final class SidecarMetrics {

    /** New connections/s to the endpoint that one process (or one command's processes) opens: endpoint rate x share. */
    static final String PROCESS_CHURN_RATE = "twpool.churn.process.rate";
    /** That process's share of the new connections seen open. */
    static final String PROCESS_CHURN_SHARE = "twpool.churn.process.share";
    /** Processes published at most, per endpoint, so that tags stay bounded. */
    static final int MAX_PROCESSES = 3;

    private final MeterRegistry registry;
    private final EndpointWatcher watcher;
    private final Tags tags;
    private final Map<String, List<Meter>> processMeters = new HashMap<>();
    private final Map<String, double[]> processValues = new HashMap<>();

    SidecarMetrics(MeterRegistry registry, EndpointWatcher watcher) {
        this.registry = registry;
        this.watcher = watcher;
        this.tags = Tags.of("endpoint", watcher.endpoint().toString());
    }

    /** Publishes the processes of the watcher's latest attribution; called after each tick, on the watcher's thread. */
    synchronized void refreshProcesses() {
        double rate = watcher.report().rates().endpoint();
        Map<String, double[]> current = new HashMap<>();
        List<ProcessAttributor.Holder> holders = watcher.attribution().holders();
        for (int i = 0; i < Math.min(MAX_PROCESSES, holders.size()); i++) {
            ProcessAttributor.Holder h = holders.get(i);
            String pid = h.pids().size() == 1 ? String.valueOf(h.pids().get(0))
                    : h.parentPid() > 0 ? "children of " + h.parentPid() : "several";
            String key = pid + "\u0000" + h.command();
            current.put(key, new double[] {Double.isNaN(rate) ? Double.NaN : rate * h.share(), h.share()});
            if (!processMeters.containsKey(key)) {
                Tags t = tags.and("pid", pid, "command", h.command());
                List<Meter> meters = new ArrayList<>();
                meters.add(Gauge.builder(PROCESS_CHURN_RATE, processValues, m -> value(m, key, 0)).tags(t)
                        .description("New connections per second to the endpoint opened by this process (endpoint rate x share)")
                        .register(registry));
                meters.add(Gauge.builder(PROCESS_CHURN_SHARE, processValues, m -> value(m, key, 1)).tags(t).baseUnit("ratio")
                        .description("This process's share of the new connections to the endpoint seen open").register(registry));
                processMeters.put(key, meters);
            }
        }
        synchronized (processValues) {
            processValues.clear();
            processValues.putAll(current);
        }
        processMeters.entrySet().removeIf(e -> {
            if (current.containsKey(e.getKey())) {
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
