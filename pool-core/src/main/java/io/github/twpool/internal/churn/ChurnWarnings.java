package io.github.twpool.internal.churn;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.internal.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Words for the detector's findings ({@link #render}), and the log as an operator wants it: one WARN per cause at most
 * every {@code interval}, one INFO line when a cause clears. Counts the warnings written, by cause, for metrics.
 * Each message says how much churn, from where, what it costs (ports for TIME_WAIT churn, handshakes for churn
 * that ends in resets, as over TLS) and what to change.
 */
public final class ChurnWarnings {

    public static final String LOGGER = "io.github.twpool.churn";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final String pool;
    private final long intervalNanos;
    private final Map<ChurnCause, Long> lastWarned = new EnumMap<>(ChurnCause.class);
    private final Map<ChurnCause, Long> written = new EnumMap<>(ChurnCause.class);

    public ChurnWarnings(String pool, java.time.Duration interval) {
        this.pool = pool;
        this.intervalNanos = interval.toNanos();
    }

    /** The verdict, with its message, for a finding. */
    static ChurnVerdict render(Finding f) {
        return new ChurnVerdict(f.cause(), f.reason(), message(f));
    }

    static String message(Finding f) {
        if (f instanceof Finding.OutsidePool o) {
            return outsidePool(o);
        }
        if (f instanceof Finding.PoolChurn p) {
            return poolChurn(p);
        }
        if (f instanceof Finding.PortExhaustion p) {
            return portExhaustion(p);
        }
        if (f instanceof Finding.ServerChurn s) {
            return serverChurn(s);
        }
        if (f instanceof Finding.ServerCapacity c) {
            return String.format(Locale.ROOT,
                    "twpool '%s': the server behind %s holds %d connections of max_connections=%d (%.0f%%); this pool may "
                            + "hold up to %d. Instances x %d must stay below %d: lower pool-size/max-overflow, or raise max_connections.",
                    c.pool(), c.endpoint(), c.threadsConnected(), c.maxConnections(),
                    100.0 * c.threadsConnected() / c.maxConnections(), c.maxPoolSize(), c.maxPoolSize(), c.maxConnections());
        }
        Finding.AbortedClients a = (Finding.AbortedClients) f;
        return String.format(Locale.ROOT,
                "twpool '%s': the server behind %s counted %d aborted clients in %ds (Aborted_clients): connections "
                        + "dropped without a proper close, by applications that exit without closing or by wait_timeout "
                        + "(%ds) on idle connections. Fix: close every connection, and keep recycle under wait_timeout.",
                a.pool(), a.endpoint(), a.aborted(), a.seconds(), a.waitTimeoutSeconds());
    }

    private static String outsidePool(Finding.OutsidePool o) {
        boolean pooled = o.poolSize() > 0;
        StringBuilder m = new StringBuilder(pooled
                ? String.format(Locale.ROOT, "twpool '%s': churn outside this pool towards %s: ~%.1f new connections/s over "
                        + "the last %s, of which this pool opened %.1f/s.", o.pool(), o.endpoint(), o.rate(),
                        Durations.format(o.window()), o.poolOpenRate())
                : String.format(Locale.ROOT, "twpool '%s': churn towards %s: ~%.1f new connections/s over the last %s.",
                        o.pool(), o.endpoint(), o.rate(), Durations.format(o.window())));
        if (o.ending() != Finding.Ending.RESET && o.timeWait() >= 0) {
            m.append(String.format(Locale.ROOT, " %d sockets in TIME_WAIT (client side %d, server side %d)",
                    o.timeWait(), o.timeWaitClient(), o.timeWaitServer()));
            if (!Double.isNaN(o.timeWaitRate())) {
                m.append(String.format(Locale.ROOT, ", ~%.1f new connections/s over the last %s",
                        o.timeWaitRate(), Durations.format(o.timeWaitWindow())));
            }
            m.append('.');
        }
        m.append(origins(o.origins(), o.port(), pooled));
        if (o.ending() == Finding.Ending.RESET) {
            m.append(String.format(Locale.ROOT, " These connections end in a reset, not in TIME_WAIT (this host sends ~%.1f "
                    + "resets/s; Connector/J closes TLS connections that way): ports are not the risk, handshakes are. Each "
                    + "request pays a new TCP and TLS handshake, with CPU on both the application and the server and "
                    + "several round trips of latency; pooled connections pay it once.", o.resetRate()));
        }
        m.append(pooled
                ? String.format(Locale.ROOT, " Fix: send that traffic through this pool, which keeps %d connections open for reuse.",
                        o.poolSize())
                : " Fix: keep connections open and reuse them in the client that opens them: a connection pool sized to its "
                        + "concurrency (SQLAlchemy's pool_size, mysql.connector pooling, PHP persistent connections, a Node, Go or "
                        + "Java pool).");
        return m.toString();
    }

