package io.github.twpool.internal.churn;

import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.internal.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Words for the detector's findings. Each warning is one line of at most {@link #MAX_LINE} characters: the cause, one
 * rate with its window, who opens the connections (a call site, a process, a host), what it costs (a port held in
 * TIME_WAIT, or a TCP and TLS handshake where connections end in resets) and the fix. Everything else goes into
 * the verdict's fields, which the log event carries as key-values ({@code twpool.*}) and {@code churnReport()}
 * shows. The rules that decide live in {@link ChurnDetector}; nothing here decides.
 */
public final class ChurnMessages {

    /** The longest line a warning has; names that would make it longer are shortened in it (never in the fields). */
    public static final int MAX_LINE = 300;
    /** Call sites listed in the fields. */
    static final int TOP_SITES = 3;
    /** The longest name (a process's command line, a call site) a line shows. */
    static final int MAX_NAME = 90;

    // Field names: the log event's key-values and the verdict's fields.
    public static final String CAUSE = "twpool.cause";
    public static final String REASON = "twpool.reason";
    public static final String POOL = "twpool.pool";
    public static final String ENDPOINT = "twpool.endpoint";
    public static final String RATE = "twpool.rate";
    public static final String WINDOW = "twpool.window_seconds";
    public static final String WHO = "twpool.who";
    public static final String CALL_SITE = "twpool.call_site";
    public static final String CALL_SITES = "twpool.call_sites";
    public static final String PROCESS = "twpool.process";
    public static final String PROCESSES = "twpool.processes";
    public static final String ATTRIBUTION = "twpool.attribution";
    public static final String SAMPLES = "twpool.samples";
    public static final String COST = "twpool.cost";
    public static final String FIX = "twpool.fix";
    public static final String HINT = "twpool.hint";

    private ChurnMessages() {
    }

    /** The verdict, with its line and its fields, for a finding. */
    public static ChurnVerdict render(Finding f) {
        Line line;
        if (f instanceof Finding.OutsidePool o) {
            line = outsidePool(o);
        } else if (f instanceof Finding.PoolChurn p) {
            line = poolChurn(p);
        } else if (f instanceof Finding.PortExhaustion p) {
            line = portExhaustion(p);
        } else if (f instanceof Finding.ServerChurn s) {
            line = serverChurn(s);
        } else if (f instanceof Finding.ServerCapacity c) {
            line = serverCapacity(c);
        } else {
            line = abortedClients((Finding.AbortedClients) f);
        }
        return new ChurnVerdict(f.cause(), f.reason(), line.text(), line.fields);
    }

    /** A line and its fields, built together so that the numbers in both are the same. */
    private static final class Line {
        final Map<String, Object> fields = new LinkedHashMap<>();
        private String text = "";

        Line(Finding f, String endpoint) {
            fields.put(CAUSE, f.cause().tag());
            if (f.reason() != null) {
                fields.put(REASON, f.reason());
            }
            fields.put(POOL, f.pool());
            if (endpoint != null) {
                fields.put(ENDPOINT, endpoint);
            }
        }

        Line put(String key, Object value) {
            if (value instanceof Double d) {
                if (d.isNaN()) {
                    return this;
                }
                value = Math.round(d * 10) / 10.0;
            }
            if (value != null) {
                fields.put(key, value);
            }
            return this;
        }

        /** The first of the variants, most complete first, that fits in {@link #MAX_LINE}; the last one cut if none does. */
        Line text(String... variants) {
            for (String v : variants) {
                if (v.length() <= MAX_LINE) {
                    text = v;
                    return this;
                }
            }
            String last = variants[variants.length - 1];
            text = last.substring(0, MAX_LINE - 3) + "...";
            return this;
        }

        String text() {
            return text;
        }
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static String rate(double perSecond) {
        return f("%.1f", perSecond);
    }

    private static String seconds(Duration d) {
        return Durations.format(d);
    }

    /** {@code com.acme.jobs.ReportJob.run(ReportJob.java:42)} as {@code ReportJob.run(ReportJob.java:42)}. */
    static String shortFrame(String frame) {
        int paren = frame.indexOf('(');
        String method = paren < 0 ? frame : frame.substring(0, paren);
        int methodDot = method.lastIndexOf('.');
        int classDot = methodDot <= 0 ? -1 : method.lastIndexOf('.', methodDot - 1);
        return shorten(classDot < 0 ? frame : frame.substring(classDot + 1));
    }

