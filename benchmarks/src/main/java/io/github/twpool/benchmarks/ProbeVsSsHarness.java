package io.github.twpool.benchmarks;

import io.github.twpool.SocketCensus;
import io.github.twpool.internal.probe.CensusScanner;
import io.github.twpool.internal.probe.Endpoint;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Creates real TIME_WAIT sockets on loopback (bounded: {@code --sockets N}, default 20,000, and 120 s) and times,
 * on the same sockets in one run: twpool's census scan; {@code ss -Htan state time-wait '( dport = :PORT )'};
 * {@code cat /proc/net/tcp /proc/net/tcp6}; and reading those files in the JVM without parsing (the kernel's own
 * cost of producing them). Each is repeated {@code --runs} times (default 21); median, min and max are printed.
 */
public final class ProbeVsSsHarness {

    private ProbeVsSsHarness() {
    }

    interface Timed {
        long run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int sockets = 20_000;
        int runs = 21;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--sockets" -> sockets = Math.min(50_000, Integer.parseInt(args[i + 1]));
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("options: --sockets N --runs N");
            }
        }
        try (ServerSocket listener = new ServerSocket(0, 1000, InetAddress.getByName("127.0.0.1"))) {
            int port = listener.getLocalPort();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int made = 0;
            for (; made < sockets && System.nanoTime() < deadline; made++) {
                try (Socket c = new Socket("127.0.0.1", port); Socket s = listener.accept()) {
                    if (made % 2 == 0) {
                        c.close(); // client-side TIME_WAIT
                        s.getInputStream().read();
                    } else {
                        s.close(); // server-side TIME_WAIT
                        c.getInputStream().read();
                    }
                }
            }
            Endpoint endpoint = Endpoint.resolve("127.0.0.1", port);
            CensusScanner scanner = new CensusScanner(Path.of("/proc"), endpoint);
            SocketCensus census = scanner.scan();
            int ssCount = countLines(ss(port));
            long lines = Files.lines(Path.of("/proc/net/tcp")).count() + Files.lines(Path.of("/proc/net/tcp6")).count() - 2;
            System.out.printf(Locale.ROOT, "sockets made: %d; census TIME_WAIT client=%d server=%d; ss dport count=%d; lines in /proc/net/tcp*: %d%n",
                    made, census.timeWaitClient(), census.timeWaitServer(), ssCount, lines);
            byte[] buf = new byte[1 << 16];
            List<Object[]> rows = List.of(
                    new Object[]{"twpool census (read + parse tcp, tcp6)", (Timed) () -> {
                        long t = System.nanoTime();
                        scanner.scan();
                        return System.nanoTime() - t;
                    }},
                    new Object[]{"read tcp, tcp6 in the JVM, no parsing", (Timed) () -> {
                        long t = System.nanoTime();
                        for (String f : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
                            try (InputStream in = Files.newInputStream(Path.of(f))) {
                                while (in.read(buf) > 0) {
                                    // drain
                                }
                            }
                        }
                        return System.nanoTime() - t;
                    }},
                    new Object[]{"ss -Htan state time-wait '( dport = :P )'", (Timed) () -> {
                        long t = System.nanoTime();
                        ss(port);
                        return System.nanoTime() - t;
                    }},
                    new Object[]{"cat /proc/net/tcp /proc/net/tcp6 > /dev/null", (Timed) () -> {
                        long t = System.nanoTime();
                        Process p = new ProcessBuilder("cat", "/proc/net/tcp", "/proc/net/tcp6")
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                        p.waitFor();
                        return System.nanoTime() - t;
                    }},
                    new Object[]{"true (process start only, for reference)", (Timed) () -> {
                        long t = System.nanoTime();
                        new ProcessBuilder("true").start().waitFor();
                        return System.nanoTime() - t;
                    }});
            // Warm up the JIT and the page cache; then interleave the methods so that noise hits all alike.
            for (Object[] r : rows) {
                for (int i = 0; i < 5; i++) {
                    ((Timed) r[1]).run();
                }
            }
            long[][] times = new long[rows.size()][runs];
            for (int i = 0; i < runs; i++) {
                for (int k = 0; k < rows.size(); k++) {
                    times[k][i] = ((Timed) rows.get(k)[1]).run();
                }
            }
            double base = median(times[0]);
            System.out.printf(Locale.ROOT, "%-48s %10s %10s %10s %8s%n", "method", "median ms", "min ms", "max ms", "ratio");
            for (int k = 0; k < rows.size(); k++) {
                long[] t = times[k];
                Arrays.sort(t);
                System.out.printf(Locale.ROOT, "%-48s %10.2f %10.2f %10.2f %8.2f%n", rows.get(k)[0], median(t) / 1e6,
                        t[0] / 1e6, t[t.length - 1] / 1e6, median(t) / base);
            }
        }
    }

    private static String ss(int port) throws Exception {
        Process p = new ProcessBuilder("ss", "-Htan", "state", "time-wait", "( dport = :" + port + " )")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private static int countLines(String s) {
        return (int) s.lines().filter(l -> !l.isBlank()).count();
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
