package io.github.twpool.sidecar;

import io.github.twpool.metrics.ClientHostMetrics;
import io.github.twpool.metrics.TwPoolMetrics;
import io.github.twpool.spi.Durations;
import io.github.twpool.internal.probe.Doctor;
import io.github.twpool.internal.probe.Endpoint;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar twpool-sidecar.jar watch|census ...}: twpool's probe and churn detector for a service in any
 * language, beside it (a second container in its pod, a systemd service on its host). See {@link SidecarOptions#usage()}
 * for the options and exit codes.
 */
public final class Sidecar implements AutoCloseable {

    static final int EXIT_OK = 0;
    static final int EXIT_PROC_UNREADABLE = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_METRICS_PORT = 3;

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.sidecar");

    private final SidecarOptions options;
    private final List<EndpointWatcher> watchers;
    private final MetricsServer http;
    private final List<ClientHostMetrics> clientHosts;
    private final long startedNanos = System.nanoTime();

    private Sidecar(SidecarOptions options, List<EndpointWatcher> watchers, MetricsServer http,
                    List<ClientHostMetrics> clientHosts) {
        this.options = options;
        this.watchers = watchers;
        this.http = http;
        this.clientHosts = clientHosts;
    }

    /** A startup failure with its exit code and the one line that explains it. */
    static final class StartException extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        StartException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
    }

    /**
     * Runs a command; returns its exit code, or -1 after {@code watch} started (it then runs until the JVM is told to
     * stop; its shutdown hook stops it cleanly).
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"))) {
            out.println(SidecarOptions.usage());
            return EXIT_OK;
        }
        SidecarOptions o;
        try {
            o = SidecarOptions.parse(args, env);
        } catch (UsageException e) {
            err.println("twpool sidecar: " + e.getMessage());
            err.println("(java -jar twpool-sidecar.jar --help for the options)");
            return EXIT_USAGE;
        }
        if (o.command().equals("census")) {
            return census(o, out, err);
        }
        Sidecar sidecar;
        try {
            sidecar = start(o);
        } catch (StartException e) {
            err.println("twpool sidecar: " + e.getMessage());
            return e.exitCode;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("twpool sidecar: stopping (signal received).");
            sidecar.close();
            stopped.countDown();
        }, "twpool-sidecar-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    private static int census(SidecarOptions o, PrintStream out, PrintStream err) {
        int worst = EXIT_OK;
        for (SidecarOptions.HostPort hp : o.endpoints()) {
            int code = Doctor.run(new String[] {"--host", hp.host(), "--port", String.valueOf(hp.port()),
                    "--proc", o.proc().toString()}, out, err);
            worst = Math.max(worst, code);
        }
        return worst;
    }

    /** Checks {@code /proc}, resolves the endpoints, binds the metrics port and starts watching. */
    static Sidecar start(SidecarOptions o) throws StartException {
        checkProc(o.proc());
        List<Endpoint> endpoints = new ArrayList<>();
        for (SidecarOptions.HostPort hp : o.endpoints()) {
            try {
                endpoints.add(Endpoint.resolve(hp.host(), hp.port()));
            } catch (UnknownHostException | SecurityException e) {
                throw new StartException(EXIT_USAGE, "--endpoint " + hp + ": the host " + hp.host() + " cannot be resolved");
            }
        }
        List<EndpointWatcher> watchers = new ArrayList<>();
        for (Endpoint e : endpoints) {
            watchers.add(new EndpointWatcher(e, o));
        }
        PrometheusMeterRegistry registry = MetricsServer.newRegistry();
        List<ClientHostMetrics> clientHosts = new ArrayList<>();
        // The sidecar's own cost, for whoever runs it beside every service.
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
        MetricsServer http = null;
        if (o.metricsPort() != 0) {
            try {
                http = new MetricsServer(o.metricsAddress(), o.metricsPort(), registry, watchers);
            } catch (IOException | RuntimeException e) {
                throw new StartException(EXIT_METRICS_PORT, "--metrics-port " + o.metricsPort() + " on " + o.metricsAddress()
                        + ": cannot listen (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + "); choose another port or address, or 0 to serve no metrics");
            }
        }
        for (EndpointWatcher w : watchers) {
            // The same churn meters a pool has, over the same report; the process meters are the sidecar's own.
            TwPoolMetrics.forReports(w, EndpointWatcher::report, Tags.of("endpoint", w.endpoint().toString())).bindTo(registry);
            w.afterTick(new SidecarMetrics(registry, w)::refreshProcesses);
            if (o.user() != null) {
                // Beside the database, one sidecar with --user reports every client host the server names.
                ClientHostMetrics clients = new ClientHostMetrics(() -> w.report().server(), () -> false,
                        Tags.of("endpoint", w.endpoint().toString()), ClientHostMetrics.DEFAULT_MAX_CLIENTS,
                        ClientHostMetrics.DEFAULT_REFRESH);
                clients.bindTo(registry);
                clientHosts.add(clients);
            }
        }
        Sidecar s = new Sidecar(o, watchers, http, clientHosts);
        if (http != null) {
            http.start();
        }
        LOG.info("twpool sidecar: watching {} every {}; metrics {}; server status {}.",
                endpoints, Durations.format(o.interval()),
                http == null ? "off" : "on http://" + o.metricsAddress() + ":" + http.port() + "/metrics (and /health)",
                o.user() == null ? "off (give --user and --password-env or --password-file to compare with the server's count)"
                        : "as user " + o.user() + (o.password().present() ? " (password from " + o.password().source() + ")" : " (no password)"));
        for (EndpointWatcher w : watchers) {
            w.start();
        }
        return s;
    }

    private static void checkProc(Path proc) throws StartException {
        Path tcp = proc.resolve("net/tcp");
        if (Files.exists(tcp) && !Files.isRegularFile(tcp)) {
            // a crafted --proc: a FIFO there would block the first read forever
            throw new StartException(EXIT_PROC_UNREADABLE, tcp + " is not a regular file: --proc must be a procfs");
        }
        try (InputStream in = Files.newInputStream(tcp)) {
            in.read(new byte[256]);
        } catch (IOException | RuntimeException e) {
            throw new StartException(EXIT_PROC_UNREADABLE, tcp + " cannot be read (" + e.getClass().getSimpleName()
                    + "): the sidecar counts sockets in Linux's procfs; give --proc the procfs of the service's network "
                    + "namespace (in a pod, the sidecar's own /proc is it)");
        }
    }

    /** The port /metrics listens on, or -1 without. */
    int metricsPort() {
        return http == null ? -1 : http.port();
    }

    List<EndpointWatcher> watchers() {
        return watchers;
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        for (EndpointWatcher w : watchers) {
            w.close();
        }
        clientHosts.forEach(ClientHostMetrics::close);
        StringBuilder written = new StringBuilder();
        for (EndpointWatcher w : watchers) {
            w.report().warnings().forEach((cause, n) ->
                    written.append(' ').append(w.endpoint()).append(' ').append(cause.tag()).append('=').append(n));
        }
        LOG.info("twpool sidecar: stopped after {}s; warnings written:{}.", (System.nanoTime() - startedNanos) / 1_000_000_000L,
                written.length() == 0 ? " none" : written);
    }
}
