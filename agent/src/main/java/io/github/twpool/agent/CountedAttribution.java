package io.github.twpool.agent;

import io.github.twpool.internal.churn.Attribution;
import io.github.twpool.internal.churn.ChurnPipeline;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The application's connects outside any pool, as the agent counted them at the drivers, handed to the pipeline each
 * tick: the rate since the previous tick (exact: every connect is counted), and the call sites over the last minute,
 * most frequent first, each connect's own (not sampled). Not thread-safe: the agent's thread uses it.
 */
final class CountedAttribution implements ChurnPipeline.AttributionSource {

    static final String METHOD = "counted at the JDBC driver by the twpool agent";
    /** The window call-site shares are taken over, as the detector's pool rates are. */
    static final Duration SITES_WINDOW = Duration.ofSeconds(60);
    static final int MAX_SITES = 10;

    private record Reading(long nanos, long application, Map<String, Long> sites) {
    }

    private final Supplier<EndpointCounts.Snapshot> counts;
    private final ArrayDeque<Reading> history = new ArrayDeque<>();

    CountedAttribution(Supplier<EndpointCounts.Snapshot> counts) {
        this.counts = counts;
    }

    @Override
    public Attribution measure(long nanos) {
        EndpointCounts.Snapshot now = counts.get();
        Reading prev = history.peekLast();
        history.addLast(new Reading(nanos, now.application(), now.bySite()));
        // Keep the newest reading at least the window old, and everything after it.
        while (history.size() > 2 && nanos - secondOldest().nanos() >= SITES_WINDOW.toNanos()) {
            history.removeFirst();
        }
        double rate = prev == null || nanos <= prev.nanos() ? Double.NaN
                : Math.max(0, now.application() - prev.application()) / ((nanos - prev.nanos()) / 1e9);
        Map<String, Long> recent = new HashMap<>(now.bySite());
        Reading then = history.peekFirst();
        if (then.nanos() != nanos) {
            then.sites().forEach((k, v) -> recent.merge(k, -v, Long::sum));
        }
        long counted = recent.values().stream().mapToLong(v -> Math.max(0, v)).sum();
        List<Attribution.Origin> sites = new ArrayList<>();
        if (counted > 0) {
            recent.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(MAX_SITES)
                    .forEach(e -> sites.add(new Attribution.Origin(e.getKey(), e.getValue() / (double) counted)));
        }
        return new Attribution(METHOD, Attribution.Kind.CALL_SITE, rate, Double.NaN, null, sites, counted, counted,
                now.application(), true, null);
    }

    private Reading secondOldest() {
        Iterator<Reading> it = history.iterator();
        it.next();
        return it.next();
    }
}
