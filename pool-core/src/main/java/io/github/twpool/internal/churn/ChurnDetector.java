package io.github.twpool.internal.churn;

import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnRates;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.internal.EffectiveSettings;
import io.github.twpool.internal.probe.HostTcpCounters;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns observations into findings. Pure: no I/O, no clock, no logging, so every rule is unit-tested with numbers;
 * {@link ChurnWarnings} words them.
 *
 * <p>Churn outside the pool is estimated from three signals, never from one alone, and the largest estimate wins
 * (each is a lower bound of the same thing):
 * <ul>
 *   <li>TIME_WAIT sockets to the endpoint: they carry their remaining lifetime, so the census counts connections
 *       closed in the last window without the 60 s lag of "TIME_WAIT / 60" (none where connections end in a reset,
 *       as Connector/J's over TLS; fewer where ports are reused);</li>
 *   <li>the server's {@code Connections}, split by client host where the server can (this host's share), else
 *       bounded by this host's own TCP counters ({@code PassiveOpens} for a local server, {@code ActiveOpens}
 *       otherwise), which are host-wide and so only ever bound, never attribute;</li>
 *   <li>the pool's own closes, so port reuse hiding TIME_WAIT does not hide the pool.</li>
 * </ul>
 * The host's {@code OutRsts} tell whether connections end in resets (TLS) or in TIME_WAIT, and so which cost the
 * warning speaks of. Who opens them (this JVM, with its call sites, or another process) comes sampled with the
 * observation ({@link ChurnOrigins}); the rate is given to one of them only when the samples name it.
 */
public final class ChurnDetector {

    /** Linux keeps a socket in TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN), whatever tcp_fin_timeout says. */
    static final Duration TIME_WAIT_LENGTH = Duration.ofSeconds(60);
    /** The lifetime a healthy pool's connections have: HikariCP's default maxLifetime. */
    static final Duration HEALTHY_LIFETIME = Duration.ofMinutes(30);
    static final double CAPACITY_WARN_RATIO = 0.8;
    /**
     * The pool churns when it both opens and closes connections fast over this long: a burst that warms the pool up
     * opens without closing, and overflow retirement comes an idle timeout after the burst that opened it.
     */
    static final Duration POOL_HORIZON = Duration.ofSeconds(60);
    /** Call sites named in a warning. */
    static final int TOP_SITES = 3;
    static final String BY_TIME_WAIT = "TIME_WAIT sockets to the endpoint";
    static final String BY_SERVER = "the server's count of this host's connections, bounded by this host's TCP counters";

    private final TwPoolConfig config;
    private final EffectiveSettings settings;
    private final String endpoint;
    private final int endpointPort;
    private final boolean endpointLocal;
    private final Predicate<String> localClientHost;
    /** False for a watcher without a pool ({@link #withoutPool}); set once, before the first tick. */
    private boolean pooled = true;

    /** Pool counters of recent ticks, oldest first, for rates over {@link #POOL_HORIZON}. */
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
    private int enteredClient;
    private double lastUnexplainedHostOpens = Double.NaN;
    private List<ChurnVerdict> censusVerdicts = List.of();
    private List<ChurnVerdict> serverVerdicts = List.of();
    private ChurnVerdict outsideVerdict;
    private ChurnOrigins origins = ChurnOrigins.NOT_SAMPLED;

    /** For an endpoint on another host, with client hosts named as literal loopback addresses taken for this host. */
    public ChurnDetector(TwPoolConfig config, String endpoint, int endpointPort) {
        this(EffectiveSettings.configured(config), endpoint, endpointPort);
    }

    /** As above, judging recycle by the pool's effective value, which a clamp under wait_timeout may have lowered. */
    public ChurnDetector(EffectiveSettings settings, String endpoint, int endpointPort) {
        this(settings, endpoint, endpointPort, false, ChurnDetector::isLoopbackName);
    }

    /**
     * @param endpointLocal   whether the server listens on this host (its clients' opens are then PassiveOpens here)
     * @param localClientHost whether a client host as the server names it is this host
     */
    public ChurnDetector(TwPoolConfig config, String endpoint, int endpointPort, boolean endpointLocal,
                         Predicate<String> localClientHost) {
        this(EffectiveSettings.configured(config), endpoint, endpointPort, endpointLocal, localClientHost);
    }

