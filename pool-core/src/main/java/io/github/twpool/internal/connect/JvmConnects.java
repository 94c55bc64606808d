package io.github.twpool.internal.connect;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Counts every connection this JVM opens through {@link DriverManager}'s drivers, per JDBC URL, whoever opens it:
 * {@code DriverManager.getConnection}, an unpooled DataSource, another pool, or a twpool pool (told apart).
 *
 * <p>{@link #install} puts a {@link CountingDriver} in the place of each registered driver that accepts the pool's
 * URL, so {@code DriverManager.getConnection} and every {@code DriverManager.getDriver(url)} user (HikariCP's own
 * {@code DriverDataSource} among them) reach the real driver through it. The last {@link #release} puts the real
 * drivers back. Code that instantiates a driver class itself (a pool given a {@code driverClassName}) bypasses it.
 *
 * <p>The call site of a connect is a stack walk, so it is sampled: one connect in {@value #SAMPLE_EVERY} at random, and the
 * first after a gap of 100 ms, which keeps the cost of walks under heavy churn to a small fraction of the connects'
 * own (a connect is a TCP and often TLS handshake, far slower than a walk) and still samples slow churn fully.
 */
public final class JvmConnects {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.probe");
    static final int SAMPLE_EVERY = 16;
    static final long SAMPLE_GAP_NANOS = 100_000_000L;
    static final int MAX_URLS = 256;
    static final int MAX_SITES = 64;
    static final String OTHER_SITES = "(other call sites)";

    private static final ThreadLocal<Boolean> POOL_OPEN = new ThreadLocal<>();
    private static final ConcurrentHashMap<String, UrlCounts> BY_URL = new ConcurrentHashMap<>();
    /** Connects to URLs beyond {@link #MAX_URLS} distinct ones: counted, not attributed to an endpoint. */
    private static final UrlCounts UNATTRIBUTED = new UrlCounts();

    private static final Object LOCK = new Object();
    private static int users;
    private static final List<CountingDriver> installed = new ArrayList<>();

    private JvmConnects() {
    }

    /** What was counted for the URLs a predicate selected, since the JVM started counting. */
    public record Totals(long poolOpened, long otherOpened, long sampled, Map<String, Long> sites) {
        public static final Totals NONE = new Totals(0, 0, 0, Map.of());
    }

    /** Marks connects on this thread as a twpool pool's own until {@link #poolOpenDone()}. */
    public static void poolOpening() {
        POOL_OPEN.set(Boolean.TRUE);
    }

    public static void poolOpenDone() {
        POOL_OPEN.remove();
    }

    /**
     * Puts counting drivers in the place of the registered drivers that accept {@code url}, once per JVM, and
     * counts this caller as a user until {@link #release()}. Returns whether connects to {@code url} through
     * {@link DriverManager} are counted now.
     */
    public static boolean install(String url) {
        synchronized (LOCK) {
            users++;
            boolean counted = false;
            // getDrivers() first loads the drivers the ServiceLoader finds, so none is registered behind our back later.
            for (Driver d : Collections.list(DriverManager.getDrivers())) {
                boolean accepts;
                try {
                    accepts = d.acceptsURL(url);
                } catch (SQLException | RuntimeException e) {
                    accepts = false;
                }
                if (!accepts) {
                    continue;
                }
                if (d instanceof CountingDriver) {
                    counted = true;
                    continue;
                }
                CountingDriver counting = new CountingDriver(d);
                try {
                    // Register before deregistering: a concurrent getConnection always finds a driver.
                    DriverManager.registerDriver(counting);
                    DriverManager.deregisterDriver(d);
                    installed.add(counting);
                    counted = true;
                } catch (SQLException | RuntimeException e) {
                    deregisterQuietly(counting);
                    LOG.info("twpool: cannot count connections at the JDBC driver {} ({}); churn from this JVM is "
                            + "estimated from sockets and the server instead.", d.getClass().getName(), e.toString());
                }
            }
            return counted;
        }
    }

    /** One user fewer; the last one puts the real drivers back. */
    public static void release() {
        synchronized (LOCK) {
            if (users == 0 || --users > 0) {
                return;
            }
            for (CountingDriver counting : installed) {
                try {
                    DriverManager.registerDriver(counting.real());
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("twpool: could not register the JDBC driver {} again: {}", counting.real(), e.toString());
                    continue; // keep the counting one, which still works, rather than leave none
                }
                deregisterQuietly(counting);
            }
            installed.clear();
        }
    }

    private static void deregisterQuietly(Driver d) {
        try {
            DriverManager.deregisterDriver(d);
        } catch (SQLException | RuntimeException ignored) {
            // not registered, or not ours to remove: nothing to undo
        }
    }

    /** Whether counting drivers are registered now (for tests and the report). */
    public static boolean installed() {
        synchronized (LOCK) {
            return !installed.isEmpty();
        }
    }

    static void connected(String url) {
        UrlCounts c = BY_URL.get(url);
        if (c == null) {
            c = BY_URL.size() < MAX_URLS ? BY_URL.computeIfAbsent(url, u -> new UrlCounts()) : UNATTRIBUTED;
        }
        if (POOL_OPEN.get() != null) {
            c.pool.increment();
        } else {
            c.other.increment();
            c.maybeSample();
        }
    }

    /** Sums the counts of every URL the predicate accepts (it sees URLs, which may hold credentials: never log them). */
    public static Totals totals(Predicate<String> urlMatches) {
        long pool = 0;
        long other = 0;
        long sampled = 0;
        Map<String, Long> sites = new HashMap<>();
        for (Map.Entry<String, UrlCounts> e : BY_URL.entrySet()) {
            if (!urlMatches.test(e.getKey())) {
                continue;
            }
            UrlCounts c = e.getValue();
            pool += c.pool.sum();
            other += c.other.sum();
            for (Map.Entry<String, LongAdder> s : c.sites.entrySet()) {
                long n = s.getValue().sum();
                sampled += n;
                sites.merge(s.getKey(), n, Long::sum);
            }
        }
        return new Totals(pool, other, sampled, Map.copyOf(sites));
    }

    private static final class UrlCounts {
        final LongAdder pool = new LongAdder();
        final LongAdder other = new LongAdder();
        volatile long lastSampleNanos = System.nanoTime() - SAMPLE_GAP_NANOS;
        final ConcurrentHashMap<String, LongAdder> sites = new ConcurrentHashMap<>();

        void maybeSample() {
            long now = System.nanoTime();
            // Random, not every n-th: call sites that take turns must not alias with the sampling period.
            if (java.util.concurrent.ThreadLocalRandom.current().nextInt(SAMPLE_EVERY) != 0
                    && now - lastSampleNanos < SAMPLE_GAP_NANOS) {
                return;
            }
            lastSampleNanos = now;
            String site = CallSites.current();
            LongAdder counter = sites.get(site);
            if (counter == null) {
                counter = sites.size() < MAX_SITES ? sites.computeIfAbsent(site, s -> new LongAdder())
                        : sites.computeIfAbsent(OTHER_SITES, s -> new LongAdder());
            }
            counter.increment();
        }
    }
}
