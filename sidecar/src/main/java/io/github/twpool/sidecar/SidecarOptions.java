package io.github.twpool.sidecar;

import io.github.twpool.spi.Durations;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of the sidecar, with every option also read from a {@code TWPOOL_*} environment variable
 * ({@code --metrics-port} from {@code TWPOOL_METRICS_PORT}; the command line wins). Every value is checked here,
 * before anything is opened. A password is never an option: command lines show in {@code ps} and
 * {@code /proc/<pid>/cmdline}.
 *
 * @param command        {@code watch} or {@code census}
 * @param endpoints      {@code host:port} of each database to watch
 * @param interval       how often each endpoint is probed
 * @param metricsAddress the address {@code /metrics} and {@code /health} listen on
 * @param metricsPort    their port; 0 turns the HTTP server off
 * @param proc           the procfs root
 * @param user           the database user for the server's status, or {@code null}
 * @param password       its password
 * @param minRate        new connections/s below which nothing is churn
 * @param warnInterval   the shortest gap between two warnings of one cause
 */
record SidecarOptions(String command, List<HostPort> endpoints, Duration interval, String metricsAddress, int metricsPort,
                      Path proc, String user, Password password, double minRate, Duration warnInterval) {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    static final int DEFAULT_METRICS_PORT = 9464;
    /** All interfaces: Prometheus scrapes a sidecar from outside its pod, as it does every exporter. */
    static final String DEFAULT_METRICS_ADDRESS = "0.0.0.0";
    static final int PASSWORD_FILE_MAX_BYTES = 4096;

    /** One endpoint as given, resolved later. */
    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Options of {@code watch}; {@code census} takes {@code --endpoint} and {@code --proc}. */
    static final List<String> WATCH = List.of("endpoint", "interval", "metrics-address", "metrics-port", "proc", "user",
            "password-env", "password-file", "min-rate", "warn-interval");
    static final List<String> CENSUS = List.of("endpoint", "proc");

    static String envName(String option) {
        return "TWPOOL_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    static SidecarOptions parse(String[] args, Map<String, String> env) throws UsageException {
        if (args.length == 0) {
            throw new UsageException("a command is required: watch or census");
        }
        String command = args[0];
        List<String> allowed = switch (command) {
            case "watch" -> WATCH;
            case "census" -> CENSUS;
            default -> throw new UsageException("unknown command '" + printable(command) + "': watch or census");
        };
        Map<String, List<String>> given = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + printable(a) + "': options start with --");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("password") || name.startsWith("password=")) {
                // Never echo what follows: it may be the password.
                throw new UsageException("--password is not accepted: a command line shows in ps and /proc/<pid>/cmdline. "
                        + "Use --password-env VAR (the name of an environment variable holding it) or --password-file FILE");
            }
            if (!allowed.contains(name)) {
                throw new UsageException("unknown option --" + printable(name) + " for " + command + "; allowed: --"
                        + String.join(", --", allowed));
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            given.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        for (String name : allowed) {
            String fromEnv = env.get(envName(name));
            if (!given.containsKey(name) && fromEnv != null && !fromEnv.isBlank()) {
                List<String> values = new ArrayList<>();
                for (String v : name.equals("endpoint") ? fromEnv.split(",") : new String[] {fromEnv}) {
                    values.add(v.trim());
                }
                given.put(name, values);
            }
        }
        List<HostPort> endpoints = new ArrayList<>();
        for (String e : given.getOrDefault("endpoint", List.of())) {
            for (String part : e.split(",")) {
                endpoints.add(hostPort(part.trim()));
            }
        }
        if (endpoints.isEmpty()) {
            throw new UsageException("--endpoint is required (or " + envName("endpoint") + "): host:port of the database, "
                    + "e.g. --endpoint 127.0.0.1:3306; repeat it for more");
        }
        Duration interval = duration(given, "interval", DEFAULT_INTERVAL, Duration.ofMillis(100), Duration.ofHours(1));
        Duration warnInterval = duration(given, "warn-interval", Duration.ofMinutes(5), Duration.ZERO, Duration.ofDays(1));
        int port = integer(given, "metrics-port", DEFAULT_METRICS_PORT, 0, 65535);
        String address = single(given, "metrics-address", DEFAULT_METRICS_ADDRESS);
        Path proc = Path.of(single(given, "proc", "/proc"));
        double minRate = decimal(given, "min-rate", 2.0, 0.01, 1_000_000);
        String user = single(given, "user", null);
        String passwordEnv = single(given, "password-env", null);
        String passwordFile = single(given, "password-file", null);
        if (passwordEnv != null && passwordFile != null) {
            throw new UsageException("--password-env and --password-file are both given: choose one");
        }
        Password password = Password.NONE;
        if (passwordEnv != null) {
            String v = env.get(passwordEnv);
            if (v == null) {
                throw new UsageException("--password-env " + printable(passwordEnv) + ": no such environment variable is set");
            }
            password = new Password(v.toCharArray(), "environment variable " + passwordEnv);
        } else if (passwordFile != null) {
            password = new Password(readPasswordFile(Path.of(passwordFile)), "file " + passwordFile);
        }
        if (password.present() && user == null) {
            throw new UsageException("a password is given (" + password.source() + ") but no --user");
        }
        return new SidecarOptions(command, List.copyOf(endpoints), interval, address, port, proc, user, password,
                minRate, warnInterval);
    }

    /** The file's first line (a trailing newline is not part of a password); bounded, never a FIFO or device. */
    static char[] readPasswordFile(Path file) throws UsageException {
        try {
            Path real = file.toRealPath();
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new UsageException("--password-file " + file + ": not a regular file");
            }
            byte[] b;
            try (InputStream in = Files.newInputStream(real)) {
                b = in.readNBytes(PASSWORD_FILE_MAX_BYTES + 1);
            }
            if (b.length > PASSWORD_FILE_MAX_BYTES) {
                throw new UsageException("--password-file " + file + ": longer than " + PASSWORD_FILE_MAX_BYTES
                        + " bytes, not a password file");
            }
            String s = new String(b, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            if (nl >= 0) {
                s = s.substring(0, nl);
            }
            if (s.endsWith("\r")) {
                s = s.substring(0, s.length() - 1);
            }
            return s.toCharArray();
        } catch (IOException e) {
            throw new UsageException("--password-file " + file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    static HostPort hostPort(String s) throws UsageException {
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new UsageException("--endpoint " + printable(s) + ": must be host:port, e.g. db:3306 or [::1]:3306");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw new UsageException("--endpoint " + printable(s) + ": must be host:port, e.g. db:3306 or [::1]:3306");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535 || host.isBlank()) {
            throw new UsageException("--endpoint " + printable(s) + ": the port must be from 1 to 65535 and the host not empty");
        }
        return new HostPort(host, p);
    }

    private static String single(Map<String, List<String>> given, String name, String dflt) throws UsageException {
        List<String> v = given.get(name);
        if (v == null) {
            return dflt;
        }
        if (v.size() > 1) {
            throw new UsageException("--" + name + " is given " + v.size() + " times; give it once");
        }
        return v.get(0);
    }

    private static Duration duration(Map<String, List<String>> given, String name, Duration dflt, Duration min, Duration max)
            throws UsageException {
        String s = single(given, name, null);
        if (s == null) {
            return dflt;
        }
        Duration d;
        try {
            d = Durations.parse(s);
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new UsageException("--" + name + " " + printable(s) + ": must be " + Durations.ALLOWED + ", from "
                    + Durations.format(min) + " to " + Durations.format(max));
        }
        return d;
    }

    private static int integer(Map<String, List<String>> given, String name, int dflt, int min, int max) throws UsageException {
        String s = single(given, name, null);
        if (s == null) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(s.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " " + printable(s) + ": must be an integer from " + min + " to " + max);
    }

    private static double decimal(Map<String, List<String>> given, String name, double dflt, double min, double max)
            throws UsageException {
        String s = single(given, name, null);
        if (s == null) {
            return dflt;
        }
        try {
            double v = Double.parseDouble(s.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " " + printable(s) + ": must be a number from " + min + " to " + max);
    }

    /** A value as it may be shown in a message: bounded, without control characters. */
    static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    static String usage() {
        return String.join("\n",
                "usage: java -jar twpool-sidecar.jar watch --endpoint HOST:PORT [--endpoint HOST:PORT ...] [options]",
                "       java -jar twpool-sidecar.jar census --endpoint HOST:PORT [--proc /proc]",
                "watch options (each also from the environment, e.g. TWPOOL_METRICS_PORT; TWPOOL_ENDPOINT takes a comma list):",
                "  --interval 10s            how often each endpoint is probed",
                "  --metrics-port 9464       /metrics (Prometheus) and /health; 0 turns them off",
                "  --metrics-address 0.0.0.0 the address they listen on",
                "  --proc /proc              the procfs to read",
                "  --user U                  the database user for the server's status (SHOW GLOBAL STATUS; pg_stat_database on port 5432)",
                "  --password-env VAR        the environment variable holding its password (never --password)",
                "  --password-file FILE      or the file holding it (first line)",
                "  --min-rate 2              new connections/s below which nothing is churn",
                "  --warn-interval 5m        the shortest gap between two warnings of one cause",
                "exit codes: 0 census done; 143 (130) watch stopped by SIGTERM (SIGINT), the JVM's 128+signal;",
                "            1 /proc cannot be read; 2 bad options; 3 the metrics port cannot be bound");
    }
}
