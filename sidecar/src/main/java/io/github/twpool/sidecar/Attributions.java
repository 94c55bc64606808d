package io.github.twpool.sidecar;

import io.github.twpool.internal.churn.Attribution;

import java.util.List;
import java.util.stream.Collectors;

/** What {@link ProcessAttributor} found, as the pipeline's {@link Attribution}: the processes, named as warnings name them. */
final class Attributions {

    static final String METHOD = "owners of the endpoint's sockets";

    private Attributions() {
    }

    /** The processes of a result, most connections first; settled once enough ticks or connections were seen. */
    static Attribution of(ProcessAttributor.Result r) {
        List<Attribution.Origin> origins = r.holders().stream().map(h -> new Attribution.Origin(who(h), h.share())).toList();
        return new Attribution(METHOD, Attribution.Kind.PROCESS, Double.NaN, Double.NaN, null, origins, r.seen(), r.named(),
                -1, r.settled(), r.limitation());
    }

    /** {@code pid 4711 (python3 worker.py)}, or the processes running one command with the parent that started them. */
    static String who(ProcessAttributor.Holder h) {
        if (h.pids().size() == 1) {
            return "pid " + h.pids().get(0) + " (" + h.command() + ")";
        }
        List<Long> shown = h.pids().subList(0, Math.min(5, h.pids().size()));
        String pids = shown.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + (h.pids().size() > shown.size() ? ", ..." : "");
        String parent = h.parentPid() > 0
                ? "; all started by pid " + h.parentPid() + (h.parentCommand() == null ? "" : " (" + h.parentCommand() + ")")
                : "";
        return h.pids().size() + " processes running (" + h.command() + ") (pids " + pids + parent + ")";
    }
}
