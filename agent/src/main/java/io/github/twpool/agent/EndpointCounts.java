package io.github.twpool.agent;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The connects counted for one endpoint ({@code host:port}) since the agent started: by pools (per pool) and by the
 * application (per call site), and failed attempts. Counters only go up; the watcher takes differences. Holds names
 * of classes and methods, never a URL.
 */
final class EndpointCounts {

    /** Distinct call sites kept per endpoint; the rest are counted together. */
    static final int MAX_SITES = 64;
    static final String OTHER_SITES = "(other call sites)";

    private final String endpoint;
    private final LongAdder application = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> byPool = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> bySite = new ConcurrentHashMap<>();

    EndpointCounts(String endpoint) {
        this.endpoint = endpoint;
    }

    String endpoint() {
        return endpoint;
    }

    void opened(Opener who) {
        if (who.byPool()) {
            counter(byPool, who.pool(), Integer.MAX_VALUE).increment();
        } else {
            application.increment();
            counter(bySite, who.site(), MAX_SITES).increment();
        }
    }

    void failed() {
        failed.increment();
    }

    private static LongAdder counter(ConcurrentHashMap<String, LongAdder> map, String key, int max) {
        LongAdder c = map.get(key);
        if (c == null) {
            c = map.size() < max ? map.computeIfAbsent(key, k -> new LongAdder())
                    : map.computeIfAbsent(OTHER_SITES, k -> new LongAdder());
        }
        return c;
    }

    /** A consistent-enough copy for one tick. */
    Snapshot snapshot() {
        Map<String, Long> pools = new HashMap<>();
        byPool.forEach((k, v) -> pools.put(k, v.sum()));
        Map<String, Long> sites = new HashMap<>();
        bySite.forEach((k, v) -> sites.put(k, v.sum()));
        return new Snapshot(application.sum(), failed.sum(), Map.copyOf(pools), Map.copyOf(sites));
    }

    /**
     * @param application connections the application opened outside any recognised pool
     * @param failed      connects that threw
     * @param byPool      connections each recognised pool opened
     * @param bySite      the application's connections by call site
     */
    record Snapshot(long application, long failed, Map<String, Long> byPool, Map<String, Long> bySite) {
        long pools() {
            return byPool.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