    /** The pool's detector: recycle as the pool really has it (see {@link EffectiveSettings}). */
    public ChurnDetector(EffectiveSettings settings, String endpoint, int endpointPort, boolean endpointLocal,
                         Predicate<String> localClientHost) {
        this.config = settings.config();
        this.settings = settings;
        this.endpoint = endpoint;
        this.endpointPort = endpointPort;
        this.endpointLocal = endpointLocal;
        this.localClientHost = localClientHost;
    }

    /**
     * For a watcher without a pool (the sidecar): every connection is outside, and the warnings speak of the clients
     * that connect rather than of a pool to send them through.
     */
    public static ChurnDetector withoutPool(TwPoolConfig config, String endpoint, int endpointPort, boolean endpointLocal,
                                            Predicate<String> localClientHost) {
        ChurnDetector d = new ChurnDetector(config, endpoint, endpointPort, endpointLocal, localClientHost);
        d.pooled = false;
        return d;
    }

    static boolean isLoopbackName(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("::1"));
    }

    /** The result of one tick. */
    public record Evaluation(ChurnRates rates, List<ChurnVerdict> verdicts, double portUsage, ChurnOrigins origins) {
        public Evaluation(ChurnRates rates, List<ChurnVerdict> verdicts, double portUsage) {
            this(rates, verdicts, portUsage, ChurnOrigins.NOT_SAMPLED);
        }

        public List<ChurnReport.CallSite> callSites() {
            return origins.callSites();
        }
    }

    /**
     * Connections/s this host opened (or a local server accepted) on the last tick that this pool does not explain,
     * NaN when unknown: worth a fresh look at the server's count.
     */
    public double unexplainedHostOpens() {
        return lastUnexplainedHostOpens;
    }

    /**
     * The outside-pool verdict is decided every tick; pool and port verdicts on ticks with a fresh census (between
     * scans the last ones stand); server verdicts when a new server sample arrived.
     */
    public Evaluation evaluate(Observation o) {
        history.addLast(o);
        // Keep the newest sample that is at least POOL_HORIZON old, and everything after it.
        while (history.size() > 2 && o.nanos() - secondOldest().nanos() >= POOL_HORIZON.toNanos()) {
            history.removeFirst();
        }
        if (o.server() != null && (lastServer == null || !o.server().at().equals(lastServer.server().at()))) {
            if (lastServer != null) {
                serverVerdicts = serverVerdicts(lastServer, o);
            }
            lastServer = o;
        }
        if (o.census() != null && o.censusFresh()) {
            if (lastEvaluated != null && o.nanos() > lastEvaluated.nanos()) {
                censusVerdicts = censusVerdicts(lastEvaluated, o);
            } else {
                censusVerdicts = portVerdicts(o, Double.NaN);
            }
            lastEvaluated = o;
        }
        Observation prev = lastTick;
        lastTick = o;
        if (prev != null && o.nanos() > prev.nanos()) {
            outsideVerdict = outside(prev, o);
        }
        List<ChurnVerdict> all = new ArrayList<>();
        if (outsideVerdict != null) {
            all.add(outsideVerdict);
        }
        all.addAll(censusVerdicts);
        all.addAll(serverVerdicts);
        return new Evaluation(rates, List.copyOf(all), portUsage(o), origins);
    }

    private ChurnVerdict outside(Observation prev, Observation o) {
        Duration elapsed = Duration.ofNanos(o.nanos() - prev.nanos());
        double seconds = elapsed.toNanos() / 1e9;
        long opened = o.poolOpened() - prev.poolOpened();
        long closed = Math.max(0, opened - (o.poolTotal() - prev.poolTotal()));
        double poolOpenRate = opened / seconds;
        double poolCloseRate = closed / seconds;

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
        lastUnexplainedHostOpens = Double.isNaN(endpointSideOpens) ? Double.NaN
                : endpointSideOpens - poolOpenRate;

        // The server's count of this host's connects stands between its samples only while this host's own
        // counters still show connects at that rate: when the churn stops, so does the estimate.
        double serverLocal = serverLocalOutside;
        if (!Double.isNaN(serverLocal) && !Double.isNaN(endpointSideOpens)) {
            serverLocal = Math.min(serverLocal, Math.max(0, endpointSideOpens - poolOpenRate));
        }
        double twOutside = Double.isNaN(timeWaitRate) ? Double.NaN : Math.max(0, timeWaitRate - poolCloseRate);
        double outside = max(twOutside, serverLocal, 0);
        String rateMethod = !Double.isNaN(serverLocal) && serverLocal >= outside && serverLocal > 0 ? BY_SERVER
                : !Double.isNaN(twOutside) && twOutside > 0 ? BY_TIME_WAIT : null;
        origins = (o.origins() == null ? ChurnOrigins.NOT_SAMPLED : o.origins()).withRate(outside, rateMethod);
        double endpointRate = Math.max(poolCloseRate, outside + poolCloseRate);
        rates = new ChurnRates(endpointRate, poolOpenRate, poolCloseRate, outside, serverRate, elapsed,
                origins.thisJvmRate(), timeWaitRate, hostOpenRate, hostResetRate);
        if (outside < config.churnMinRate() || outside <= 0 || endpointRate <= config.churnOutsideFactor() * poolCloseRate) {
            return null;
        }
        SocketCensus c = o.census() != null ? o.census() : lastEvaluated == null ? null : lastEvaluated.census();
        double twNow = Double.isNaN(timeWaitRate) ? 0 : timeWaitRate;
        Finding.Ending ending = Double.isNaN(hostResetRate) ? (Double.isNaN(timeWaitRate) ? Finding.Ending.UNKNOWN : Finding.Ending.TIME_WAIT)
                : twNow < 0.3 * outside && hostResetRate >= 0.5 * outside ? Finding.Ending.RESET : Finding.Ending.TIME_WAIT;
        return ChurnWarnings.render(new Finding.OutsidePool(config.name(), endpoint, endpointPort, pooled ? config.poolSize() : 0, outside,
                poolOpenRate, Duration.ofSeconds(Math.max(1, Math.round(seconds))),
                c == null ? -1 : c.timeWait(), c == null ? -1 : c.timeWaitClient(), c == null ? -1 : c.timeWaitServer(),
                timeWaitRate, timeWaitWindow, origins, serverLocal, ending, hostResetRate));
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

    private List<ChurnVerdict> censusVerdicts(Observation prev, Observation o) {
        Duration elapsed = Duration.ofNanos(o.nanos() - prev.nanos());
        Duration window = elapsed.compareTo(TIME_WAIT_LENGTH) > 0 ? TIME_WAIT_LENGTH : elapsed;
        SocketCensus c = o.census();
        // The census knows TIME_WAIT ages to the second: count whole seconds and divide by the same.
        long windowSeconds = Math.max(1, Math.min(TIME_WAIT_LENGTH.toSeconds(), (window.toMillis() + 999) / 1000));
        Duration counted = Duration.ofSeconds(windowSeconds);
        enteredClient = c.clientTimeWaitNewerThan(counted);
        int enteredServer = c.serverTimeWaitNewerThan(counted);
        timeWaitRate = (enteredClient + enteredServer) / (double) windowSeconds;
        timeWaitWindow = counted;

        List<ChurnVerdict> verdicts = new ArrayList<>();
        Finding.PoolChurn pool = poolFinding(o);
        if (pool != null) {
            verdicts.add(ChurnWarnings.render(pool));
        }
        verdicts.addAll(portVerdicts(o, enteredClient / (double) windowSeconds));
        return verdicts;
    }

    private Observation secondOldest() {
        Iterator<Observation> it = history.iterator();
        it.next();
        return it.next();
    }

    private Finding.PoolChurn poolFinding(Observation o) {
        Observation then = history.peekFirst();
        Duration elapsed = Duration.ofNanos(o.nanos() - then.nanos());
        if (elapsed.isZero() || elapsed.isNegative()) {
            return null;
        }
        long opened = o.poolOpened() - then.poolOpened();
        long closed = opened - (o.poolTotal() - then.poolTotal());
        // Opening without closing is a pool filling up, not churn.
        double openRate = Math.min(opened, closed) / (elapsed.toNanos() / 1e9);
        double healthy = config.maxPoolSize() / (double) HEALTHY_LIFETIME.toSeconds();
        if (openRate < config.churnMinRate() || openRate <= config.churnOutsideFactor() * healthy) {
            return null;
        }
        Duration recycle = settings.recycle();
        double recycleRate = recycle.isZero() ? 0 : o.poolTotal() / (double) recycle.toSeconds();
        boolean shortRecycle = !recycle.isZero() && recycle.compareTo(HEALTHY_LIFETIME) < 0;
        int peak = 0;
        for (Observation h : history) {
            peak = Math.max(peak, Math.max(h.poolPeakTotal(), h.poolTotal()));
        }
        String reason;
        if (shortRecycle && openRate <= 1.5 * Math.max(recycleRate, config.poolSize() / (double) recycle.toSeconds())) {
            reason = "recycle";
        } else if (config.maxOverflow() > 0 && peak > config.poolSize()) {
            reason = "overflow";
        } else {
            reason = "failures";
        }
        return new Finding.PoolChurn(config.name(), reason, opened, Duration.ofSeconds(Math.max(1, elapsed.toSeconds())),
                openRate, config.maxPoolSize(), healthy, recycle, settings.recycleShortened(), settings.describeRecycle(),
                o.poolTotal(), recycleRate,
                config.overflowIdleTimeout(), peak, config.poolSize(), config.maxOverflow(), o.poolFailed(), config.keepalive());
    }

    private List<ChurnVerdict> portVerdicts(Observation o, double clientRate) {
        KernelSettings k = o.kernel();
        SocketCensus c = o.census();
        double usage = portUsage(o);
        if (k == null || c == null || Double.isNaN(usage) || usage < config.churnPortWarnRatio()) {
            return List.of();
        }
        return List.of(ChurnWarnings.render(new Finding.PortExhaustion(config.name(), endpoint,
                c.timeWaitClient() + c.establishedClient(), k.ephemeralPorts(), usage, c.timeWaitClient(),
                c.establishedClient(), clientRate, k.tcpTwReuse(), k.portRangeLow(), k.portRangeHigh())));
    }

    private List<ChurnVerdict> serverVerdicts(Observation prev, Observation o) {
        ServerStatus a = prev.server();
        ServerStatus b = o.server();
        double seconds = Duration.between(a.at(), b.at()).toNanos() / 1e9;
        if (seconds <= 0) {
            return serverVerdicts;
        }
        List<ChurnVerdict> verdicts = new ArrayList<>();
        long accepted = b.connectionsTotal() - a.connectionsTotal();
        long poolOpened = o.poolOpenedAtServerSample() - prev.poolOpenedAtServerSample();
        serverLocalOutside = Double.NaN;
        if (a.connectionsTotal() >= 0 && accepted >= 0) {
            serverRate = accepted / seconds;
            double poolRate = poolOpened / seconds;
            // The status query's own connection is pooled; everything else the server accepted came from elsewhere.
            double others = Math.max(0, (accepted - poolOpened) / seconds);
            Finding.Attribution attribution;
            double thisHost;
            double otherHosts;
            Map<String, Double> named = new LinkedHashMap<>();
            // A client the server lists under no host name (MariaDB with skip-grant-tables or skip-name-resolve
            // lists every client under "") is neither this host nor another: its connects are not attributed by host.
            if (a.connectionsByClientHost() != null && b.connectionsByClientHost() != null
                    && !unnamedHostGrew(a.connectionsByClientHost(), b.connectionsByClientHost())) {
                attribution = Finding.Attribution.PER_HOST;
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
                attribution = Finding.Attribution.HOST_COUNTERS;
                double hostRate = endpointSideOpens(prev.host(), o.host()) / seconds;
                thisHost = Math.min(others, Math.max(0, hostRate - poolRate));
                otherHosts = Math.max(0, others - thisHost);
            } else {
                attribution = Finding.Attribution.UNKNOWN;
                thisHost = Double.NaN;
                otherHosts = Double.NaN;
            }
            serverLocalOutside = attribution == Finding.Attribution.UNKNOWN ? Double.NaN : thisHost;
            double unexplained = attribution == Finding.Attribution.UNKNOWN ? others : otherHosts;
            if (unexplained >= config.churnMinRate() && serverRate > config.churnOutsideFactor() * poolRate) {
                verdicts.add(ChurnWarnings.render(new Finding.ServerChurn(config.name(), endpoint, serverRate, accepted,
                        Math.round(seconds), poolRate, thisHost, otherHosts, named, attribution,
                        b.connectionsByClientHost() == null ? b.byClientHostMissing() : null)));
            }
        }
        if (b.maxConnections() > 0 && b.threadsConnected() >= 0
                && b.threadsConnected() >= CAPACITY_WARN_RATIO * b.maxConnections()) {
            verdicts.add(ChurnWarnings.render(new Finding.ServerCapacity(config.name(), endpoint, b.threadsConnected(),
                    b.maxConnections(), config.maxPoolSize())));
        }
        long aborted = b.abortedClients() - a.abortedClients();
        if (a.abortedClients() >= 0 && aborted > 0 && aborted / seconds * 60 >= 1) {
            verdicts.add(ChurnWarnings.render(new Finding.AbortedClients(config.name(), endpoint, aborted,
                    Math.round(seconds), b.waitTimeoutSeconds())));
        }
        return verdicts;
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
