package io.github.twpool.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnRates;
import io.github.twpool.ChurnReport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * {@code GET /metrics} in the Prometheus text format: the connects the agent counted per endpoint and opener (a pool
 * by name, or the application), the detector's rates and verdicts, and the agent's own cost. Labels carry
 * {@code host:port} and pool names, never a URL. Served on one daemon thread.
 */
final class MetricsServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final AgentRuntime runtime;

    MetricsServer(AgentRuntime runtime, String address, int port) throws IOException {
        this.runtime = runtime;
        this.server = HttpServer.create(new InetSocketAddress(address, port), 16);
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "twpool-agent-metrics");
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", this::metrics);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void metrics(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = render(runtime).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static String render(AgentRuntime runtime) {
        StringBuilder b = new StringBuilder(2048);
        help(b, "twpool_agent_connections_opened_total", "counter",
                "Connections JDBC drivers opened in this JVM, by endpoint and opener (a pool's name, or application).");
        help(b, "twpool_agent_connection_failures_total", "counter", "Connects a JDBC driver failed, by endpoint.");
        help(b, "twpool_agent_churn_connections_per_second", "gauge",
                "The detector's rates on its last tick: endpoint (all new connections), jvm (this JVM outside a pool).");
        help(b, "twpool_agent_verdict_active", "gauge", "1 while the detector finds churn of that cause.");
        help(b, "twpool_agent_warnings_total", "counter", "Warnings written, by endpoint and cause.");
        StringBuilder opened = new StringBuilder();
        StringBuilder failed = new StringBuilder();
        StringBuilder rates = new StringBuilder();
        StringBuilder active = new StringBuilder();
        StringBuilder written = new StringBuilder();
        for (EndpointWatch w : runtime.watches()) {
            ChurnReport report = w.report();
            EndpointCounts.Snapshot counted = w.sum();
            String ep = "endpoint=\"" + escape(w.endpoint().toString()) + "\"";
            for (Map.Entry<String, Long> e : new TreeMap<>(counted.byPool()).entrySet()) {
                line(opened, "twpool_agent_connections_opened_total", ep + ",opener=\"" + escape(e.getKey()) + "\"", e.getValue());
            }
            line(opened, "twpool_agent_connections_opened_total", ep + ",opener=\"application\"", counted.application());
            line(failed, "twpool_agent_connection_failures_total", ep, counted.failed());
            ChurnRates r = report.rates();
            if (!Double.isNaN(r.endpoint())) {
                line(rates, "twpool_agent_churn_connections_per_second", ep + ",source=\"endpoint\"", r.endpoint());
            }
            if (!Double.isNaN(r.jvmOutside())) {
                line(rates, "twpool_agent_churn_connections_per_second", ep + ",source=\"jvm\"", r.jvmOutside());
            }
            Map<ChurnCause, Long> warned = w.warningsWritten();
            for (ChurnCause c : ChurnCause.values()) {
                if (c == ChurnCause.POOL) {
                    continue;
                }
                boolean on = report.verdicts().stream().anyMatch(v -> v.cause() == c);
                line(active, "twpool_agent_verdict_active", ep + ",cause=\"" + c.tag() + "\"", on ? 1 : 0);
                line(written, "twpool_agent_warnings_total", ep + ",cause=\"" + c.tag() + "\"", warned.getOrDefault(c, 0L));
            }
        }
        b.append(opened).append(failed).append(rates).append(active).append(written);
        help(b, "twpool_agent_unwatched_connections_total", "counter",
                "Connects to URLs without a host and port (in-memory databases), or beyond the endpoints the agent keeps apart.");
        line(b, "twpool_agent_unwatched_connections_total", null, runtime.recorder().unwatched());
        help(b, "twpool_agent_ignored_connections_total", "counter", "Connects to endpoints the ignore option names.");
        line(b, "twpool_agent_ignored_connections_total", null, runtime.recorder().ignored());
        help(b, "twpool_agent_ticks_total", "counter", "Ticks of the agent's probe with at least one endpoint.");
        line(b, "twpool_agent_ticks_total", null, runtime.ticks());
        help(b, "twpool_agent_tick_seconds_total", "counter", "Wall time the agent's ticks took.");
        line(b, "twpool_agent_tick_seconds_total", null, runtime.tickNanos() / 1e9);
        help(b, "twpool_agent_tick_cpu_seconds_total", "counter", "CPU time the agent's thread spent in its ticks.");
        line(b, "twpool_agent_tick_cpu_seconds_total", null, runtime.tickCpuNanos() / 1e9);
        return b.toString();
    }

    private static void help(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder b, String name, String labels, double value) {
        b.append(name);
        if (labels != null) {
            b.append('{').append(labels).append('}');
        }
        b.append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            b.append((long) value);
        } else {
            b.append(String.format(Locale.ROOT, "%.6g", value));
        }
        b.append('\n');
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
