package io.github.twpool.sidecar;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} (Prometheus text format, from Micrometer's Prometheus registry) and {@code GET /health} on the
 * JDK's HTTP server, one thread. {@code /health} answers 200 while every endpoint's watcher ticks, 503 when one has
 * not ticked for three intervals (stuck); a probe that cannot read {@code /proc} is reported in the body, not as
 * unhealthy, since restarting would not fix it.
 */
final class MetricsServer implements AutoCloseable {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final List<EndpointWatcher> watchers;

    MetricsServer(String address, int port, PrometheusMeterRegistry registry, List<EndpointWatcher> watchers) throws IOException {
        this.registry = registry;
        this.watchers = watchers;
        this.server = HttpServer.create(new InetSocketAddress(address, port), 16);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "twpool-sidecar-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", this::metrics);
        server.createContext("/health", this::health);
        server.createContext("/", ex -> respond(ex, 404, "text/plain; charset=utf-8", "not found: /metrics or /health\n"));
    }

    static PrometheusMeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    void start() {
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void metrics(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            respond(ex, 405, "text/plain; charset=utf-8", "GET only\n");
            return;
        }
        respond(ex, 200, PROMETHEUS_TEXT, registry.scrape());
    }

    private void health(HttpExchange ex) throws IOException {
        long now = System.nanoTime();
        boolean ok = true;
        StringBuilder body = new StringBuilder();
        for (EndpointWatcher w : watchers) {
            boolean stuck = now - w.tickedAtNanos() > 3 * w.interval().toNanos() + 30_000_000_000L;
            ok &= !stuck;
            body.append(w.endpoint()).append(' ').append(stuck ? "stuck" : w.report().probeStatus()).append('\n');
        }
        respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", (ok ? "ok\n" : "unhealthy\n") + body);
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