    /** Who opens the connections, as measured, with the method behind each figure. */
    static String origins(ChurnOrigins g, int port, boolean pooled) {
        String find = " (find it: ss -tanp '( dport = :" + port + " or sport = :" + port + " )')";
        String rateFrom = g.rateMethod() == null ? "" : "; rate from " + g.rateMethod();
        String sampled = String.format(Locale.ROOT, "sampled: %d stack samples, %d threads caught in a JDBC connect",
                g.stackSamples(), g.connectSamples());
        return switch (g.origin()) {
            case THIS_JVM -> String.format(Locale.ROOT, " ~%.1f/s from this JVM, outside twpool's pools%s (%s; this JVM's "
                            + "by %d of %d new sockets to the endpoint caught open%s).", g.thisJvmRate(), sites(g),
                    sampled, g.ownSockets(), g.ownSockets(), rateFrom);
            case ANOTHER_PROCESS -> String.format(Locale.ROOT, " ~%.1f/s from another process on this host (%d new sockets "
                            + "to the endpoint caught open, none this JVM's, and no thread here in a JDBC connect: %s%s)%s.",
                    g.otherProcessRate(), g.otherSockets(), sampled, rateFrom, find);
            case BOTH -> String.format(Locale.ROOT, " They come from this JVM%s and from another process on this host "
                            + "(%d of its new sockets caught open, %d of this JVM's)%s; how they split is not measured "
                            + "(a sampler catches connections in proportion to how long they stay open, not to how many "
                            + "there are; %s).", sites(g), g.otherSockets(), g.ownSockets(), find, sampled);
            case UNDECIDED -> " From this JVM or another process on this host: cannot tell (" + g.undecided() + ")."
                    + (g.callSites().isEmpty() ? "" : " This JVM's threads were caught connecting" + sites(g) + ".")
                    + find.substring(0, find.length() - 1).replace(" (find it", " Look for it") + ".";
            case NOT_SAMPLED -> pooled
                    ? " Something else opens and closes a connection per request: code calling DriverManager.getConnection, "
                    + "a second unpooled DataSource, or another process on this host" + find + "."
                    : " A client opens and closes a connection per request" + find + ".";
        };
    }

    private static String sites(ChurnOrigins g) {
        if (g.callSites().isEmpty()) {
            return "";
        }
        StringBuilder m = new StringBuilder(": ");
        int n = Math.min(ChurnDetector.TOP_SITES, g.callSites().size());
        for (int i = 0; i < n; i++) {
            ChurnReport.CallSite site = g.callSites().get(i);
            m.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f %% from %s", 100 * site.share(), site.frame()));
        }
        return m.toString();
    }

    private static String poolChurn(Finding.PoolChurn p) {
        String head = String.format(Locale.ROOT, "twpool '%s': this pool churns: it opened %d connections in the last %s "
                        + "(%.1f/s; a pool of %d with a healthy lifetime opens about %.3f/s). ",
                p.pool(), p.opened(), Durations.format(p.elapsed()), p.openRate(), p.maxPoolSize(), p.healthyRate());
        return switch (p.reason()) {
            case "recycle" -> head + String.format(Locale.ROOT,
                    "Connections reach recycle=%s and are reopened: %d connections every %s is %.1f/s. %s",
                    p.recycleDescribed(), p.total(), Durations.format(p.recycle()), p.recycleRate(),
                    p.recycleShortened()
                            ? "Fix: raise the server's wait_timeout above the configured recycle (globally, or for this pool "
                            + "with twpool.driver.sessionVariables=wait_timeout=3600), so that recycle is not shortened."
                            : "Fix: raise recycle to a few minutes under the server's wait_timeout (e.g. 30m).");
            case "overflow" -> head + String.format(Locale.ROOT,
                    "Overflow connections retire after overflow-idle-timeout=%s and the next burst opens them again "
                            + "(the pool peaked at %d connections, pool-size=%d, max-overflow=%d). Fix: raise pool-size to the "
                            + "load's concurrency (%d) or lengthen overflow-idle-timeout beyond the gap between bursts.",
                    Durations.format(p.overflowIdleTimeout()), p.peak(), p.poolSize(), p.maxOverflow(), p.peak());
            default -> head + String.format(Locale.ROOT,
                    "They are not retiring by age or idleness: connections fail validation or are closed by the server or the "
                            + "network (%d failed connection attempts so far). Check the server's wait_timeout and "
                            + "max_connections, KILLs and firewall idle timeouts; keepalive=%s keeps idle connections alive.",
                    p.failed(), p.keepalive().isZero() ? "off" : Durations.format(p.keepalive()));
        };
    }

