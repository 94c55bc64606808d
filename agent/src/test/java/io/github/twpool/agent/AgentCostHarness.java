package io.github.twpool.agent;

import example.agentapp.Caller;
import io.github.twpool.testsupport.TestDatabase;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the agent costs an application, measured against the same application without it (docs/BENCHMARKS.md):
 * <ul>
 *   <li>per connect, end to end: {@code example.agentapp.ConnectLoop} (connect, {@code SELECT 1}, close, one thread)
 *       in JVMs of its own, without and with {@code -javaagent}, in ABBA order per round;</li>
 *   <li>per connect, the agent's own work alone: {@link ConnectRecorder#connected} (endpoint, stack walk, counting)
 *       called from a stack 40 frames deep, as a connect through a pool or a framework has it;</li>
 *   <li>per tick: the agent thread's CPU and wall time per tick, from its /metrics, at a 1 s interval while the
 *       loop churns (the census then holds the loop's TIME_WAIT sockets);</li>
 *   <li>at start: the time from JVM start to the first connection (the instrumentation's set-up).</li>
 * </ul>
 * Not a test: run it on a machine as quiet as can be had; the ratios are taken within one run.
 * Arguments: {@code [rounds] [connects]} (3 and 2000).
 */
public final class AgentCostHarness {

    private static final Pattern NS = Pattern.compile("(?m)^NS_PER_CONNECT (\\d+)");
    private static final Pattern STARTUP = Pattern.compile("STARTUP_MS (\\d+)");
    private static final Pattern CPU = Pattern.compile("CPU_NS_PER_CONNECT (\\d+)");
    private static final Pattern STARTUP_CPU = Pattern.compile("STARTUP_CPU_MS (\\d+)");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int connects = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        TestDatabase db = TestDatabase.get();
        System.out.printf(Locale.ROOT, "database %s, %d rounds of %d connects, java %s%n", db, rounds, connects,
                Runtime.version());

        recorderCost();

        double[] sum = new double[2];
        double[] cpu = new double[2];
        double[] startup = new double[2];
        double[] startupCpu = new double[2];
        double ticks = 0;
        double tickCpu = 0;
        double tickWall = 0;
        for (int r = 0; r < rounds; r++) {
            for (boolean agent : new boolean[] {false, true, true, false}) {
                int port = agent ? freePort() : 0;
                String out = run(db, agent, connects, port);
                long ns = Long.parseLong(find(NS, out));
                sum[agent ? 1 : 0] += ns;
                long cpuNs = Long.parseLong(find(CPU, out));
                cpu[agent ? 1 : 0] += cpuNs;
                startup[agent ? 1 : 0] += Long.parseLong(find(STARTUP, out));
                startupCpu[agent ? 1 : 0] += Long.parseLong(find(STARTUP_CPU, out));
                if (agent) {
                    ticks += metric(out, "twpool_agent_ticks_total");
                    tickCpu += metric(out, "twpool_agent_tick_cpu_seconds_total");
                    tickWall += metric(out, "twpool_agent_tick_seconds_total");
                }
                System.out.printf(Locale.ROOT, "round %d %-13s %8.1f us/connect, %7.1f us CPU/connect%n", r + 1,
                        agent ? "with agent" : "without", ns / 1000.0, cpuNs / 1000.0);
            }
        }
        double without = sum[0] / (2.0 * rounds);
        double with = sum[1] / (2.0 * rounds);
        System.out.printf(Locale.ROOT, "per connect: without %.1f us, with %.1f us, ratio %.3f (%+.1f us)%n",
                without / 1000, with / 1000, with / without, (with - without) / 1000);
        System.out.printf(Locale.ROOT, "CPU per connect (the process's, every thread): without %.1f us, with %.1f us, ratio %.3f (%+.1f us)%n",
                cpu[0] / (2000.0 * rounds), cpu[1] / (2000.0 * rounds), cpu[1] / cpu[0], (cpu[1] - cpu[0]) / (2000.0 * rounds));
        System.out.printf(Locale.ROOT, "to the first connection: without %.0f ms, with %.0f ms (%+.0f ms); CPU without %.0f ms, with %.0f ms (%+.0f ms)%n",
                startup[0] / (2.0 * rounds), startup[1] / (2.0 * rounds), (startup[1] - startup[0]) / (2.0 * rounds),
                startupCpu[0] / (2.0 * rounds), startupCpu[1] / (2.0 * rounds), (startupCpu[1] - startupCpu[0]) / (2.0 * rounds));
        System.out.printf(Locale.ROOT, "per tick (1 s interval, one endpoint, %.0f ticks): %.2f ms CPU, %.2f ms wall%n",
                ticks, tickCpu * 1000 / ticks, tickWall * 1000 / ticks);
    }

    /** The agent's work per connect, alone, at a realistic stack depth, and its two parts. */
    private static void recorderCost() {
        ConnectRecorder recorder = new ConnectRecorder(AgentOptions.DEFAULTS);
        String url = "jdbc:mysql://db.example.com:3306/app?useSSL=true&password=not-kept";
        String driver = "com.mysql.cj.jdbc.NonRegisteringDriver";
        Runnable whole = () -> recorder.connected(url, driver, null);
        Runnable endpoint = () -> io.github.twpool.internal.probe.Endpoint.displayOf(url);
        Runnable walk = () -> Opener.current(driver);
        System.out.printf(Locale.ROOT, "the agent's own work per connect (under 40 frames of application code): %.2f us "
                        + "(of which the endpoint from the URL %.2f us, the stack walk %.2f us)%n",
                perCall(whole), perCall(endpoint), perCall(walk));
    }

    private static double perCall(Runnable r) {
        for (int i = 0; i < 100_000; i++) {
            Caller.deep(40, r);
        }
        int n = 300_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Caller.deep(40, r);
        }
        return (System.nanoTime() - t0) / (double) n / 1000.0;
    }

    private static String run(TestDatabase db, boolean agent, int connects, int port) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (agent) {
            cmd.add("-javaagent:" + AgentApplicationsIntegrationTest.agentJar() + "=interval=1s,metrics-port=" + port);
        }
        cmd.add("-cp");
        cmd.add(Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(AgentApplicationsIntegrationTest::applicationHasIt)
                .collect(Collectors.joining(File.pathSeparator)));
        cmd.addAll(List.of("example.agentapp.ConnectLoop", db.jdbcUrl(), db.username(), db.password(),
                String.valueOf(connects / 4), String.valueOf(connects), String.valueOf(port)));
        Path out = Files.createTempFile("twpool-agent-cost", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the loop did not end within 600 s");
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("the loop failed: " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static String find(Pattern p, String out) {
        Matcher m = p.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException(p + " not in: " + out);
        }
        return m.group(1);
    }

    private static double metric(String out, String name) {
        return out.lines().filter(l -> l.startsWith("METRIC " + name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow(() -> new IllegalStateException(name + " in " + out));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
