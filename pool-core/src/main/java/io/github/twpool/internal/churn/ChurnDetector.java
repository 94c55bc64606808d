package io.github.twpool.internal.churn;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnRates;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.internal.Durations;
import io.github.twpool.internal.EffectiveSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns observations into verdicts. Pure: no I/O, no clock, no logging, so every rule is unit-tested with numbers.
 *
 * <p>Rates come from three sources, never from one alone. TIME_WAIT sockets carry their remaining lifetime, so the
 * census counts connections to the endpoint closed in the last window exactly, without the 60 s lag of
 * "TIME_WAIT / 60". Where the kernel reuses TIME_WAIT ports ({@code tcp_tw_reuse}) that count understates, so the
 * pool's own closes are a floor. The server's {@code Connections} counter adds what no local census can see.
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

    private final TwPoolConfig config;
    private final EffectiveSettings settings;
    private final String endpoint;
    private final int endpointPort;

    /** Pool counters of recent ticks, oldest first, for rates over {@link #POOL_HORIZON}. */
    private final java.util.ArrayDeque<Observation> history = new java.util.ArrayDeque<>();
    private Observation lastEvaluated;
    private Observation lastServer;
    private ChurnRates rates = ChurnRates.UNKNOWN;
    private double serverRate = Double.NaN;
    private List<ChurnVerdict> localVerdicts = List.of();
    private List<ChurnVerdict> serverVerdicts = List.of();

    public ChurnDetector(TwPoolConfig config, String endpoint, int endpointPort) {
        this(EffectiveSettings.configured(config), endpoint, endpointPort);
    }

    /** Judges recycle by the pool's effective value, which a clamp under wait_timeout may have lowered. */
    public ChurnDetector(EffectiveSettings settings, String endpoint, int endpointPort) {
        this.config = settings.config();
        this.settings = settings;
        this.endpoint = endpoint;
        this.endpointPort = endpointPort;
    }

    /** The result of one tick. */
    public record Evaluation(ChurnRates rates, List<ChurnVerdict> verdicts, double portUsage) {
    }

    /**
     * Local verdicts change only on ticks with a fresh census (between scans the last ones stand); server verdicts
     * only when a new server sample arrived.
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
                localVerdicts = localVerdicts(lastEvaluated, o);
            } else {
                localVerdicts = portVerdicts(o, Double.NaN);
            }
            lastEvaluated = o;
        }
        List<ChurnVerdict> all = new ArrayList<>(localVerdicts);
        all.addAll(serverVerdicts);
        return new Evaluation(rates, List.copyOf(all), portUsage(o));
    }

    private List<ChurnVerdict> localVerdicts(Observation prev, Observation o) {
        Duration elapsed = Duration.ofNanos(o.nanos() - prev.nanos());
        Duration window = elapsed.compareTo(TIME_WAIT_LENGTH) > 0 ? TIME_WAIT_LENGTH : elapsed;
        double seconds = elapsed.toNanos() / 1e9;
        long opened = o.poolOpened() - prev.poolOpened();
        long closed = Math.max(0, opened - (o.poolTotal() - prev.poolTotal()));
        double poolOpenRate = opened / seconds;
        double poolCloseRate = closed / seconds;
        SocketCensus c = o.census();
        // The census knows TIME_WAIT ages to the second: count whole seconds and divide by the same.
        long windowSeconds = Math.max(1, Math.min(TIME_WAIT_LENGTH.toSeconds(), (window.toMillis() + 999) / 1000));
        Duration counted = Duration.ofSeconds(windowSeconds);
        int enteredClient = c.clientTimeWaitNewerThan(counted);
        int enteredServer = c.serverTimeWaitNewerThan(counted);
        double twRate = (enteredClient + enteredServer) / (double) windowSeconds;
        double endpointRate = Math.max(twRate, poolCloseRate);
        double outside = Math.max(0, endpointRate - poolCloseRate);
        rates = new ChurnRates(endpointRate, poolOpenRate, poolCloseRate, outside, serverRate, elapsed);

        List<ChurnVerdict> verdicts = new ArrayList<>();
        if (endpointRate >= config.churnMinRate() && outside > 0
                && endpointRate > config.churnOutsideFactor() * poolCloseRate) {
            verdicts.add(new ChurnVerdict(ChurnCause.OUTSIDE_POOL, null, String.format(Locale.ROOT,
                    "twpool '%s': churn outside this pool towards %s: %d sockets in TIME_WAIT (client side %d, server side %d), "
                            + "~%.1f new connections/s over the last %s, of which this pool opened %.1f/s. Something else opens "
                            + "and closes a connection per request: code calling DriverManager.getConnection, a second unpooled "
                            + "DataSource, or another process on this host (find it: ss -tanp '( dport = :%d or sport = :%d )'). "
                            + "Fix: send that traffic through this pool, which keeps %d connections open for reuse.",
                    config.name(), endpoint, c.timeWait(), c.timeWaitClient(), c.timeWaitServer(), endpointRate,
                    Durations.format(counted), poolOpenRate,
                    endpointPort, endpointPort, config.poolSize())));
        }
        ChurnVerdict pool = poolVerdict(o);
        if (pool != null) {
            verdicts.add(pool);
        }
        double clientRate = enteredClient / (double) windowSeconds;
        verdicts.addAll(portVerdicts(o, clientRate));
        return verdicts;
    }

    private Observation secondOldest() {
        java.util.Iterator<Observation> it = history.iterator();
        it.next();
        return it.next();
    }

    private ChurnVerdict poolVerdict(Observation o) {
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
        String head = String.format(Locale.ROOT, "twpool '%s': this pool churns: it opened %d connections in the last %s "
                        + "(%.1f/s; a pool of %d with a healthy lifetime opens about %.3f/s). ",
                config.name(), opened, Durations.format(Duration.ofSeconds(Math.max(1, elapsed.toSeconds()))),
                openRate, config.maxPoolSize(), healthy);
        Duration recycle = settings.recycle();
        double recycleRate = recycle.isZero() ? 0 : o.poolTotal() / (double) recycle.toSeconds();
        boolean shortRecycle = !recycle.isZero() && recycle.compareTo(HEALTHY_LIFETIME) < 0;
        if (shortRecycle && openRate <= 1.5 * Math.max(recycleRate, config.poolSize() / (double) recycle.toSeconds())) {
            String fix = settings.recycleShortened()
                    ? "Fix: raise the server's wait_timeout above the configured recycle (globally, or for this pool "
                    + "with twpool.driver.sessionVariables=wait_timeout=3600), so that recycle is not shortened."
                    : "Fix: raise recycle to a few minutes under the server's wait_timeout (e.g. 30m).";
            return new ChurnVerdict(ChurnCause.POOL, "recycle", head + String.format(Locale.ROOT,
                    "Connections reach recycle=%s and are reopened: %d connections every %s is %.1f/s. %s",
                    settings.describeRecycle(), o.poolTotal(), Durations.format(recycle), recycleRate, fix));
        }
        int peak = 0;
        for (Observation h : history) {
            peak = Math.max(peak, Math.max(h.poolPeakTotal(), h.poolTotal()));
        }
        if (config.maxOverflow() > 0 && peak > config.poolSize()) {
            return new ChurnVerdict(ChurnCause.POOL, "overflow", head + String.format(Locale.ROOT,
                    "Overflow connections retire after overflow-idle-timeout=%s and the next burst opens them again "
                            + "(the pool peaked at %d connections, pool-size=%d, max-overflow=%d). Fix: raise pool-size to the "
                            + "load's concurrency (%d) or lengthen overflow-idle-timeout beyond the gap between bursts.",
                    Durations.format(config.overflowIdleTimeout()), peak, config.poolSize(),
                    config.maxOverflow(), peak));
        }
        return new ChurnVerdict(ChurnCause.POOL, "failures", head + String.format(Locale.ROOT,
                "They are not retiring by age or idleness: connections fail validation or are closed by the server or the "
                        + "network (%d failed connection attempts so far). Check the server's wait_timeout and "
                        + "max_connections, KILLs and firewall idle timeouts; keepalive=%s keeps idle connections alive.",
                o.poolFailed(), config.keepalive().isZero() ? "off" : Durations.format(config.keepalive())));
    }

    private List<ChurnVerdict> portVerdicts(Observation o, double clientRate) {
        KernelSettings k = o.kernel();
        SocketCensus c = o.census();
        double usage = portUsage(o);
        if (k == null || c == null || Double.isNaN(usage) || usage < config.churnPortWarnRatio()) {
            return List.of();
        }
        int range = k.ephemeralPorts();
        int used = c.timeWaitClient() + c.establishedClient();
        String outlook;
        if (Double.isNaN(clientRate) || clientRate <= 0) {
            outlook = "";
        } else {
            double steady = clientRate * TIME_WAIT_LENGTH.toSeconds() + c.establishedClient();
            outlook = steady >= range
                    ? String.format(Locale.ROOT, " New connections at ~%.0f/s each hold a port for 60 s in TIME_WAIT: the range "
                    + "is used up in ~%ds (it lasts only below %.0f/s).", clientRate,
                    Math.max(1, Math.round((range - used) / clientRate)), range / (double) TIME_WAIT_LENGTH.toSeconds())
                    : String.format(Locale.ROOT, " New connections at ~%.0f/s each hold a port for 60 s in TIME_WAIT: usage "
                    + "levels off near %.0f%% (the range is used up above %.0f/s).", clientRate, 100 * steady / range,
                    range / (double) TIME_WAIT_LENGTH.toSeconds());
        }
        String reuse = switch (k.tcpTwReuse()) {
            case 0 -> "tcp_tw_reuse=0: setting it to 1 lets outgoing connections reuse TIME_WAIT ports (needs tcp_timestamps=1)";
            case 1 -> "tcp_tw_reuse=1 already lets outgoing connections reuse TIME_WAIT ports";
            case 2 -> "tcp_tw_reuse=2 lets only loopback connections reuse TIME_WAIT ports; 1 extends that to all outgoing ones (needs tcp_timestamps=1)";
            default -> "tcp_tw_reuse is unknown";
        };
        return List.of(new ChurnVerdict(ChurnCause.PORT_EXHAUSTION, null, String.format(Locale.ROOT,
                "twpool '%s': ephemeral ports towards %s running out: %d of %d ports (%.0f%%) held by sockets to it "
                        + "(TIME_WAIT %d, ESTABLISHED %d).%s Connects then fail with 'Cannot assign requested address'. "
                        + "Fix: pool these connections; %s; widening ip_local_port_range (%d-%d) only buys time.",
                config.name(), endpoint, used, range, 100 * usage, c.timeWaitClient(), c.establishedClient(), outlook,
                reuse, k.portRangeLow(), k.portRangeHigh())));
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
        if (a.connectionsTotal() >= 0 && accepted >= 0) {
            serverRate = accepted / seconds;
            // The status query's own connection is pooled; everything else the server accepted came from elsewhere.
            double others = Math.max(0, (accepted - poolOpened) / seconds);
            double poolRate = poolOpened / seconds;
            double local = Double.isNaN(rates.outside()) ? 0 : rates.outside();
            if (others >= config.churnMinRate() && serverRate > config.churnOutsideFactor() * poolRate) {
                verdicts.add(new ChurnVerdict(ChurnCause.SERVER_CHURN, null, String.format(Locale.ROOT,
                        "twpool '%s': the server behind %s accepts ~%.1f new connections/s (Connections grew by %d in %ds) "
                                + "while this pool opened %.1f/s; about %.1f/s of the rest is visible on this host. %s "
                                + "Fix: pool those clients too; each new connection costs the server a thread and a handshake.",
                        config.name(), endpoint, serverRate, accepted, Math.round(seconds), poolRate, Math.min(local, others),
                        others > 1.5 * local ? "Other hosts or applications connect per request, beyond this host's census."
                                : "Most of it comes from this host (see the outside-pool warning).")));
            }
        }
        if (b.maxConnections() > 0 && b.threadsConnected() >= 0
                && b.threadsConnected() >= CAPACITY_WARN_RATIO * b.maxConnections()) {
            verdicts.add(new ChurnVerdict(ChurnCause.SERVER_CAPACITY, null, String.format(Locale.ROOT,
                    "twpool '%s': the server behind %s holds %d connections of max_connections=%d (%.0f%%); this pool may "
                            + "hold up to %d. Instances x %d must stay below %d: lower pool-size/max-overflow, or raise max_connections.",
                    config.name(), endpoint, b.threadsConnected(), b.maxConnections(),
                    100.0 * b.threadsConnected() / b.maxConnections(), config.maxPoolSize(), config.maxPoolSize(), b.maxConnections())));
        }
        long aborted = b.abortedClients() - a.abortedClients();
        if (a.abortedClients() >= 0 && aborted > 0 && aborted / seconds * 60 >= 1) {
            verdicts.add(new ChurnVerdict(ChurnCause.ABORTED_CLIENTS, null, String.format(Locale.ROOT,
                    "twpool '%s': the server behind %s counted %d aborted clients in %ds (Aborted_clients): connections "
                            + "dropped without a proper close, by applications that exit without closing or by wait_timeout "
                            + "(%ds) on idle connections. Fix: close every connection, and keep recycle under wait_timeout.",
                    config.name(), endpoint, aborted, Math.round(seconds), b.waitTimeoutSeconds())));
        }
        return verdicts;
    }

    private static double portUsage(Observation o) {
        if (o.kernel() == null || o.census() == null || o.kernel().ephemeralPorts() <= 0) {
            return Double.NaN;
        }
        return (o.census().timeWaitClient() + o.census().establishedClient()) / (double) o.kernel().ephemeralPorts();
    }
}
