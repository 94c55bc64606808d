package io.github.twpool.internal.churn;

import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnRates;
import io.github.twpool.CloseReason;
import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.internal.probe.HostTcpCounters;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns observations into findings. Pure: no I/O, no clock, no logging, no words, so every rule is unit-tested with
 * numbers; {@link ChurnMessages} words the findings.
 *
 * <p>Churn outside the pool is estimated from four signals, never from one alone, and the largest estimate wins
 * (each is a lower bound of the same thing):
 * <ul>
 *   <li>the JVM's own connects outside twpool's pools, as the caller's source of attribution measured them;</li>
 *   <li>TIME_WAIT sockets to the endpoint: they carry their remaining lifetime, so the census counts connections
 *       closed in the last window without the 60 s lag of "TIME_WAIT / 60" (none where connections end in a reset,
 *       as Connector/J's over TLS; fewer where ports are reused);</li>
 *   <li>the server's {@code Connections}, split by client host where the server can (this host's share), else
 *       bounded by this host's own TCP counters ({@code PassiveOpens} for a local server, {@code ActiveOpens}
 *       otherwise), which are host-wide and so only ever bound, never attribute;</li>
 *   <li>the pool's own closes, so port reuse hiding TIME_WAIT does not hide the pool.</li>
 * </ul>
 * The host's {@code OutRsts} tell whether connections end in resets (TLS) or in TIME_WAIT, and so which cost the
 * warning speaks of.
 */
public final class ChurnDetector {

    /** Linux keeps a socket in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN), whatever tcp_fin_timeout says. */
    static final Duration TIME_WAIT_LENGTH = Duration.ofSeconds(60);
    /** The lifetime a healthy pool's connections have: HikariCP's default maxLifetime. */
    static final Duration HEALTHY_LIFETIME = Duration.ofMinutes(30);
    static final double CAPACITY_WARN_RATIO = 0.8;
    /** How far the server's count of connects may exceed this host's own counters before the rest is another host's. */
    static final double HOST_COUNTER_SKEW = 0.25;
    /**
     * How late the server's count may run against this host's counters: the two are read at different instants, and
     * PostgreSQL's statistics collector reports ended sessions every 500 ms at most. Over a short window that time is
     * a larger share of the rate than {@link #HOST_COUNTER_SKEW} (half of it over one second).
     */
    static final Duration SERVER_COUNT_LAG = Duration.ofMillis(500);
    /**
     * The pool churns when it both opens and closes connections fast over this long: a burst that warms the pool up
     * opens without closing, and overflow retirement comes an idle timeout after the burst that opened it.
     */
    static final Duration POOL_HORIZON = Duration.ofSeconds(60);

    private final DetectorSettings settings;
    private final String endpoint;
    private final int endpointPort;
    private final boolean endpointLocal;
    private final Predicate<String> localClientHost;

    /** Observations of recent ticks, oldest first, for rates over {@link #POOL_HORIZON}. */
    private final ArrayDeque<Observation> history = new ArrayDeque<>();
    private Observation lastTick;
    private Observation lastEvaluated;
    private Observation lastServer;
    private ChurnRates rates = ChurnRates.UNKNOWN;
    private double serverRate = Double.NaN;
    /** This host's connects/s beyond the pool as the server saw them over its last window, NaN when unknown. */
    private double serverLocalOutside = Double.NaN;
    private double timeWaitRate = Double.NaN;
    private Duration timeWaitWindow = Duration.ZERO;
    private List<Finding> censusFindings = List.of();
    private List<Finding> serverFindings = List.of();
    private Finding outsideFinding;

    /** For an endpoint on another host, with client hosts named as literal loopback addresses taken for this host. */
    public ChurnDetector(DetectorSettings settings, String endpoint, int endpointPort) {
        this(settings, endpoint, endpointPort, false, ChurnDetector::isLoopbackName);
    }

    /**
     * @param settings        thresholds, and the pool's shape ({@code null} pool: a watcher without a pool, for
     *                        which every connection is outside)
     * @param endpointLocal   whether the server listens on this host (its clients' opens are then PassiveOpens here)
     * @param localClientHost whether a client host as the server names it is this host
     */
    public ChurnDetector(DetectorSettings settings, String endpoint, int endpointPort, boolean endpointLocal,
                         Predicate<String> localClientHost) {
        this.settings = settings;
        this.endpoint = endpoint;
        this.endpointPort = endpointPort;
        this.endpointLocal = endpointLocal;
        this.localClientHost = localClientHost;
    }

