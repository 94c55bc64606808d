package io.github.twpool.sidecar;

import io.github.twpool.internal.churn.Attribution;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link ProcessAttributor} found, as the pipeline's {@link Attribution}: the processes, named as warnings name
 * them (with their cgroup and its unit, container or pod), how many connections each method named, and the
 * library-level fix for the language the top process runs.
 */
final class Attributions {

    static final String METHOD = "owners of the endpoint's sockets";

    private Attributions() {
    }

    /** The processes of a result, most connections first; settled once enough ticks or connections were seen. */
    static Attribution of(ProcessAttributor.Result r) {
        List<Attribution.Origin> origins = r.holders().stream().map(h -> new Attribution.Origin(who(h), h.share())).toList();
        String advice = null;
        if (!r.holders().isEmpty()) {
            ProcessAttributor.Holder top = r.holders().get(0);
            String fix = Commands.fix(top.command());
            if (fix != null) {
                advice = "Fix in " + (top.pids().size() == 1 ? "pid " + top.pids().get(0) : "these processes") + ": " + fix + ".";
            }
        }
        return new Attribution(r.byMethod().isEmpty() ? METHOD : methods(r.byMethod()), Attribution.Kind.PROCESS,
                Double.NaN, Double.NaN, null, origins, r.seen(), r.named(), -1, r.settled(), r.limitation(),
                io.github.twpool.ChurnOrigins.NOT_SAMPLED, advice);
    }

    /** {@code 90 held by a process seen opening them before, 10 by uid and cgroup, ...}, most first. */
    static String methods(Map<ProcessAttributor.Method, Integer> byMethod) {
        return byMethod.entrySet().stream()
                .sorted(Map.Entry.<ProcessAttributor.Method, Integer>comparingByValue().reversed())
                .map(e -> e.getValue() + " " + e.getKey().words)
                .collect(Collectors.joining(", "));
    }

    /**
     * {@code pid 4711 (python3 worker.py)}, or the processes running one command with the parent that started them;
     * with {@code in cgroup /system.slice/worker.service (systemd unit worker.service)} where the kernel told it.
     */
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
        return " in cgroup " + PidFiles.sanitize(cgroup.getBytes(StandardCharsets.UTF_8)) + (d == null ? "" : " (" + d + ")");
    }
}
