package io.github.twpool.agent;

import io.github.twpool.spi.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The agent's options, from {@code -javaagent:twpool-agent.jar=key=value,key=value}: every value is checked here, and
 * a bad one is refused with the key, the value and what is allowed ({@link BadOption}). None of them is a secret.
 *
 * @param interval       how often each endpoint's probe and detector run
 * @param warnInterval   the least time between two warnings of the same kind for an endpoint
 * @param ignored        endpoints ({@code host:port}, as the JDBC URLs write them) the agent does not watch
 * @param metricsPort    the port of {@code /metrics}; 0 serves none
 * @param metricsAddress the address {@code /metrics} listens on
 */
record AgentOptions(Duration interval, Duration warnInterval, Set<String> ignored, int metricsPort, String metricsAddress) {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    static final Duration DEFAULT_WARN_INTERVAL = Duration.ofMinutes(5);
    static final String DEFAULT_METRICS_ADDRESS = "127.0.0.1";
    static final List<String> KEYS = List.of("interval", "warn-interval", "ignore", "metrics-port", "metrics-address");
    static final String SYNTAX = "-javaagent:twpool-agent.jar=interval=10s,ignore=db.example.com:3306,metrics-port=9464";

    static final AgentOptions DEFAULTS = new AgentOptions(DEFAULT_INTERVAL, DEFAULT_WARN_INTERVAL, Set.of(), 0,
            DEFAULT_METRICS_ADDRESS);

    /** A refused option: the message names the key, the value and what is allowed. */
    static final class BadOption extends Exception {
        BadOption(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code key=value} pairs separated by commas; {@code ignore} may be given more than once, or hold several
     * endpoints separated by {@code ;}. {@code null} or blank means every default.
     */
    static AgentOptions parse(String args) throws BadOption {
        if (args == null || args.isBlank()) {
            return DEFAULTS;
        }
        Duration interval = DEFAULT_INTERVAL;
        Duration warnInterval = null;
        Set<String> ignored = new LinkedHashSet<>();
        int metricsPort = 0;
        String metricsAddress = DEFAULT_METRICS_ADDRESS;
        Set<String> seen = new HashSet<>();
        for (String pair : args.split(",", -1)) {
            String p = pair.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new BadOption("option '" + shown(p) + "' is not key=value; the keys are " + String.join(", ", KEYS)
                        + " (" + SYNTAX + ")");
            }
            String key = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).strip();
            if (!KEYS.contains(key)) {
                throw new BadOption("unknown option '" + shown(key) + "'; the keys are " + String.join(", ", KEYS)
                        + " (" + SYNTAX + ")");
            }
            if (!key.equals("ignore") && !seen.add(key)) {
                throw new BadOption("option " + key + " is given twice; give it once");
            }
            switch (key) {
                case "interval" -> interval = duration(key, value, Duration.ofSeconds(1), Duration.ofHours(1));
                case "warn-interval" -> warnInterval = duration(key, value, Duration.ofSeconds(1), Duration.ofDays(1));
                case "ignore" -> {
                    for (String e : value.split(";", -1)) {
                        ignored.add(endpoint(e.strip()));
                    }
                }
                case "metrics-port" -> metricsPort = port(key, value);
                case "metrics-address" -> metricsAddress = address(key, value);
                default -> throw new IllegalStateException(key);
            }
        }
        if (warnInterval == null) {
            warnInterval = DEFAULT_WARN_INTERVAL.compareTo(interval) < 0 ? interval : DEFAULT_WARN_INTERVAL;
        } else if (warnInterval.compareTo(interval) < 0) {
            throw new BadOption("option warn-interval=" + Durations.format(warnInterval) + " is shorter than interval="
                    + Durations.format(interval) + "; allowed: from interval to 1d");
        }
        return new AgentOptions(interval, warnInterval, Set.copyOf(ignored), metricsPort, metricsAddress);
    }

    boolean ignores(String endpoint) {
        return !ignored.isEmpty() && ignored.contains(endpoint.toLowerCase(Locale.ROOT));
    }

    private static Duration duration(String key, String value, Duration min, Duration max) throws BadOption {
        Duration d = Durations.parse(value);
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new BadOption("option " + key + "=" + shown(value) + " is not valid; allowed: " + Durations.ALLOWED
                    + ", from " + Durations.format(min) + " to " + Durations.format(max));
        }
        return d;
    }

    private static int port(String key, String value) throws BadOption {
        if (value.matches("[0-9]{1,5}")) {
            int p = Integer.parseInt(value);
            if (p <= 65535) {
                return p;
            }
        }
        throw new BadOption("option " + key + "=" + shown(value) + " is not valid; allowed: a port from 1 to 65535, or 0 "
                + "for no /metrics");
    }

    private static String address(String key, String value) throws BadOption {
        if (!value.matches("[A-Za-z0-9.:\\[\\]%-]{1,255}")) {
            throw new BadOption("option " + key + "=" + shown(value) + " is not valid; allowed: an address or host name to "
                    + "listen on, such as 127.0.0.1 or 0.0.0.0");
        }
        return value;
    }

    /** {@code host:port} or {@code [v6]:port}, compared as the URLs write them, case aside. */
    static String endpoint(String value) throws BadOption {
        int colon = value.lastIndexOf(':');
        String host = colon > 0 ? value.substring(0, colon) : "";
        String port = colon > 0 ? value.substring(colon + 1) : "";
        boolean v6 = host.startsWith("[") && host.endsWith("]") && host.length() > 2;
        boolean hostOk = v6 ? host.substring(1, host.length() - 1).matches("[0-9A-Fa-f:.%a-zA-Z]+")
                : host.matches("[A-Za-z0-9._-]+");
        if (!hostOk || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new BadOption("option ignore=" + shown(value) + " is not valid; allowed: host:port as the JDBC URL writes "
                    + "it (db.example.com:3306, 10.0.0.5:5432, [::1]:3306), several separated by ';' or by repeating ignore=");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** A value as a message may show it: printable ASCII, at most 100 characters. */
    static String shown(String value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < value.length() && b.length() < 100; i++) {
            char c = value.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return value.length() > 100 ? b + "..." : b.toString();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add("interval=" + Durations.format(interval));
        parts.add("warn-interval=" + Durations.format(warnInterval));
        if (!ignored.isEmpty()) {
            parts.add("ignore=" + String.join(";", ignored));
        }
        if (metricsPort > 0) {
            parts.add("metrics=" + metricsAddress + ":" + metricsPort);
        }
        return String.join(", ", parts);
    }
}