    /**
     * {@code com.acme.jobs.ReportJob.run(ReportJob.java:42)} as {@code ReportJob.run}, and a lambda's
     * {@code ReportJob.lambda$run$0} as {@code ReportJob.run}: the line's last resort before no call site at all.
     */
    static String shortMethod(String frame) {
        int paren = frame.indexOf('(');
        String method = paren < 0 ? frame : frame.substring(0, paren);
        int methodDot = method.lastIndexOf('.');
        int classDot = methodDot <= 0 ? -1 : method.lastIndexOf('.', methodDot - 1);
        String shortName = classDot < 0 ? method : method.substring(classDot + 1);
        return shorten(shortName.replaceFirst("\\.lambda\\$(.+)\\$\\d+$", ".$1"));
    }

    private static String shorten(String name) {
        return shorten(name, MAX_NAME);
    }

    private static String shorten(String name, int max) {
        return name.length() <= max ? name : name.substring(0, max - 3) + "...";
    }

    private static String percent(double share) {
        return Math.round(share * 100) + " %";
    }

    private static Line outsidePool(Finding.OutsidePool o) {
        Line l = new Line(o, o.endpoint());
        l.put(RATE, o.rate()).put(WINDOW, o.window().toSeconds());
        String[] who = who(l, o);
        String cost;
        String costInFull;
        switch (o.ending()) {
            case RESET -> {
                cost = "Each pays a TLS handshake; they end in a reset.";
                costInFull = f("These connections end in a reset, not in TIME_WAIT (this host sends ~%s resets/s; TLS "
                        + "clients such as Connector/J and pgjdbc close that way): ports are not the risk, handshakes are. Each request pays a new "
                        + "TCP and TLS handshake, with CPU on both the application and the server and several round trips of "
                        + "latency; pooled connections pay it once.", rate(o.resetRate()));
            }
            case TIME_WAIT -> {
                cost = o.timeWait() >= 0 ? f("%d sockets in TIME_WAIT hold a port 60 s each.", o.timeWait())
                        : "Each holds a port for 60 s in TIME_WAIT.";
                costInFull = "Each closed connection holds an ephemeral port for 60 s in TIME_WAIT and pays a TCP handshake.";
            }
            default -> {
                cost = "Each pays a new TCP handshake.";
                costInFull = cost;
            }
        }
        String fix = o.pooled() ? "send it through this pool" : "a connection pool in the client that opens them";
        String fixInFull = o.pooled() ? f("send that traffic through this pool, which keeps %d connections open for reuse",
                o.poolSize()) : "keep connections open and reuse them in the client that opens them: a connection pool "
                + "sized to its concurrency (SQLAlchemy's pool_size, mysql.connector pooling, PHP persistent connections, a "
                + "Node, Go or Java pool)";
        l.put("twpool.pool_open_rate", o.poolOpenRate())
                .put("twpool.pool_size", o.pooled() ? o.poolSize() : null)
                .put("twpool.ending", o.ending().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .put("twpool.reset_rate", o.resetRate())
                .put("twpool.time_wait", o.timeWait() >= 0 ? o.timeWait() : null)
                .put("twpool.time_wait_client", o.timeWait() >= 0 ? o.timeWaitClient() : null)
                .put("twpool.time_wait_server", o.timeWait() >= 0 ? o.timeWaitServer() : null)
                .put("twpool.time_wait_rate", o.timeWaitRate())
                .put("twpool.time_wait_window_seconds", Double.isNaN(o.timeWaitRate()) ? null : o.timeWaitWindow().toSeconds())
                .put("twpool.server_local_rate", o.serverLocalRate())
                .put(COST, costInFull).put(FIX, fixInFull);
        // Where the processes are named, no hint to find them: ss -p cannot name a connection that lives a millisecond,
        // nor the TIME_WAIT sockets it would list.
        if (!(o.local().names() == Attribution.Kind.PROCESS && o.local().measured())) {
            l.put(HINT, "find the process: ss -tanp '( dport = :" + o.port() + " or sport = :" + o.port() + " )'");
        }
        // The fix in the named process's own terms (its language's pool), where the attribution knows it.
        String advice = o.local().advice();
        if (advice != null) {
            l.put("twpool.advice", advice);
        }
        // One rate with its window in the line; the pool's own rate, the TIME_WAIT figures and the rest are fields.
        String head = o.pooled()
                ? f("twpool '%s': churn outside this pool: ~%s new connections/s towards %s over %s.", o.pool(), rate(o.rate()),
                        o.endpoint(), seconds(o.window()))
                : f("twpool '%s': churn towards %s: ~%s new connections/s over %s.", o.pool(), o.endpoint(), rate(o.rate()),
                        seconds(o.window()));
        String tail = " Fix: " + fix + ".";
        List<String> variants = new ArrayList<>();
        if (advice != null) {
            for (String w : who) {
                variants.add(head + " " + w + " " + cost + " " + advice);
            }
        }
        for (String w : who) {
            variants.add(head + " " + w + " " + cost + tail);
        }
        return l.text(variants.toArray(new String[0]));
    }

    /**
     * Who opens the connections, as the line says it (in full, and with names shortened); the details go into the
     * fields.
     */
    private static String[] who(Line l, Finding.OutsidePool o) {
        Attribution a = o.local();
        if (a.measured()) {
            l.put(ATTRIBUTION, a.method()).put(SAMPLES, a.samples());
        }
        if (a.names() == Attribution.Kind.PROCESS && a.samples() > 0) {
            if (!a.origins().isEmpty()) {
                l.put(PROCESSES, a.origins().stream().map(p -> p.name() + "=" + percent(p.share())).collect(Collectors.joining("; ")));
            }
            if (a.limitation() != null) {
                l.put("twpool.attribution_limit", a.limitation());
            }
            if (a.origins().isEmpty()) {
                l.put(WHO, "unnamed-process");
                String s = f("Of %d connections seen open, no process could be named.", a.samples());
                return new String[] {s, s};
            }
            Attribution.Origin top = a.origins().get(0);
            l.put(PROCESS, top.name()).put(WHO, "process");
            String named = f(" (%d of %d named).", a.named(), a.samples());
            return new String[] {percent(top.share()) + " of the connections seen open belong to " + top.name() + named,
                    percent(top.share()) + " of the connections seen open belong to " + shorten(top.name(), MAX_NAME / 2) + named};
        }
        if (a.sampled().origin() != ChurnOrigins.Origin.NOT_SAMPLED) {
            return sampled(l, a.sampled().withRate(o.rate(), rateMethod(o)));
        }
        double jvm = a.thisJvmRate();
        double elsewhere = Double.isNaN(a.otherProcessRate())
                ? (Double.isNaN(jvm) ? Double.NaN : o.rate() - jvm) : a.otherProcessRate();
        l.put("twpool.jvm_rate", jvm).put("twpool.other_process_rate", Double.isNaN(elsewhere) ? Double.NaN : Math.max(0, elsewhere));
        List<Attribution.Origin> sites = a.names() == Attribution.Kind.CALL_SITE ? a.origins() : List.of();
        if (!sites.isEmpty()) {
            l.put(CALL_SITE, sites.get(0).name());
            l.put(CALL_SITES, sites.subList(0, Math.min(TOP_SITES, sites.size())).stream()
                    .map(s -> s.name() + "=" + percent(s.share())).collect(Collectors.joining("; ")));
        }
        if (a.undecided() != null) {
            l.put(WHO, "undecided").put("twpool.undecided", a.undecided());
            String s = "From this JVM or another process on this host: cannot tell";
            return new String[] {s + " (" + a.undecided() + ").", s + " (twpool.undecided says why)."};
        }
        boolean fromJvm = !Double.isNaN(jvm) && jvm > 0;
        // Only with the JVM's own connects measured can the rest be said to come from another process.
        boolean fromOthers = !Double.isNaN(elsewhere) && elsewhere >= 0.5 && elsewhere > 0.2 * o.rate();
        String others = f("~%s/s come from another process on this host.", rate(elsewhere));
        if (fromJvm) {
            l.put(WHO, fromOthers ? "this-jvm+other-process" : "this-jvm");
            String jvmOpened = f("This JVM opened %s/s of them", rate(jvm));
            String site = sites.isEmpty() ? "" : ": " + percent(sites.get(0).share()) + " from ";
            String full = jvmOpened + (sites.isEmpty() ? "" : site + sites.get(0).name()) + "." + (fromOthers ? " " + others : "");
            String brief = jvmOpened + (sites.isEmpty() ? "" : site + shortFrame(sites.get(0).name())) + "."
                    + (fromOthers ? " " + others : "");
            return new String[] {full, brief};
        }
        if (fromOthers) {
            l.put(WHO, "other-process");
            return new String[] {others, others};
        }
        l.put(WHO, "unknown");
        if (o.pooled()) {
            return new String[] {"Not this pool: DriverManager.getConnection, an unpooled DataSource or another process "
                    + "on this host opens one per request.",
                    "Not this pool: code calling DriverManager, a DataSource or another process on this host."};
        }
        String s = "A client on this host opens a connection per request.";
        return new String[] {s, s};
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

    /**
     * Who opens the connections as this JVM's samples tell (threads caught in a driver's connect, the endpoint's new
     * sockets against this process's own): the line names who and the top call site; the counts behind it and the
     * method of each figure are fields.
     */
    private static String[] sampled(Line l, ChurnOrigins g) {
        l.put("twpool.jvm_rate", g.thisJvmRate()).put("twpool.other_process_rate", g.otherProcessRate())
                .put("twpool.rate_method", g.rateMethod()).put("twpool.split_method", g.splitMethod())
                .put("twpool.stack_samples", g.stackSamples()).put("twpool.connect_samples", g.connectSamples())
                .put("twpool.socket_samples", g.socketSamples()).put("twpool.own_sockets", g.ownSockets())
                .put("twpool.other_sockets", g.otherSockets()).put("twpool.unresolved_sockets", g.unresolvedSockets());
        List<ChurnReport.CallSite> sites = g.callSites();
        if (!sites.isEmpty()) {
            l.put(CALL_SITE, sites.get(0).frame());
            l.put(CALL_SITES, sites.subList(0, Math.min(TOP_SITES, sites.size())).stream()
                    .map(s -> s.frame() + "=" + percent(s.share())).collect(Collectors.joining("; ")));
        }
        String site = sites.isEmpty() ? "" : ": " + percent(sites.get(0).share()) + " from " + sites.get(0).frame();
        String siteBrief = sites.isEmpty() ? "" : ": " + percent(sites.get(0).share()) + " from " + shortFrame(sites.get(0).frame());
        String siteMethod = sites.isEmpty() ? "" : ": " + percent(sites.get(0).share()) + " from " + shortMethod(sites.get(0).frame());
        String samples = f(" (sampled: %d stack samples)", g.stackSamples());
        switch (g.origin()) {
            case THIS_JVM -> {
                l.put(WHO, "this-jvm");
                String head = f("~%s/s from this JVM", rate(g.thisJvmRate()));
                return new String[] {head + site + samples + ".", head + siteBrief + samples + ".",
                        head + siteMethod + samples + ".", head + samples + "."};
            }
            case ANOTHER_PROCESS -> {
                l.put(WHO, "other-process");
                String s = f("~%s/s from another process on this host (no thread here was caught connecting).",
                        rate(g.otherProcessRate()));
                return new String[] {s, s};
            }
            case BOTH -> {
                l.put(WHO, "this-jvm+other-process");
                String tail = ", and from another process on this host; how they split is not measured.";
                return new String[] {"They come from this JVM" + site + tail, "They come from this JVM" + siteBrief + tail,
                        "They come from this JVM" + tail};
            }
            default -> {
                l.put(WHO, "undecided").put("twpool.undecided", g.undecided());
                String s = "From this JVM or another process on this host: cannot tell";
                return new String[] {s + " (" + g.undecided() + ").", s + " (twpool.undecided says why)."};
            }
        }
    }

    /** The processes sentence a pool-less watcher's attribution gives, {@code null} when it names no processes. */
    public static String processes(double rate, String endpoint, Attribution a) {
        if (a.names() != Attribution.Kind.PROCESS || a.samples() == 0) {
            return null;
        }
        StringBuilder m = new StringBuilder();
        if (!Double.isNaN(rate)) {
            m.append("~").append(rate >= 10 ? String.format(Locale.ROOT, "%.0f", rate) : String.format(Locale.ROOT, "%.1f", rate))
                    .append(" new connections/s towards ").append(endpoint).append(", ");
        }
        if (a.origins().isEmpty()) {
            m.append("no process could be named for the connections seen open");
        } else {
            Attribution.Origin top = a.origins().get(0);
            m.append(percent(top.share())).append(" of the connections seen open belong to ").append(top.name());
            if (a.origins().size() > 1) {
                Attribution.Origin second = a.origins().get(1);
                m.append(", ").append(percent(second.share())).append(" to ").append(second.name());
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

    private static Line poolChurn(Finding.PoolChurn p) {
        Line l = new Line(p, null);
        l.put(RATE, p.openRate()).put(WINDOW, p.elapsed().toSeconds()).put("twpool.opened", p.opened())
                .put("twpool.healthy_rate", Math.round(p.healthyRate() * 1000) / 1000.0)
                .put("twpool.max_pool_size", p.maxPoolSize())
                .put("twpool.closed_by_reason", p.closedByReason().isEmpty() ? null : p.closedByReason().entrySet().stream()
                        .map(e -> e.getKey().tag() + "=" + e.getValue()).collect(Collectors.joining("; ")));
        String why;
        String fix;
        switch (p.reason()) {
            case "recycle" -> {
                why = f("Connections reach recycle=%s and are reopened: %d connections every %s.", describeRecycle(p),
                        p.total(), seconds(p.recycle()));
                l.put("twpool.recycle_seconds", p.recycle().toSeconds()).put("twpool.recycle_rate", p.recycleRate())
                        .put("twpool.total", p.total());
                fix = p.recycleShortened() ? "raise the server's wait_timeout above the configured recycle"
                        : "raise recycle to a few minutes under the server's wait_timeout (e.g. 30m)";
                if (p.recycleShortened()) {
                    l.put(HINT, "for this pool alone: twpool.driver.sessionVariables=wait_timeout=3600");
                }
            }
            case "overflow" -> {
                why = f("Overflow connections retire after overflow-idle-timeout=%s and the next burst reopens them (peaked "
                        + "at %d, pool-size=%d, max-overflow=%d).", seconds(p.overflowIdleTimeout()), p.peak(),
                        p.poolSize(), p.maxOverflow());
                l.put("twpool.peak", p.peak()).put("twpool.pool_size", p.poolSize()).put("twpool.max_overflow", p.maxOverflow());
                fix = f("raise pool-size to %d or lengthen overflow-idle-timeout", p.peak());
            }
            case "evicted" -> {
                why = "The application or HikariCP evicts them (evictConnection, softEvictConnections).";
                fix = "evict only connections known to be broken";
            }
            default -> {
                why = f("They do not retire by age or idleness: connections fail validation or the server or network closes "
                        + "them (%d failed opens so far).", p.failed());
                String keepalive = p.keepalive().isZero() ? "off" : seconds(p.keepalive());
                l.put("twpool.failed_opens", p.failed()).put("twpool.keepalive", keepalive);
                fix = "check wait_timeout, KILLs and firewall idle timeouts; keepalive=" + keepalive + " keeps idle ones alive";
            }
        }
        l.put(COST, f("each new connection pays a TCP (and TLS) handshake; a pool of %d with a healthy lifetime opens about "
                + "%.3f/s", p.maxPoolSize(), p.healthyRate())).put(FIX, fix);
        String head = f("twpool '%s': this pool churns: ~%s new connections/s over %s.", p.pool(), rate(p.openRate()),
                seconds(p.elapsed()));
        return l.text(head + " " + why + " Fix: " + fix + ".");
    }

    /** {@code 36s (shortened from 30m to stay under the server's wait_timeout)}. */
    private static String describeRecycle(Finding.PoolChurn p) {
        String value = p.recycle().isZero() ? "never" : Durations.format(p.recycle());
        return p.recycleShortened() ? value + " (shortened from " + (p.configuredRecycle().isZero() ? "never"
                : Durations.format(p.configuredRecycle())) + " to stay under the server's wait_timeout)" : value;
    }

    private static Line portExhaustion(Finding.PortExhaustion p) {
        Line l = new Line(p, p.endpoint());
        double clientRate = p.clientRate();
        String outlook;
        if (Double.isNaN(clientRate) || clientRate <= 0) {
            outlook = "";
        } else {
            double steady = clientRate * 60 + p.establishedClient();
            long left = Math.max(1, Math.round((p.range() - p.used()) / clientRate));
            outlook = steady >= p.range()
                    ? f("; at ~%.0f/s (each holds its port 60 s in TIME_WAIT) the range is used up in ~%ds", clientRate, left)
                    : f("; at ~%.0f/s (each holds its port 60 s in TIME_WAIT) usage levels off near %.0f%%", clientRate,
                    100 * steady / p.range());
            l.put("twpool.exhausted_in_seconds", steady >= p.range() ? left : null);
        }
        String reuse = switch (p.tcpTwReuse()) {
            case 0 -> "tcp_tw_reuse=0: setting it to 1 lets outgoing connections reuse TIME_WAIT ports (needs tcp_timestamps=1)";
            case 1 -> "tcp_tw_reuse=1 already lets outgoing connections reuse TIME_WAIT ports";
            case 2 -> "tcp_tw_reuse=2 lets only loopback connections reuse TIME_WAIT ports; 1 extends that to all outgoing ones "
                    + "(needs tcp_timestamps=1)";
            default -> "tcp_tw_reuse is unknown";
        };
        String reuseBrief = p.tcpTwReuse() == 0 || p.tcpTwReuse() == 2 ? f("tcp_tw_reuse=%d (1 reuses TIME_WAIT ports)", p.tcpTwReuse())
                : p.tcpTwReuse() == 1 ? "tcp_tw_reuse=1 already" : "";
        String cost = "connects then fail with 'Cannot assign requested address'";
        l.put(RATE, clientRate).put("twpool.ports_used", p.used()).put("twpool.port_range_size", p.range())
                .put("twpool.port_usage", Math.round(p.usage() * 1000) / 1000.0)
                .put("twpool.time_wait_client", p.timeWaitClient()).put("twpool.established_client", p.establishedClient())
                .put("twpool.port_range", p.portLow() + "-" + p.portHigh()).put("twpool.tcp_tw_reuse", reuse)
                .put(COST, cost)
                .put(FIX, "pool these connections; " + reuse + "; widening ip_local_port_range (" + p.portLow() + "-"
                        + p.portHigh() + ") only buys time");
        processFields(l, p.local());
        String head = f("twpool '%s': ephemeral ports towards %s running out: %d of %d ports (%.0f%%) held by sockets to it%s",
                p.pool(), p.endpoint(), p.used(), p.range(), 100 * p.usage(), outlook);
        return l.text(head + "; " + cost + ". Fix: pool these connections" + (reuseBrief.isEmpty() ? "" : "; " + reuseBrief) + ".",
                head + ". Fix: pool these connections" + (reuseBrief.isEmpty() ? "" : "; " + reuseBrief) + ".",
                head + ". Fix: pool these connections.");
    }

    private static void processFields(Line l, Attribution a) {
        if (a.names() == Attribution.Kind.PROCESS && !a.origins().isEmpty()) {
            l.put(ATTRIBUTION, a.method()).put(SAMPLES, a.samples()).put(PROCESS, a.origins().get(0).name())
                    .put(PROCESSES, a.origins().stream().map(p -> p.name() + "=" + percent(p.share())).collect(Collectors.joining("; ")));
        }
    }

    private static Line serverChurn(Finding.ServerChurn s) {
        Line l = new Line(s, s.endpoint());
        l.put(RATE, s.serverRate()).put(WINDOW, s.seconds()).put("twpool.accepted", s.accepted())
                .put("twpool.pool_open_rate", s.poolRate()).put("twpool.host_attribution", s.attribution().name().toLowerCase(Locale.ROOT))
                .put("twpool.this_host_rate", Double.isNaN(s.thisHostRate()) ? Double.NaN : Math.max(0, s.thisHostRate()))
                .put("twpool.other_hosts_rate", s.otherHostsRate());
        String who;
        String brief;
        switch (s.attribution()) {
            case PER_HOST -> {
                l.put("twpool.other_hosts", s.otherHosts().entrySet().stream()
                        .map(e -> e.getKey() + "=" + rate(e.getValue()) + "/s").collect(Collectors.joining("; ")));
                StringBuilder b = new StringBuilder(f("By client host (the server's own count): ~%s/s from this host beyond "
                        + "this pool", rate(Math.max(0, s.thisHostRate()))));
                StringBuilder top = new StringBuilder(b);
                int n = 0;
                for (var e : s.otherHosts().entrySet()) {
                    b.append(f(", ~%s/s from %s", rate(e.getValue()), e.getKey()));
                    if (n++ == 0) {
                        top.append(f(", ~%s/s from %s", rate(e.getValue()), shorten(e.getKey())));
                    }
                }
                who = b.append('.').toString();
                brief = top.append(s.otherHosts().size() > 1 ? ", ..." : "").append('.').toString();
            }
            case HOST_COUNTERS -> {
                who = f("This host's TCP counters allow at most ~%s/s from here: at least ~%s/s come from other hosts.",
                        rate(Math.max(0, s.thisHostRate())), rate(s.otherHostsRate()));
                brief = who;
            }
            default -> {
                who = "Where they come from cannot be told here: this host's TCP counters are unreadable.";
                brief = who;
            }
        }
        String missing = s.missing() == null ? "" : " The server cannot name its client hosts: " + s.missing() + ".";
        if (s.missing() != null) {
            l.put("twpool.by_host_missing", s.missing());
        }
        String fix = " Fix: pool those clients too.";
        l.put(COST, "each new connection costs the server a thread and a handshake (a TLS handshake where TLS is on)")
                .put(FIX, "pool those clients too");
        String head = f("twpool '%s': the server behind %s accepts ~%s new connections/s over %ds while %s opened %s/s.",
                s.pool(), s.endpoint(), rate(s.serverRate()), s.seconds(), s.pooled() ? "this pool" : "the watcher",
                rate(s.poolRate()));
        return l.text(head + " " + who + missing + fix, head + " " + brief + missing + fix, head + " " + brief + fix);
    }

    private static Line serverCapacity(Finding.ServerCapacity c) {
        Line l = new Line(c, c.endpoint());
        l.put("twpool.threads_connected", c.threadsConnected()).put("twpool.max_connections", c.maxConnections())
                .put("twpool.max_pool_size", c.maxPoolSize() > 0 ? c.maxPoolSize() : null);
        String fix = c.maxPoolSize() > 0 ? "lower pool-size/max-overflow, or raise max_connections"
                : "lower the clients' pool sizes, or raise max_connections";
        l.put(COST, "new connections are refused with 'Too many connections' at max_connections").put(FIX, fix);
        return l.text(f("twpool '%s': the server behind %s holds %d connections of max_connections=%d (%.0f%%)%s. Fix: %s.",
                c.pool(), c.endpoint(), c.threadsConnected(), c.maxConnections(), 100.0 * c.threadsConnected() / c.maxConnections(),
                c.maxPoolSize() > 0 ? f("; this pool may hold up to %d. Instances x %d must stay below %d", c.maxPoolSize(),
                        c.maxPoolSize(), c.maxConnections()) : "", fix));
    }

    private static Line abortedClients(Finding.AbortedClients a) {
        Line l = new Line(a, a.endpoint());
        String fix = "close every connection, and keep recycle under wait_timeout";
        l.put("twpool.aborted", a.aborted()).put(WINDOW, a.seconds()).put("twpool.wait_timeout_seconds", a.waitTimeoutSeconds())
                .put(COST, "connections dropped without a proper close, by applications that exit without closing or by "
                        + "wait_timeout on idle connections").put(FIX, fix);
        return l.text(f("twpool '%s': the server behind %s counted %d aborted clients in %ds (Aborted_clients): connections "
                + "dropped without a proper close, or by wait_timeout=%ds. Fix: %s.", a.pool(), a.endpoint(), a.aborted(),
                a.seconds(), a.waitTimeoutSeconds(), fix));
    }
}
