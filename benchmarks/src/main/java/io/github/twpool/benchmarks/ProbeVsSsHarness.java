package io.github.twpool.benchmarks;

import io.github.twpool.SocketCensus;
import io.github.twpool.internal.probe.AutoCensus;
import io.github.twpool.internal.probe.CensusScanner;
import io.github.twpool.internal.probe.CensusSource;
import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.internal.probe.NetlinkUnavailableException;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The census against {@code ss} on real TIME_WAIT sockets on loopback, both census methods in one run, at growing
 * sizes (default 12,000, 30,000 and 100,000 sockets; {@code --sizes 12000,30000}). The endpoint is one port on
 * 127.0.0.1..127.0.0.8 (a listener on each, as a multi-host URL would give), connections go to them in turn, half
 * closed first by the client and half by the server: eight destinations give eight times the ephemeral ports, without
 * binding clients to a source address (an explicitly bound port is withheld from every other connect() on the host
 * until its TIME_WAIT ends; other engineers' tests share this host). With {@code --unrelated-percent P}, P % of the
 * sockets go to a second port the census does not watch (a busy host: the kernel filter skips those on the netlink
 * path).
 *
 * <p>At each size, after a warm-up, {@code --runs} rounds (default 11) interleave: the {@code /proc} census, the
 * netlink census (Java 22+ with {@code --enable-native-access=ALL-UNNAMED}; otherwise it is reported unavailable) and
 * {@code ss -Htan state time-wait state established '( dport = :P or sport = :P )'}, the same question. One line per
 * method and size, for scripts:
 * {@code census_vs_ss sockets=<n> method=<netlink|proc> census_ms=<m> ss_ms=<s> ratio=<r>} (medians; ratio =
 * census/ss).
 *
 * <p>Bounded: at most 150,000 sockets and 50 s of socket creation (TIME_WAIT lasts 60 s, so the sockets of the first
 * size are still there at the last); everything it opens is closed when it ends, and the TIME_WAIT sockets it leaves
 * expire by themselves within 60 s. Loopback only.
 */
public final class ProbeVsSsHarness {

    private static final int MAX_SOCKETS = 150_000;
    private static final long CREATE_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(50);
    private static final int ADDRESSES = 8;

    private ProbeVsSsHarness() {
    }

    interface Timed {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = {12_000, 30_000, 100_000};
        int runs = 11;
        int unrelatedPercent = 0;
        boolean reference = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--sizes" -> sizes = Arrays.stream(args[i + 1].split(",")).mapToInt(s -> Integer.parseInt(s.trim()))
                        .map(n -> Math.min(MAX_SOCKETS, n)).sorted().toArray();
                case "--sockets" -> sizes = new int[]{Math.min(MAX_SOCKETS, Integer.parseInt(args[i + 1]))};
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--unrelated-percent" -> unrelatedPercent = Math.max(0, Math.min(90, Integer.parseInt(args[i + 1])));
                case "--reference" -> reference = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException(
                        "options: --sizes N,N,.. --runs N --unrelated-percent P (0-90) --reference true|false");
            }
        }
        System.out.printf(Locale.ROOT, "java %s; cores %d; sizes %s; runs %d; unrelated %d%%%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), Arrays.toString(sizes), runs, unrelatedPercent);
        List<ServerSocket> listeners = listeners();
        List<ServerSocket> unrelated = listeners();
        try {
            int port = listeners.get(0).getLocalPort();
            List<InetAddress> addresses = new ArrayList<>();
            listeners.forEach(l -> addresses.add(l.getInetAddress()));
            Endpoint endpoint = new Endpoint("127.0.0.1-" + ADDRESSES + ":" + port, addresses, port);
            CensusSource proc = new CensusScanner(Path.of("/proc"), endpoint);
            CensusSource netlink;
            try {
                netlink = AutoCensus.netlink(endpoint);
                netlink.scan();
            } catch (NetlinkUnavailableException e) {
                netlink = null;
                System.out.println("netlink census unavailable: " + e.getMessage()
                        + " (it needs Java 22+ and --enable-native-access=ALL-UNNAMED); measuring /proc only");
            }
            long createDeadline = System.nanoTime() + CREATE_BUDGET_NANOS;
            int made = 0;
            int madeUnrelated = 0;
            for (int size : sizes) {
                int target = size * (100 - unrelatedPercent) / 100;
                int targetUnrelated = size - target;
                while ((made < target || madeUnrelated < targetUnrelated) && System.nanoTime() < createDeadline) {
                    boolean toUnrelated = madeUnrelated < targetUnrelated
                            && (made >= target || (long) madeUnrelated * target < (long) made * targetUnrelated);
                    int n = toUnrelated ? madeUnrelated : made;
                    timeWait((toUnrelated ? unrelated : listeners).get((n / 2) % ADDRESSES), n);
                    if (toUnrelated) {
                        madeUnrelated++;
                    } else {
                        made++;
                    }
                }
                if (made + madeUnrelated < size) {
                    System.out.printf(Locale.ROOT, "stopped at %d sockets: the creation budget of %d s is spent%n",
                            made + madeUnrelated, TimeUnit.NANOSECONDS.toSeconds(CREATE_BUDGET_NANOS));
                }
                measure(port, proc, netlink, runs, reference);
                if (made + madeUnrelated < size) {
                    break;
                }
            }
        } finally {
            for (ServerSocket l : listeners) {
                l.close();
            }
            for (ServerSocket l : unrelated) {
                l.close();
            }
        }
    }

    /** A listener on one port on each of 127.0.0.1..127.0.0.8. */
    private static List<ServerSocket> listeners() throws IOException {
        for (int attempt = 0; ; attempt++) {
            List<ServerSocket> out = new ArrayList<>();
            try {
                out.add(new ServerSocket(0, 4096, InetAddress.getByName("127.0.0.1")));
                int port = out.get(0).getLocalPort();
                for (int i = 2; i <= ADDRESSES; i++) {
                    out.add(new ServerSocket(port, 4096, InetAddress.getByName("127.0.0." + i)));
                }
                return out;
            } catch (IOException e) {
                for (ServerSocket l : out) {
                    l.close();
                }
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** One TIME_WAIT socket: even {@code n} the client closes first (client side), odd the server (server side). */
    private static void timeWait(ServerSocket listener, int n) throws IOException {
        try (Socket c = new Socket()) {
            c.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()));
            try (Socket s = listener.accept()) {
                Socket first = n % 2 == 0 ? c : s;
                Socket second = first == c ? s : c;
                first.close();
                InputStream in = second.getInputStream();
                in.read(); // the FIN: the side that closes second does not linger in TIME_WAIT
            }
        }
    }

    private static void measure(int port, CensusSource proc, CensusSource netlink, int runs, boolean reference)
            throws Exception {
        SocketCensus p = proc.scan();
        int ss = ssCount(port);
        long host = Files.lines(Path.of("/proc/net/tcp")).count() + Files.lines(Path.of("/proc/net/tcp6")).count() - 2;
        String nl = "";
        if (netlink != null) {
            SocketCensus n = netlink.scan();
            nl = String.format(Locale.ROOT, "; netlink census time_wait client=%d server=%d (read %d sockets)",
                    n.timeWaitClient(), n.timeWaitServer(), n.linesScanned());
        }
        System.out.printf(Locale.ROOT, "sockets to the endpoint: ss=%d; proc census time_wait client=%d server=%d"
                        + " (read %d sockets)%s; sockets on the host (tcp+tcp6 lines): %d%n",
                ss, p.timeWaitClient(), p.timeWaitServer(), p.linesScanned(), nl, host);
        Map<String, Timed> methods = new LinkedHashMap<>();
        methods.put("proc", proc::scan);
        if (netlink != null) {
            methods.put("netlink", netlink::scan);
        }
        methods.put("ss", () -> ssCount(port));
        if (reference) {
            byte[] buf = new byte[1 << 16];
            methods.put("read /proc/net/tcp* in the JVM, no parsing", () -> {
                for (String f : new String[]{"/proc/net/tcp", "/proc/net/tcp6"}) {
                    try (InputStream in = Files.newInputStream(Path.of(f))) {
                        while (in.read(buf) > 0) {
                            // drain: the kernel's cost of producing the text
                        }
                    }
                }
            });
            methods.put("cat /proc/net/tcp /proc/net/tcp6 > /dev/null", () -> new ProcessBuilder("cat",
                    "/proc/net/tcp", "/proc/net/tcp6").redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor());
            methods.put("true (process start only)", () -> new ProcessBuilder("true").start().waitFor());
        }
        // Warm up the JIT and the page cache; then interleave so that noise on this host hits all alike.
        for (Timed t : methods.values()) {
            for (int i = 0; i < 3; i++) {
                t.run();
            }
        }
        Map<String, long[]> times = new LinkedHashMap<>();
        methods.keySet().forEach(k -> times.put(k, new long[runs]));
        for (int r = 0; r < runs; r++) {
            for (Map.Entry<String, Timed> m : methods.entrySet()) {
                long t0 = System.nanoTime();
                m.getValue().run();
                times.get(m.getKey())[r] = System.nanoTime() - t0;
            }
        }
        double ssMs = median(times.get("ss")) / 1e6;
        for (String method : List.of("proc", "netlink")) {
            if (!times.containsKey(method)) {
                continue;
            }
            long[] t = times.get(method);
            double ms = median(t) / 1e6;
            System.out.printf(Locale.ROOT, "census_vs_ss sockets=%d method=%s census_ms=%.2f ss_ms=%.2f ratio=%.3f"
                            + "  (census min %.2f max %.2f; ss min %.2f max %.2f)%n", ss, method, ms, ssMs, ms / ssMs,
                    min(t) / 1e6, max(t) / 1e6, min(times.get("ss")) / 1e6, max(times.get("ss")) / 1e6);
        }
        for (Map.Entry<String, long[]> e : times.entrySet()) {
            if (e.getKey().contains(" ")) {
                System.out.printf(Locale.ROOT, "reference sockets=%d ms=%.2f ratio_to_ss=%.3f  %s%n", ss,
                        median(e.getValue()) / 1e6, median(e.getValue()) / 1e6 / ssMs, e.getKey());
            }
        }
    }

    /** {@code ss} asked the census's question: TIME_WAIT and ESTABLISHED sockets from or to the port. */
    private static int ssCount(int port) throws Exception {
        Process p = new ProcessBuilder("ss", "-Htan", "state", "time-wait", "state", "established",
                "( dport = :" + port + " or sport = :" + port + " )").redirectErrorStream(true).start();
        int lines = 0;
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        p.waitFor();
        return lines;
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static long min(long[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static long max(long[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
