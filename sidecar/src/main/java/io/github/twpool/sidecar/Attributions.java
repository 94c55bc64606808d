package io.github.twpool.sidecar;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders what {@link ProcessAttributor} found as the sentence the sidecar adds to a churn warning. */
final class Attributions {

    private Attributions() {
    }

    /**
     * {@code ~80 new connections/s towards db:3306, 95 % of the connections seen open belong to pid 4711 (python3
     * worker.py)}, with how many were seen; {@code null} when nothing was seen.
     */
    static String sentence(String endpoint, double rate, ProcessAttributor.Result r) {
        if (r.seen() == 0) {
            return null;
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
        b.append(String.format(Locale.ROOT, " (%d of %d new connections seen over %d tick%s named)", r.named(), r.seen(),
                r.ticks(), r.ticks() == 1 ? "" : "s"));
        if (r.limitation() != null) {
            b.append("; ").append(r.limitation());
        }
        return b.append('.').toString();
    }

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
