package io.github.twpool.internal.probe;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.KernelSettings;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.internal.churn.ChurnPipeline;
import io.github.twpool.internal.churn.ConnectSignals;
import io.github.twpool.internal.churn.DetectorSettings;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs inside a network namespace made by {@link PortExhaustionNetnsIntegrationTest}, as its own JVM.
 * {@code server ADDR PORT}: accepts connections and closes each once the client has (client-side TIME_WAIT).
 * {@code client ADDR PORT RATE}: connects and closes at RATE per second until the ports run out, with twpool's probe
 * and detector ticking every second beside it; prints {@code WARNED <ms> <message>} for the first port-exhaustion
 * verdict and {@code FAILED <ms> <exception>} for the first failed connect. Bounded: 60 s or 20,000 connects.
 */
public final class PortExhaustionHarness {

    private PortExhaustionHarness() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            server(args[1], Integer.parseInt(args[2]));
        } else {
            System.exit(client(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3])));
        }
    }

    private static void server(String address, int port) throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(16);
        long deadline = System.nanoTime() + 120_000_000_000L;
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByName(address), port), 4096);
            listener.setSoTimeout(1000);
            System.out.println("LISTENING");
            System.out.flush();
            while (System.nanoTime() < deadline) {
                try {
                    Socket s = listener.accept();
                    readers.submit(() -> {
                        try (s; InputStream in = s.getInputStream()) {
                            s.setSoTimeout(5000);
                            while (in.read() >= 0) {
                                // wait for the client's FIN, then close after it
                            }
                        } catch (Exception ignored) {
                            // the client went away
                        }
                    });
                } catch (java.net.SocketTimeoutException idle) {
                    // check the deadline
                }
            }
        } finally {
            readers.shutdownNow();
        }
    }

    private static int client(String address, int port, int rate) throws Exception {
        TwPoolConfig config = TwPoolConfig.builder().url("jdbc:mysql://" + address + ":" + port + "/none").name("netns")
                .probeInterval(java.time.Duration.ofSeconds(1)).probeScanEvery(1).probeScanThreshold(0).build();
        Endpoint endpoint = Endpoint.fromJdbcUrl(config.url());
        Path proc = Path.of("/proc");
        // The raw sockets of this harness belong to no pool: the pipeline watches the endpoint as the sidecar does.
        ChurnPipeline pipeline = new ChurnPipeline(endpoint, DetectorSettings.withoutPool(config.name(), config.churnMinRate(),
                config.churnPortWarnRatio()), config.churnWarnInterval(), proc, config.probeScanEvery(),
                config.probeScanThreshold(), new ConnectSignals(), null, null, null);
        KernelSettings kernel = KernelSettingsReader.read(proc);
        System.out.println("KERNEL ports=" + kernel.ephemeralPorts() + " tw_reuse=" + kernel.tcpTwReuse());
        long start = System.nanoTime();
        long nextTick = start;
        boolean warned = false;
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(address), port);
        for (int n = 0; n < 20_000 && System.nanoTime() - start < 60_000_000_000L; n++) {
            long now = System.nanoTime();
            if (now >= nextTick) {
                for (ChurnVerdict v : pipeline.tick(now).verdicts()) {
                    if (v.cause() == ChurnCause.PORT_EXHAUSTION && !warned) {
                        warned = true;
                        System.out.println("WARNED " + (now - start) / 1_000_000 + " " + v.message());
                    }
                }
                nextTick += 1_000_000_000L;
            }
            try (Socket s = new Socket()) {
                s.connect(target, 2000);
            } catch (java.io.IOException e) {
                System.out.println("FAILED " + (System.nanoTime() - start) / 1_000_000 + " after " + n + " connects: " + e);
                System.out.flush();
                return 0;
            }
            long due = start + (long) ((n + 1) * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        System.out.println("NO_FAILURE");
        return 3;
    }
}
