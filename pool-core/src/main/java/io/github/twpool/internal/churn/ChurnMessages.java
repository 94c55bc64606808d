package io.github.twpool.internal.churn;

import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.internal.Durations;

import java.util.List;
import java.util.Locale;

/**
 * Words for the detector's findings: each message says how much churn, from where, what it costs (ports for
 * TIME_WAIT churn, handshakes for churn that ends in resets, as over TLS) and what to change. The rules that decide
 * live in {@link ChurnDetector}; nothing here decides.
 */
public final class ChurnMessages {

    /** Call sites named in a warning. */
    static final int TOP_SITES = 3;

    private ChurnMessages() {
    }

    /** The verdict, with its message, for a finding. */
    public static ChurnVerdict render(Finding f) {
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
                    "twpool '%s': the server behind %s holds %d connections of max_connections=%d (%.0f%%)%s",
                    c.pool(), c.endpoint(), c.threadsConnected(), c.maxConnections(),
                    100.0 * c.threadsConnected() / c.maxConnections(), c.maxPoolSize() > 0
                            ? String.format(Locale.ROOT, "; this pool may hold up to %d. Instances x %d must stay below %d: lower "
                            + "pool-size/max-overflow, or raise max_connections.", c.maxPoolSize(), c.maxPoolSize(), c.maxConnections())
                            : ". Fix: lower the clients' pool sizes, or raise max_connections.");
        }
        Finding.AbortedClients a = (Finding.AbortedClients) f;
        return String.format(Locale.ROOT,
                "twpool '%s': the server behind %s counted %d aborted clients in %ds (Aborted_clients): connections "
                        + "dropped without a proper close, by applications that exit without closing or by wait_timeout "
                        + "(%ds) on idle connections. Fix: close every connection, and keep recycle under wait_timeout.",
                a.pool(), a.endpoint(), a.aborted(), a.seconds(), a.waitTimeoutSeconds());
    }

    private static String outsidePool(Finding.OutsidePool o) {
        boolean pooled = o.pooled();
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
        ChurnOrigins sampled = o.local().sampled();
        boolean jvm = !Double.isNaN(o.jvmRate()) && o.jvmRate() > 0;
        if (sampled.origin() != ChurnOrigins.Origin.NOT_SAMPLED) {
            m.append(origins(sampled.withRate(o.rate(), rateMethod(o)), o.port(), pooled));
        } else {
        List<Attribution.Origin> sites = o.local().names() == Attribution.Kind.CALL_SITE ? o.local().origins() : List.of();
        if (jvm) {
            m.append(String.format(Locale.ROOT, " This JVM opened %.1f/s of them outside twpool's pools", o.jvmRate()));
            if (!sites.isEmpty()) {
                m.append(": ");
                for (int i = 0; i < Math.min(TOP_SITES, sites.size()); i++) {
                    Attribution.Origin site = sites.get(i);
                    m.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f %% from %s", 100 * site.share(), site.name()));
                }
            }
            m.append('.');
        }
        double elsewhere = o.rate() - (jvm ? o.jvmRate() : 0);
        // Where the processes are named below, no hint to find them: ss -p cannot name a connection that lives a
        // millisecond, nor the TIME_WAIT sockets it would list.
        String find = o.local().names() == Attribution.Kind.PROCESS && o.local().measured() ? ""
                : " (find it: ss -tanp '( dport = :" + o.port() + " or sport = :" + o.port() + " )')";
        // Only with the JVM's own connects counted can the rest be said to come from another process.
        if (!Double.isNaN(o.jvmRate()) && elsewhere >= 0.5 && elsewhere > 0.2 * o.rate()) {
            m.append(String.format(Locale.ROOT, " ~%.1f/s come from another process on this host%s%s.", elsewhere,
                    !Double.isNaN(o.serverLocalRate()) && o.serverLocalRate() > 0
                            ? " (the server's count of this host's connections, bounded by this host's TCP counters)" : "",
                    find));
        } else if (!jvm && pooled) {
            m.append(" Something else opens and closes a connection per request: code calling DriverManager.getConnection, "
                    + "a second unpooled DataSource, or another process on this host" + find + ".");
        } else if (!jvm) {
            m.append(" A client opens and closes a connection per request" + find + ".");
        }
        }
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
        processes(m, o.rate(), o.endpoint(), o.local());
        return m.toString();
    }

    static final String BY_TIME_WAIT = "TIME_WAIT sockets to the endpoint";
    static final String BY_SERVER = "the server's count of this host's connections, bounded by this host's TCP counters";

    /** Which estimate gave the outside rate: the largest of them (the detector's rule), or {@code null}. */
    static String rateMethod(Finding.OutsidePool o) {
        if (!Double.isNaN(o.serverLocalRate()) && o.serverLocalRate() > 0 && o.serverLocalRate() >= o.rate() - 1e-9) {
            return BY_SERVER;
        }
        if (!Double.isNaN(o.timeWaitRate()) && o.timeWaitRate() > 0) {
            return BY_TIME_WAIT;
        }
        return null;
    }

    /** Who opens the connections, as sampled, with the method behind each figure. */
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
                    + " Look for it: ss -tanp '( dport = :" + port + " or sport = :" + port + " )'.";
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
        int n = Math.min(TOP_SITES, g.callSites().size());
        for (int i = 0; i < n; i++) {
            ChurnReport.CallSite site = g.callSites().get(i);
            m.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f %% from %s", 100 * site.share(), site.frame()));
        }
        return m.toString();
    }

    /**
     * The processes a pool-less watcher found behind the connections: {@code ~80 new connections/s towards db:3306,
     * 95 % of the connections seen open belong to pid 4711 (python3 worker.py)}, with how many were seen.
     */
    private static void processes(StringBuilder m, double rate, String endpoint, Attribution a) {
        String sentence = processes(rate, endpoint, a);
        if (sentence != null) {
            m.append(' ').append(sentence);
        }
    }

    /** The processes sentence on its own, {@code null} when the attribution names no processes or saw nothing. */
    public static String processes(double rate, String endpoint, Attribution a) {
        if (a.names() != Attribution.Kind.PROCESS || a.samples() == 0) {
            return null;
        }
        StringBuilder m = new StringBuilder();
        if (!Double.isNaN(rate)) {
            m.append(String.format(Locale.ROOT, "~%s new connections/s towards %s, ",
                    rate >= 10 ? String.format(Locale.ROOT, "%.0f", rate) : String.format(Locale.ROOT, "%.1f", rate), endpoint));
        }
        if (a.origins().isEmpty()) {
            m.append("no process could be named for the connections seen open");
        } else {
            Attribution.Origin top = a.origins().get(0);
            m.append(Math.round(top.share() * 100)).append(" % of the connections seen open belong to ").append(top.name());
            if (a.origins().size() > 1) {
                Attribution.Origin second = a.origins().get(1);
                m.append(", ").append(Math.round(second.share() * 100)).append(" % to ").append(second.name());
            }
        }
        m.append(String.format(Locale.ROOT, " (%d of %d new connections seen named%s)", a.named(), a.samples(),
                a.named() > 0 && a.method() != null ? ": " + a.method() : ""));
        if (a.limitation() != null) {
            m.append("; ").append(a.limitation());
        }
        m.append('.');
        if (a.advice() != null) {
            m.append(' ').append(a.advice());
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
                    describeRecycle(p), p.total(), Durations.format(p.recycle()), p.recycleRate(),
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

    /** {@code 36s (shortened from 30m to stay under the server's wait_timeout)}. */
    private static String describeRecycle(Finding.PoolChurn p) {
        String value = p.recycle().isZero() ? "never" : Durations.format(p.recycle());
        return p.recycleShortened() ? value + " (shortened from " + (p.configuredRecycle().isZero() ? "never"
                : Durations.format(p.configuredRecycle())) + " to stay under the server's wait_timeout)" : value;
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
        StringBuilder m = new StringBuilder(String.format(Locale.ROOT,
                "twpool '%s': ephemeral ports towards %s running out: %d of %d ports (%.0f%%) held by sockets to it "
                        + "(TIME_WAIT %d, ESTABLISHED %d).%s Connects then fail with 'Cannot assign requested address'. "
                        + "Fix: pool these connections; %s; widening ip_local_port_range (%d-%d) only buys time.",
                p.pool(), p.endpoint(), p.used(), p.range(), 100 * p.usage(), p.timeWaitClient(), p.establishedClient(), outlook,
                reuse, p.portLow(), p.portHigh()));
        processes(m, Double.NaN, p.endpoint(), p.local());
        return m.toString();
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

}
