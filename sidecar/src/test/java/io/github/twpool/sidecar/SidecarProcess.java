package io.github.twpool.sidecar;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shaded jar run as a separate process ({@code java -jar}), its output collected line by line. */
final class SidecarProcess implements AutoCloseable {

    final Process process;
    final int metricsPort;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private SidecarProcess(Process process, int metricsPort) {
        this.process = process;
        this.metricsPort = metricsPort;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    System.out.println("[sidecar] " + line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "sidecar-output");
        reader.setDaemon(true);
        reader.start();
    }

    static Path jar() {
        String p = System.getProperty("twpool.sidecar.jar");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("the shaded jar is missing (" + p + "): these tests run after package, with mvn verify");
        }
        return Path.of(p);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code java -jar twpool-sidecar.jar args...}, stdout and stderr merged. */
    static SidecarProcess start(Map<String, String> env, int metricsPort, String... args) throws IOException {
        return startAs(List.of(), env, metricsPort, args);
    }

    /** As {@link #start}, the command line after {@code prefix} (e.g. setpriv to run as another user). */
    static SidecarProcess startAs(List<String> prefix, Map<String, String> env, int metricsPort, String... args) throws IOException {
        return startWith(java(), prefix, env, metricsPort, args);
    }

    /** As {@link #startAs}, on the {@code java} given (a JDK 22+ for the netlink paths). */
    static SidecarProcess startWith(String java, List<String> prefix, Map<String, String> env, int metricsPort, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(java, "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TWPOOL_") && !k.equals("TWPOOL_LOG_LEVEL"));
        pb.environment().putAll(env);
        return new SidecarProcess(pb.start(), metricsPort);
    }

    /** {@code watch} on 127.0.0.1 with a free metrics port. */
    static SidecarProcess watch(String... args) throws IOException {
        int port = freePort();
        List<String> all = new ArrayList<>(List.of("watch", "--metrics-address", "127.0.0.1", "--metrics-port", String.valueOf(port)));
        all.addAll(List.of(args));
        return start(Map.of(), port, all.toArray(new String[0]));
    }

    /** {@code watch} on 127.0.0.1 with a free metrics port, on the {@code java} given. */
    static SidecarProcess watchWith(String java, String... args) throws IOException {
        int port = freePort();
        List<String> all = new ArrayList<>(List.of("watch", "--metrics-address", "127.0.0.1", "--metrics-port", String.valueOf(port)));
        all.addAll(List.of(args));
        return startWith(java, List.of(), Map.of(), port, all.toArray(new String[0]));
    }

    /**
     * The java of a JDK 22+ (netlink sampling, as the shipped container image runs it): this JVM's when it is one,
     * else {@code -Dtwpool.jdk22.home}, else Temurin 25 at its Debian path; fails saying so when there is none.
     */
    static String java22() {
        if (Runtime.version().feature() >= 22) {
            return java();
        }
        String home = System.getProperty("twpool.jdk22.home", "");
        for (String h : List.of(home, "/usr/lib/jvm/temurin-25-jdk-amd64")) {
            if (!h.isBlank() && Files.isExecutable(Path.of(h, "bin", "java"))) {
                return Path.of(h, "bin", "java").toString();
            }
        }
        throw new IllegalStateException("no JDK 22+ found to run the sidecar with netlink: run the tests on one, or give "
                + "-Dtwpool.jdk22.home=/path/to/jdk");
    }

    /** {@code watch} on 127.0.0.1 with a free metrics port, on the {@code java} given, with these environment variables. */
    static SidecarProcess watchWith(String java, Map<String, String> env, String... args) throws IOException {
        int port = freePort();
        List<String> all = new ArrayList<>(List.of("watch", "--metrics-address", "127.0.0.1", "--metrics-port", String.valueOf(port)));
        all.addAll(List.of(args));
        return startWith(java, List.of(), env, port, all.toArray(new String[0]));
    }

    /** utime + stime of the sidecar process, in seconds, from /proc/<pid>/stat. */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // fields 14 and 15, USER_HZ = 100
    }

    /** As {@link #watch}, with these environment variables. */
    static SidecarProcess watchWith(Map<String, String> env, String... args) throws IOException {
        int port = freePort();
        List<String> all = new ArrayList<>(List.of("watch", "--metrics-address", "127.0.0.1", "--metrics-port", String.valueOf(port)));
        all.addAll(List.of(args));
        return start(env, port, all.toArray(new String[0]));
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    String output() {
        return String.join("\n", lines());
    }

    /** Waits for a line matching {@code p}; returns it, or {@code null} after {@code timeout}. */
    String awaitLine(Predicate<String> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String l : lines()) {
                if (p.test(l)) {
                    return l;
                }
            }
            Thread.sleep(100);
        }
        return null;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/metrics");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/metrics answered " + r.statusCode());
        }
        return r.body();
    }

    /** The value of the first sample whose name and labels contain every fragment, or NaN. */
    static double sample(String metrics, String name, String... labelFragments) {
        for (String line : metrics.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String f : labelFragments) {
                all &= line.contains(f);
            }
            if (all) {
                Matcher m = Pattern.compile(" ([-+0-9.eENaInf]+)$").matcher(line);
                return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** Sends SIGTERM and waits for the exit code. */
    int terminate(Duration timeout) throws InterruptedException {
        // SIGTERM through the handle: Process.destroy() would also close our end of its output, losing the last lines.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the sidecar did not stop within " + timeout + " of SIGTERM");
        }
        reader.join(10_000); // the reader drains the last lines until end of stream
        return process.exitValue();
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the sidecar did not exit within " + timeout);
        }
        reader.join(10_000);
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