    private static String portExhaustion(Finding.PortExhaustion p) {
        String outlook;
        double clientRate = p.clientRate();
        if (Double.isNaN(clientRate) || clientRate <= 0) {
            outlook = "";
        } else {
            double steady = clientRate * 60 + p.establishedClient();
            outlook = steady >= p.range()
                    ? String.format(Locale.ROOT, " New connections at ~%.0f/s each hold a port for 60 s in TIME_WAIT: the range "
                    + "is used up in ~%ds (it lasts only below %.0f/s).", clientRate,
                    Math.max(1, Math.round((p.range() - p.used()) / clientRate)), p.range() / 60.0)
                    : String.format(Locale.ROOT, " New connections at ~%.0f/s each hold a port for 60 s in TIME_WAIT: usage "
                    + "levels off near %.0f%% (the range is used up above %.0f/s).", clientRate, 100 * steady / p.range(),
                    p.range() / 60.0);
        }
        String reuse = switch (p.tcpTwReuse()) {
            case 0 -> "tcp_tw_reuse=0: setting it to 1 lets outgoing connections reuse TIME_WAIT ports (needs tcp_timestamps=1)";
            case 1 -> "tcp_tw_reuse=1 already lets outgoing connections reuse TIME_WAIT ports";
            case 2 -> "tcp_tw_reuse=2 lets only loopback connections reuse TIME_WAIT ports; 1 extends that to all outgoing ones (needs tcp_timestamps=1)";
            default -> "tcp_tw_reuse is unknown";
        };
        return String.format(Locale.ROOT,
                "twpool '%s': ephemeral ports towards %s running out: %d of %d ports (%.0f%%) held by sockets to it "
                        + "(TIME_WAIT %d, ESTABLISHED %d).%s Connects then fail with 'Cannot assign requested address'. "
                        + "Fix: pool these connections; %s; widening ip_local_port_range (%d-%d) only buys time.",
                p.pool(), p.endpoint(), p.used(), p.range(), 100 * p.usage(), p.timeWaitClient(), p.establishedClient(), outlook,
                reuse, p.portLow(), p.portHigh());
    }

    private static String serverChurn(Finding.ServerChurn s) {
        StringBuilder m = new StringBuilder(String.format(Locale.ROOT,
                "twpool '%s': the server behind %s accepts ~%.1f new connections/s (Connections grew by %d in %ds) "
                        + "while this pool opened %.1f/s.", s.pool(), s.endpoint(), s.serverRate(), s.accepted(), s.seconds(),
                s.poolRate()));
        switch (s.attribution()) {
            case PER_HOST -> {
                m.append(String.format(Locale.ROOT, " By client host (the server's own count): ~%.1f/s from this host beyond "
                        + "this pool", Math.max(0, s.thisHostRate())));
                for (var e : s.otherHosts().entrySet()) {
                    m.append(String.format(Locale.ROOT, ", ~%.1f/s from %s", e.getValue(), e.getKey()));
                }
                m.append('.');
            }
            case HOST_COUNTERS -> m.append(String.format(Locale.ROOT, " This host's TCP counters allow at most ~%.1f/s of it "
                            + "to come from here, so at least ~%.1f/s come from other hosts.",
                    Math.max(0, s.thisHostRate()), s.otherHostsRate()));
            default -> m.append(" Where they come from cannot be told here: this host's TCP counters are unreadable.");
        }
        if (s.missing() != null) {
            m.append(" The server cannot name its client hosts: ").append(s.missing()).append('.');
        }
        m.append(" Fix: pool those clients too; each new connection costs the server a thread and a handshake"
                + " (a TLS handshake where TLS is on).");
        return m.toString();
    }

    /** Called with the active verdicts of a tick; not thread-safe (the probe thread calls it). */
    public void publish(List<ChurnVerdict> active, long nowNanos) {
        EnumMap<ChurnCause, ChurnVerdict> byCause = new EnumMap<>(ChurnCause.class);
        for (ChurnVerdict v : active) {
            byCause.putIfAbsent(v.cause(), v);
        }
        for (var e : byCause.entrySet()) {
            Long last = lastWarned.get(e.getKey());
            if (last == null || nowNanos - last >= intervalNanos) {
                LOG.warn(e.getValue().message());
                lastWarned.put(e.getKey(), nowNanos);
                synchronized (written) {
                    written.merge(e.getKey(), 1L, Long::sum);
                }
            }
        }
        lastWarned.keySet().removeIf(cause -> {
            if (!byCause.containsKey(cause)) {
                LOG.info("twpool '{}': {} churn has cleared.", pool, cause.tag());
                return true;
            }
            return false;
        });
    }

    /** Warnings written so far, by cause (a copy). */
    public Map<ChurnCause, Long> written() {
        synchronized (written) {
            return new EnumMap<>(written);
        }
    }
}
