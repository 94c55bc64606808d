package io.github.twpool.sidecar;

import io.github.twpool.ChurnCause;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.function.ToDoubleFunction;

import static io.github.twpool.metrics.TwPoolMetrics.CHURN_ACTIVE;
import static io.github.twpool.metrics.TwPoolMetrics.CHURN_RATE;
import static io.github.twpool.metrics.TwPoolMetrics.CHURN_WARNINGS;
import static io.github.twpool.metrics.TwPoolMetrics.EPHEMERAL_PORTS_USAGE;
import static io.github.twpool.metrics.TwPoolMetrics.ESTABLISHED;
import static io.github.twpool.metrics.TwPoolMetrics.HOST_TIME_WAIT;
import static io.github.twpool.metrics.TwPoolMetrics.SERVER_CONNECTIONS_USAGE;
import static io.github.twpool.metrics.TwPoolMetrics.TIME_WAIT;

/**
 * The meters of one watched endpoint, under pool-metrics' names and tagged {@code endpoint} (the processes that open
 * the connections are {@link ProcessMetrics}'). Every meter reads the watcher's last snapshot: a scrape never touches
 * {@code /proc}.
 */
final class SidecarMetrics {

    private final MeterRegistry registry;
    private final EndpointWatcher watcher;
    private final Tags tags;

    SidecarMetrics(MeterRegistry registry, EndpointWatcher watcher) {
        this.registry = registry;
        this.watcher = watcher;
        this.tags = Tags.of("endpoint", watcher.endpoint().toString());
    }

    void bind() {
        gauge(TIME_WAIT, tags.and("side", "client"), "sockets", "Client-side sockets to the database endpoint in TIME_WAIT",
                r -> census(r, SocketCensus::timeWaitClient));
        gauge(TIME_WAIT, tags.and("side", "server"), "sockets", "Server-side sockets (local port = the database's) in TIME_WAIT",
                r -> census(r, SocketCensus::timeWaitServer));
        gauge(ESTABLISHED, tags.and("side", "client"), "sockets", "Client-side ESTABLISHED sockets to the database endpoint",
                r -> census(r, SocketCensus::establishedClient));
        gauge(ESTABLISHED, tags.and("side", "server"), "sockets", "Server-side ESTABLISHED sockets (local port = the database's)",
                r -> census(r, SocketCensus::establishedServer));
        gauge(EPHEMERAL_PORTS_USAGE, tags, "ratio", "Client-side sockets to the endpoint as a share of ip_local_port_range",
                EndpointWatcher.Snapshot::portUsage);
        gauge(HOST_TIME_WAIT, tags, "sockets", "TIME_WAIT sockets of the whole host (network namespace), from /proc/net/sockstat",
                r -> r.hostTimeWait() < 0 ? Double.NaN : r.hostTimeWait());
        gauge(CHURN_RATE, tags.and("source", "endpoint"), null, "Connections to the endpoint closed per second on this host",
                r -> r.rates().endpoint());
        gauge(CHURN_RATE, tags.and("source", "outside"), null,
                "Connections per second to the endpoint no pool accounts for (all of them, for the sidecar)", r -> r.rates().outside());
        gauge(CHURN_RATE, tags.and("source", "server"), null,
                "New connections per second the server accepted from all clients (with --user)", r -> r.rates().server());
        for (ChurnCause cause : ChurnCause.values()) {
            gauge(CHURN_ACTIVE, tags.and("cause", cause.tag()), null, "1 while the churn detector reports this cause",
                    r -> r.has(cause) ? 1 : 0);
            FunctionCounter.builder(CHURN_WARNINGS, watcher, w -> w.snapshot().warnings().getOrDefault(cause, 0L))
                    .tags(tags.and("cause", cause.tag())).description("Churn warnings written to the log").register(registry);
        }
        gauge(SERVER_CONNECTIONS_USAGE, tags, "ratio", "Threads_connected / max_connections on the server (with --user)",
                SidecarMetrics::serverUsage);
    }

    private void gauge(String name, Tags t, String unit, String description, ToDoubleFunction<EndpointWatcher.Snapshot> value) {
        Gauge.builder(name, watcher, w -> value.applyAsDouble(w.snapshot()))
                .tags(t).baseUnit(unit).description(description).register(registry);
    }

    private static double census(EndpointWatcher.Snapshot r, java.util.function.ToIntFunction<SocketCensus> f) {
        return r.census() == null ? Double.NaN : f.applyAsInt(r.census());
    }

    private static double serverUsage(EndpointWatcher.Snapshot r) {
        ServerStatus s = r.server();
        return s == null || s.maxConnections() <= 0 || s.threadsConnected() < 0 ? Double.NaN
                : (double) s.threadsConnected() / s.maxConnections();
    }
}
