package io.github.twpool.internal.churn;

import io.github.twpool.internal.connect.JvmConnects;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This JVM's connects outside twpool's pools as counted at the JDBC driver ({@link JvmConnects}), turned into an
 * {@link Attribution} per tick: the rate since the previous tick, and the call sites of the connects over the last
 * {@link ChurnDetector#POOL_HORIZON}, most frequent first. Not thread-safe: the probe thread uses it.
 */
final class DriverCountAttribution {

    static final String METHOD = "counted at the JDBC driver";
    /** Call sites kept in the attribution. */
    static final int MAX_SITES = 10;

    private record Reading(long nanos, JvmConnects.Totals totals) {
    }

    private final ArrayDeque<Reading> history = new ArrayDeque<>();

    /** The attribution for the totals read at {@code nanos}; {@code null} totals: not counted. */
    Attribution next(long nanos, JvmConnects.Totals now) {
        if (now == null) {
            history.clear();
            return Attribution.NONE;
        }
        Reading prev = history.peekLast();
        history.addLast(new Reading(nanos, now));
        // Keep the newest reading that is at least the horizon old, and everything after it.
        while (history.size() > 2 && nanos - secondOldest().nanos() >= ChurnDetector.POOL_HORIZON.toNanos()) {
            history.removeFirst();
        }
        double rate = prev == null || nanos <= prev.nanos() ? Double.NaN
                : Math.max(0, now.otherOpened() - prev.totals().otherOpened()) / ((nanos - prev.nanos()) / 1e9);
        Map<String, Long> counts = new HashMap<>(now.sites());
        JvmConnects.Totals then = history.peekFirst().totals();
        if (then != now) {
            for (var e : then.sites().entrySet()) {
                counts.merge(e.getKey(), -e.getValue(), Long::sum);
            }
        }
        long sampled = counts.values().stream().mapToLong(v -> Math.max(0, v)).sum();
        List<Attribution.Origin> sites = new ArrayList<>();
        if (sampled > 0) {
            counts.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                    .limit(MAX_SITES)
                    .forEach(e -> sites.add(new Attribution.Origin(e.getKey(), e.getValue() / (double) sampled)));
        }
        return new Attribution(METHOD, Attribution.Kind.CALL_SITE, rate, Double.NaN, null, sites, sampled, sampled,
                now.otherOpened(), true, null);
    }

    private Reading secondOldest() {
        var it = history.iterator();
        it.next();
        return it.next();
    }
}
