package io.github.twpool.sidecar;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Renders what {@link ProcessAttributor} found as the sentences the sidecar adds to a churn warning. */
final class Attributions {

    private Attributions() {
    }

    /**
     * {@code ~80 new connections/s towards db:3306, 95 % of the connections seen open belong to pid 4711 (python3
     * worker.py) in cgroup /system.slice/worker.service (systemd unit worker.service)}, with how many were seen and
     * named and by which method; {@code null} when nothing was seen.
     */
    static String sentence(String endpoint, double rate, ProcessAttributor.Result r) {
        if (r.seen() == 0) {
            return r.limitation() == null ? null : "Naming the processes is limited: " + r.limitation() + ".";
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "~%s new connections/s towards %s, ", rate(rate), endpoint));
        if (r.holders().isEmpty()) {
            b.append("no process could be named for the connections seen open");
        } else {
            ProcessAttributor.Holder top = r.holders().get(0);
            b.append(percent(top.share())).append(" % of the connections seen open belong to ").append(who(top));
            if (r.holders().size() > 1) {
                ProcessAttributor.Holder second = r.holders().get(1);
                b.append(", ").append(percent(second.share())).append(" % to ").append(who(second));
            }
        }
        b.append(String.format(Locale.ROOT, " (%d of %d new connections seen over %d tick%s named", r.named(), r.seen(),
                r.ticks(), r.ticks() == 1 ? "" : "s"));
        if (!r.byMethod().isEmpty()) {
            b.append(": ").append(methods(r.byMethod()));
        }
        b.append(')');
        if (r.limitation() != null) {
            b.append("; ").append(r.limitation());
        }
        b.append('.');
        if (!r.holders().isEmpty()) {
            ProcessAttributor.Holder top = r.holders().get(0);
            String fix = Commands.fix(top.command());
            if (fix != null) {
                b.append(" Fix in ").append(top.pids().size() == 1 ? "pid " + top.pids().get(0) : "these processes")
                        .append(": ").append(fix).append('.');
            }
        }
        return b.toString();
    }

    /** {@code 90 held by a process seen opening them before, 10 by uid and cgroup, ...}, most first. */
    static String methods(Map<ProcessAttributor.Method, Integer> byMethod) {
        return byMethod.entrySet().stream()
                .sorted(Map.Entry.<ProcessAttributor.Method, Integer>comparingByValue().reversed())
                .map(e -> e.getValue() + " " + e.getKey().words)
                .collect(Collectors.joining(", "));
    }

    static String who(ProcessAttributor.Holder h) {
        String where = where(h.cgroup());
        if (h.pids().size() == 1) {
            return "pid " + h.pids().get(0) + " (" + h.command() + ")" + where;
        }
        List<Long> shown = h.pids().subList(0, Math.min(5, h.pids().size()));
        String pids = shown.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + (h.pids().size() > shown.size() ? ", ..." : "");
        String parent = h.parentPid() > 0
                ? "; all started by pid " + h.parentPid() + (h.parentCommand() == null ? "" : " (" + h.parentCommand() + ")")
                : "";
        return h.pids().size() + " processes running (" + h.command() + ") (pids " + pids + parent + ")" + where;
    }

    /** {@code  in cgroup /system.slice/app.service (systemd unit app.service)}, or nothing for none or the root. */
    static String where(String cgroup) {
        if (cgroup == null || cgroup.equals("/")) {
            return "";
        }
        String d = Cgroups.describe(cgroup);
        return " in cgroup " + PidFiles.sanitize(cgroup.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + (d == null ? "" : " (" + d + ")");
    }

    private static final Pattern SS_HINT = Pattern.compile(" \\(find it: ss -tanp '\\( dport = :\\d+ or sport = :\\d+ \\)'\\)");

    /**
     * The detector's message without its {@code ss -tanp} hint: the sidecar names the processes itself, and
     * {@code ss -p} cannot name connections that live a millisecond, nor the sockets in TIME_WAIT it would list.
     */
    static String withoutSsHint(String message) {
        return SS_HINT.matcher(message).replaceAll("");
    }

    static String rate(double rate) {
        if (Double.isNaN(rate)) {
            return "?";
        }
        return rate >= 10 ? String.format(Locale.ROOT, "%.0f", rate) : String.format(Locale.ROOT, "%.1f", rate);
    }

    private static String percent(double share) {
        return String.valueOf(Math.round(share * 100));
    }
}
