package example.agentapp;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;

/**
 * The application of the agent's cost harness: connect, {@code SELECT 1}, close, one after another on one thread, as
 * fast as the server answers. Prints the time to the first connection since the JVM started ({@code STARTUP_MS}),
 * the mean time per connect after a warm-up ({@code NS_PER_CONNECT}) and, with a metrics port, the agent's tick
 * figures. Arguments: {@code url user password warmup connects [metricsPort]}.
 */
public final class ConnectLoop {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        int warmup = Integer.parseInt(args[3]);
        int connects = Integer.parseInt(args[4]);
        int metricsPort = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        once(url, user, password);
        long startup = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        long startupCpu = processCpuNanos();
        for (int i = 0; i < warmup; i++) {
            once(url, user, password);
        }
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < connects; i++) {
            once(url, user, password);
        }
        long elapsed = System.nanoTime() - t0;
        long cpu = processCpuNanos() - cpu0;
        // CPU time of the whole process (every thread, the agent's included): unlike wall time, a busy neighbour on the
        // machine barely moves it.
        System.out.printf(Locale.ROOT, "STARTUP_MS %d%nSTARTUP_CPU_MS %d%nNS_PER_CONNECT %d%nCPU_NS_PER_CONNECT %d%n",
                startup, startupCpu / 1_000_000, elapsed / connects, cpu / connects);
        if (metricsPort > 0) {
            try (InputStream in = URI.create("http://127.0.0.1:" + metricsPort + "/metrics").toURL().openStream()) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (line.startsWith("twpool_agent_tick")) {
                        System.out.println("METRIC " + line);
                    }
                }
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void once(String url, String user, String password) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password);
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
            r.next();
        }
    }
}
