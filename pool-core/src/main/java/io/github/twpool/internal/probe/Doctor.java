package io.github.twpool.internal.probe;

import io.github.twpool.KernelSettings;
import io.github.twpool.SocketCensus;

import java.io.PrintStream;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code java -jar pool-core.jar --port 3306 [--host H] [--proc /proc]}: the census and kernel advice for an
 * endpoint, for an operator on a host where no application runs yet. The line
 * {@code time_wait client=N server=M established=K} is stable for scripts.
 */
public final class Doctor {

    private Doctor() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the doctor; returns the exit code (0 fine, 1 probe unavailable, 2 bad arguments). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String host = "127.0.0.1";
        int port = -1;
        Path proc = Path.of("/proc");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.println(usage());
                return 0;
            }
            if (i + 1 >= args.length) {
                err.println("twpool doctor: " + a + " needs a value\n" + usage());
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--host" -> host = v;
                case "--port" -> {
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        port = 0;
                    }
                    if (port < 1 || port > 65535) {
                        err.println("twpool doctor: --port " + v + ": must be a TCP port from 1 to 65535");
                        return 2;
                    }
                }
                case "--proc" -> proc = Path.of(v);
                default -> {
                    err.println("twpool doctor: unknown option " + a + "\n" + usage());
                    return 2;
                }
            }
        }
        if (port < 0) {
            err.println("twpool doctor: --port is required\n" + usage());
            return 2;
        }
        Endpoint endpoint;
        try {
            endpoint = Endpoint.resolve(host, port);
        } catch (UnknownHostException e) {
            err.println("twpool doctor: --host " + host + ": cannot be resolved");
            return 2;
        }
        // Every file goes through ProcFiles: a FIFO, a device or an endless file is refused, never waited on.
        long hostTw;
        try {
            hostTw = new SockstatReader(proc).timeWait();
        } catch (ProcFileException e) {
            err.println("twpool doctor: " + e.getMessage());
            hostTw = -1;
        } catch (Exception e) {
            hostTw = -1;
        }
        SocketCensus census;
        AutoCensus scanner = AutoCensus.open(proc, endpoint);
        try {
            census = scanner.scan();
        } catch (ProcFileException e) {
            err.println("twpool doctor: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("twpool doctor: " + proc.resolve("net/tcp") + " cannot be read (" + e + "); the probe works on Linux only");
            return 1;
        }
        KernelSettings k = KernelSettingsReader.read(proc);
        out.println("endpoint " + endpoint + " (" + endpoint.addresses().size() + " address(es), database "
                + (endpoint.local() ? "on this host" : "remote") + ")");
        out.println("time_wait client=" + census.timeWaitClient() + " server=" + census.timeWaitServer()
                + " established=" + census.established());
        out.println("time_wait_recent_10s client=" + census.clientTimeWaitNewerThan(java.time.Duration.ofSeconds(10))
                + " server=" + census.serverTimeWaitNewerThan(java.time.Duration.ofSeconds(10)));
        out.println("census method=" + scanner.describe());
        out.println("host time_wait=" + hostTw + " sockets_scanned=" + census.linesScanned()
                + String.format(Locale.ROOT, " scan_ms=%.2f", census.scanNanos() / 1e6));
        int used = census.timeWaitClient() + census.establishedClient();
        out.println(String.format(Locale.ROOT, "ephemeral_ports used=%d of=%d (%.1f%%) range=%d-%d", used, k.ephemeralPorts(),
                100.0 * used / k.ephemeralPorts(), k.portRangeLow(), k.portRangeHigh()));
        out.println("kernel " + k.kernelRelease() + " tcp_tw_reuse=" + k.tcpTwReuse() + " tcp_fin_timeout=" + k.tcpFinTimeout()
                + " tcp_max_tw_buckets=" + k.tcpMaxTwBuckets() + " tcp_timestamps=" + k.tcpTimestamps()
                + " tcp_tw_recycle=" + (k.tcpTwRecycleExists() ? "present" : "absent"));
        for (String line : k.advice()) {
            out.println("advice: " + line);
        }
        return 0;
    }

    private static String usage() {
        return "usage: java -jar pool-core.jar --port PORT [--host HOST (default 127.0.0.1)] [--proc /proc]";
    }
}