    static boolean isLoopbackName(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("::1"));
    }

    /** The result of one tick: its rates and the findings active now. */
    public record Evaluation(ChurnRates rates, List<Finding> findings, double portUsage) {
        public Evaluation {
            findings = List.copyOf(findings);
        }
    }

    /**
     * The outside-pool finding is decided every tick; pool and port findings on ticks with a fresh census (between
     * scans the last ones stand); server findings when a new server sample arrived.
     */
    public Evaluation evaluate(Observation o) {
        history.addLast(o);
        // Keep the newest sample that is at least POOL_HORIZON old, and everything after it.
        while (history.size() > 2 && o.nanos() - secondOldest().nanos() >= POOL_HORIZON.toNanos()) {
            history.removeFirst();
        }
        if (o.server() != null && (lastServer == null || !o.server().at().equals(lastServer.server().at()))) {
            if (lastServer != null) {
                serverFindings = serverFindings(lastServer, o);
            }
            lastServer = o;
        }
        if (o.census() != null && o.censusFresh()) {
            if (lastEvaluated != null && o.nanos() > lastEvaluated.nanos()) {
                censusFindings = censusFindings(lastEvaluated, o);
            } else {
                censusFindings = portFindings(null, o, Double.NaN);
            }
            lastEvaluated = o;
        }
        Observation prev = lastTick;
        lastTick = o;
        if (prev != null && o.nanos() > prev.nanos()) {
            outsideFinding = outside(prev, o);
        }
        List<Finding> all = new ArrayList<>();
        if (outsideFinding != null) {
            all.add(outsideFinding);
        }
        all.addAll(censusFindings);
        all.addAll(serverFindings);
        return new Evaluation(rates, all, portUsage(o));
    }

    private Finding outside(Observation prev, Observation o) {
        Duration elapsed = Duration.ofNanos(o.nanos() - prev.nanos());
        double seconds = elapsed.toNanos() / 1e9;
        long opened = o.pool().opened() - prev.pool().opened();
        long closed = Math.max(0, opened - (o.pool().total() - prev.pool().total()));
        double poolOpenRate = opened / seconds;
        double poolCloseRate = closed / seconds;

        double jvmRate = o.local().thisJvmRate();
        HostTcpCounters h = o.host();
        HostTcpCounters hp = prev.host();
        double hostOpenRate = Double.NaN;
        double hostResetRate = Double.NaN;
        double endpointSideOpens = Double.NaN;
        if (h.activeOpens() >= 0 && hp.activeOpens() >= 0) {
            hostOpenRate = Math.max(0, h.activeOpens() - hp.activeOpens()) / seconds;
            endpointSideOpens = endpointSideOpens(hp, h) / seconds;
            hostResetRate = h.outRsts() >= 0 && hp.outRsts() >= 0 ? Math.max(0, h.outRsts() - hp.outRsts()) / seconds : Double.NaN;
        }
        // The server's count of this host's connects stands between its samples only while this host's own
        // counters still show connects at that rate: when the churn stops, so does the estimate.
        double serverLocal = serverLocalOutside;
        if (!Double.isNaN(serverLocal) && !Double.isNaN(endpointSideOpens)) {
            serverLocal = Math.min(serverLocal, Math.max(0, endpointSideOpens - poolOpenRate));
        }
        double twOutside = Double.isNaN(timeWaitRate) ? Double.NaN : Math.max(0, timeWaitRate - poolCloseRate);
        double outside = max(twOutside, jvmRate, serverLocal, 0);
        double endpointRate = Math.max(poolCloseRate, outside + poolCloseRate);
        // Sampling gives no rate of its own: the outside rate is this JVM's when the samples name this JVM alone.
        ChurnOrigins.Origin sampled = o.local().sampled().origin();
        double jvmOutside = !Double.isNaN(jvmRate) ? jvmRate : sampled == ChurnOrigins.Origin.THIS_JVM ? outside
                : sampled == ChurnOrigins.Origin.ANOTHER_PROCESS ? 0 : Double.NaN;
        rates = new ChurnRates(endpointRate, poolOpenRate, poolCloseRate, outside, serverRate, elapsed, jvmOutside,
                timeWaitRate, hostOpenRate, hostResetRate);
        if (outside < settings.minRate() || outside <= 0 || endpointRate <= settings.outsideFactor() * poolCloseRate) {
            return null;
        }
        SocketCensus c = o.census() != null ? o.census() : lastEvaluated == null ? null : lastEvaluated.census();
        double twNow = Double.isNaN(timeWaitRate) ? 0 : timeWaitRate;
        Finding.Ending ending = Double.isNaN(hostResetRate) ? (Double.isNaN(timeWaitRate) ? Finding.Ending.UNKNOWN : Finding.Ending.TIME_WAIT)
                : twNow < 0.3 * outside && hostResetRate >= 0.5 * outside ? Finding.Ending.RESET : Finding.Ending.TIME_WAIT;
        return new Finding.OutsidePool(settings.name(), endpoint, endpointPort, settings.pooled(),
                settings.pooled() ? settings.pool().poolSize() : 0, outside, poolOpenRate,
                Duration.ofSeconds(Math.max(1, Math.round(seconds))),
                c == null ? -1 : c.timeWait(), c == null ? -1 : c.timeWaitClient(), c == null ? -1 : c.timeWaitServer(),
                timeWaitRate, timeWaitWindow, o.local(), serverLocal, ending, hostResetRate);
    }

    /**
     * Connects on the endpoint's side of this host's counters between two readings: a local server's clients are
     * PassiveOpens here, a remote server's are this host's ActiveOpens. NaN when unknown.
     */
    private double endpointSideOpens(HostTcpCounters a, HostTcpCounters b) {
        if (a.activeOpens() < 0 || b.activeOpens() < 0) {
            return Double.NaN;
        }
        return endpointLocal && a.passiveOpens() >= 0 && b.passiveOpens() >= 0
                ? Math.max(0, b.passiveOpens() - a.passiveOpens()) : Math.max(0, b.activeOpens() - a.activeOpens());
    }

    private static double max(double... values) {
        double m = Double.NaN;
        for (double v : values) {
            if (!Double.isNaN(v) && (Double.isNaN(m) || v > m)) {
                m = v;
            }
        }
        return m;
    }

    private List<Finding> censusFindings(Observation prev, Observation o) {
        Duration elapsed = Duration.ofNanos(o.nanos() - prev.nanos());
        Duration window = elapsed.compareTo(TIME_WAIT_LENGTH) > 0 ? TIME_WAIT_LENGTH : elapsed;
        SocketCensus c = o.census();
        // The census knows TIME_WAIT ages to the second: count whole seconds and divide by the same.
        long windowSeconds = Math.max(1, Math.min(TIME_WAIT_LENGTH.toSeconds(), (window.toMillis() + 999) / 1000));
        Duration counted = Duration.ofSeconds(windowSeconds);
        int enteredClient = c.clientTimeWaitNewerThan(counted);
        int enteredServer = c.serverTimeWaitNewerThan(counted);
        timeWaitRate = (enteredClient + enteredServer) / (double) windowSeconds;
        timeWaitWindow = counted;

        List<Finding> findings = new ArrayList<>();
        Finding.PoolChurn pool = settings.pooled() ? poolFinding(o, settings.pool()) : null;
        if (pool != null) {
            findings.add(pool);
        }
        findings.addAll(portFindings(prev, o, enteredClient / (double) windowSeconds));
        return findings;
    }

    private Observation secondOldest() {
        Iterator<Observation> it = history.iterator();
        it.next();
        return it.next();
    }

    private Finding.PoolChurn poolFinding(Observation o, DetectorSettings.Pool shape) {
        Observation then = history.peekFirst();
        Duration elapsed = Duration.ofNanos(o.nanos() - then.nanos());
        if (elapsed.isZero() || elapsed.isNegative()) {
            return null;
        }
        long opened = o.pool().opened() - then.pool().opened();
        long closed = opened - (o.pool().total() - then.pool().total());
        // Opening without closing is a pool filling up, not churn.
        double openRate = Math.min(opened, closed) / (elapsed.toNanos() / 1e9);
        double healthy = shape.maxPoolSize() / (double) HEALTHY_LIFETIME.toSeconds();
        if (openRate < settings.minRate() || openRate <= settings.outsideFactor() * healthy) {
            return null;
        }
        Duration recycle = o.pool().recycle();
        double recycleRate = recycle.isZero() ? 0 : o.pool().total() / (double) recycle.toSeconds();
        boolean shortRecycle = !recycle.isZero() && recycle.compareTo(HEALTHY_LIFETIME) < 0;
        int peak = 0;
        for (Observation h : history) {
            peak = Math.max(peak, Math.max(h.pool().peakTotal(), h.pool().total()));
        }
        Map<CloseReason, Long> closes = closesBetween(then.pool(), o.pool());
        String reason = reasonOf(closes);
        if (reason != null) {
            // The pool counted why it closed them: no need to guess from rates.
        } else if (shortRecycle && openRate <= 1.5 * Math.max(recycleRate, shape.poolSize() / (double) recycle.toSeconds())) {
            reason = "recycle";
        } else if (shape.maxOverflow() > 0 && peak > shape.poolSize()) {
            reason = "overflow";
        } else {
            reason = "failures";
        }
        return new Finding.PoolChurn(settings.name(), reason, opened, Duration.ofSeconds(Math.max(1, elapsed.toSeconds())),
                openRate, shape.maxPoolSize(), healthy, recycle, shape.configuredRecycle(), o.pool().total(), recycleRate,
                shape.overflowIdleTimeout(), peak, shape.poolSize(), shape.maxOverflow(), o.pool().failed(), shape.keepalive(),
                closes);
    }

    /** The pool's closes between two observations, by reason; empty when the pool does not count them. */
    private static Map<CloseReason, Long> closesBetween(Observation.PoolCounts then, Observation.PoolCounts now) {
        Map<CloseReason, Long> closes = new EnumMap<>(CloseReason.class);
        for (var e : now.closedByReason().entrySet()) {
            long n = e.getValue() - then.closedByReason().getOrDefault(e.getKey(), 0L);
            if (n > 0) {
                closes.put(e.getKey(), n);
            }
        }
        return closes;
    }

    /**
     * The pool verdict's reason from counted closes: the most frequent of recycle (lifetime), overflow (idle),
     * evicted, and failures (validation, server, broken); {@code null} when nothing was counted. Closing the pool
     * is no churn.
     */
    static String reasonOf(Map<CloseReason, Long> closes) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (var e : closes.entrySet()) {
            String reason = switch (e.getKey()) {
                case LIFETIME -> "recycle";
                case IDLE -> "overflow";
                case EVICTED -> "evicted";
                case VALIDATION, SERVER, BROKEN -> "failures";
                case POOL_CLOSED -> null;
            };
            if (reason != null) {
                byReason.merge(reason, e.getValue(), Long::sum);
            }
        }
        return byReason.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /**
     * Ports are a risk while there is something to do about them: when new connections at the current rate would
     * hold the whole range (each holds its port for 60 s in TIME_WAIT), or when sockets to the endpoint hold a large
     * share of it and that share still grows. A past burst's TIME_WAIT draining with no new connections is neither:
     * it frees the ports by itself.
     *
     * @param prev       the previous census's observation, or {@code null} on the first
     * @param clientRate client-side connections/s that entered TIME_WAIT over the census window, NaN when unknown
     */
    private List<Finding> portFindings(Observation prev, Observation o, double clientRate) {
        KernelSettings k = o.kernel();
        SocketCensus c = o.census();
        double usage = portUsage(o);
        if (k == null || c == null || Double.isNaN(usage) || Double.isNaN(clientRate)) {
            return List.of();
        }
        int used = c.timeWaitClient() + c.establishedClient();
        boolean exhausting = clientRate * TIME_WAIT_LENGTH.toSeconds() + c.establishedClient() >= k.ephemeralPorts();
        SocketCensus before = prev == null ? null : prev.census();
        boolean rising = before != null && used > before.timeWaitClient() + before.establishedClient()
                && clientRate >= settings.minRate();
        if (!exhausting && !(rising && usage >= settings.portWarnRatio())) {
            return List.of();
        }
        return List.of(new Finding.PortExhaustion(settings.name(), endpoint,
                used, k.ephemeralPorts(), usage, c.timeWaitClient(),
                c.establishedClient(), clientRate, k.tcpTwReuse(), k.portRangeLow(), k.portRangeHigh(), o.local()));
    }

    private List<Finding> serverFindings(Observation prev, Observation o) {
        ServerStatus a = prev.server();
        ServerStatus b = o.server();
        double seconds = Duration.between(a.at(), b.at()).toNanos() / 1e9;
        if (seconds <= 0) {
            return serverFindings;
        }
        List<Finding> findings = new ArrayList<>();
        long accepted = b.connectionsTotal() - a.connectionsTotal();
        long poolOpened = o.ownOpenedAtServerSample() - prev.ownOpenedAtServerSample();
        serverLocalOutside = Double.NaN;
        if (a.connectionsTotal() >= 0 && accepted >= 0) {
            serverRate = accepted / seconds;
            double poolRate = poolOpened / seconds;
            // The status query's own connection is pooled; everything else the server accepted came from elsewhere.
            double others = Math.max(0, (accepted - poolOpened) / seconds);
            Finding.HostAttribution attribution;
            double thisHost;
            double otherHosts;
            Map<String, Double> named = new LinkedHashMap<>();
            // A client the server lists under no host name (MariaDB with skip-grant-tables or skip-name-resolve
            // lists every client under "") is neither this host nor another: its connects are not attributed by host.
            if (a.connectionsByClientHost() != null && b.connectionsByClientHost() != null
                    && !unnamedHostGrew(a.connectionsByClientHost(), b.connectionsByClientHost())) {
                attribution = Finding.HostAttribution.PER_HOST;
                double local = 0;
                double remote = 0;
                Map<String, Double> remoteByHost = new HashMap<>();
                for (var e : b.connectionsByClientHost().entrySet()) {
                    long before = a.connectionsByClientHost().getOrDefault(e.getKey(), 0L);
                    double rate = Math.max(0, e.getValue() - before) / seconds;
                    if (localClientHost.test(e.getKey())) {
                        local += rate;
                    } else if (rate > 0) {
                        remote += rate;
                        remoteByHost.put(e.getKey(), rate);
                    }
                }
                // Per-host counts may be updated late (MariaDB's userstat at statement or connection end): never
                // credit a window with more than the server's own Connections grew by in it.
                thisHost = Math.min(others, Math.max(0, local - poolRate));
                otherHosts = Math.min(remote, Math.max(0, others - thisHost));
                remoteByHost.entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
                        .limit(5).forEach(e -> named.put(e.getKey(), e.getValue()));
            } else if (!Double.isNaN(endpointSideOpens(prev.host(), o.host()))) {
                // Host-wide counters only bound this host's share: whatever exceeds them cannot come from here.
                attribution = Finding.HostAttribution.HOST_COUNTERS;
                double hostRate = endpointSideOpens(prev.host(), o.host()) / seconds;
                thisHost = Math.min(others, Math.max(0, hostRate - poolRate));
                // The server's counter and this host's are read at different instants (and PostgreSQL 14's
                // statistics collector counts sessions late): at a steady local rate the two windows differ by a
                // fraction of it, the larger the shorter the window. Only an excess beyond that is another host's.
                double excess = others - thisHost;
                double lag = Math.max(HOST_COUNTER_SKEW, SERVER_COUNT_LAG.toNanos() / 1e9 / seconds);
                otherHosts = excess > lag * thisHost ? excess : 0;
            } else {
                attribution = Finding.HostAttribution.UNKNOWN;
                thisHost = Double.NaN;
                otherHosts = Double.NaN;
            }
            serverLocalOutside = attribution == Finding.HostAttribution.UNKNOWN ? Double.NaN : thisHost;
            double unexplained = attribution == Finding.HostAttribution.UNKNOWN ? others : otherHosts;
            if (unexplained >= settings.minRate() && serverRate > settings.outsideFactor() * poolRate) {
                findings.add(new Finding.ServerChurn(settings.name(), endpoint, settings.pooled(), serverRate, accepted,
                        Math.round(seconds), poolRate, thisHost, otherHosts, named, attribution,
                        b.connectionsByClientHost() == null ? b.byClientHostMissing() : null));
            }
        }
        if (b.maxConnections() > 0 && b.threadsConnected() >= 0
                && b.threadsConnected() >= CAPACITY_WARN_RATIO * b.maxConnections()) {
            findings.add(new Finding.ServerCapacity(settings.name(), endpoint, b.threadsConnected(),
                    b.maxConnections(), settings.pooled() ? settings.pool().maxPoolSize() : 0));
        }
        long aborted = b.abortedClients() - a.abortedClients();
        if (a.abortedClients() >= 0 && aborted > 0 && aborted / seconds * 60 >= 1) {
            findings.add(new Finding.AbortedClients(settings.name(), endpoint, aborted,
                    Math.round(seconds), b.waitTimeoutSeconds()));
        }
        return findings;
    }

    private static boolean unnamedHostGrew(Map<String, Long> before, Map<String, Long> after) {
        for (var e : after.entrySet()) {
            if ((e.getKey() == null || e.getKey().isBlank()) && e.getValue() > before.getOrDefault(e.getKey(), 0L)) {
                return true;
            }
        }
        return false;
    }

    private static double portUsage(Observation o) {
        if (o.kernel() == null || o.census() == null || o.kernel().ephemeralPorts() <= 0) {
            return Double.NaN;
        }
        return (o.census().timeWaitClient() + o.census().establishedClient()) / (double) o.kernel().ephemeralPorts();
    }
}
