package io.github.twpool.metrics;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnReport;
import io.github.twpool.CloseReason;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.TwPoolDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.sql.SQLException;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for a {@link TwPoolDataSource}: TIME_WAIT and ESTABLISHED sockets to the database, ephemeral
 * port usage, churn rates and verdicts, connections opened and closed, and (with pool-mysql) the server's view.
 * {@link #bindTo} also installs HikariCP's own Micrometer tracker on the same registry unless the pool has one, so
 * one call gives both {@code twpool.*} and {@code hikaricp.*} meters.
 *
 * <p>Every meter reads {@link TwPoolDataSource#churnReport()}, the snapshot the probe thread published last:
 * binding or scraping never scans {@code /proc}. docs/metrics.md lists the meters.
 */
public final class TwPoolMetrics implements MeterBinder {

    /** Meter names, for other exporters of the same signals (the sidecar) and for tests; docs/metrics.md lists them. */
    public static final String TIME_WAIT = "twpool.time.wait";
    public static final String ESTABLISHED = "twpool.established";
    public static final String EPHEMERAL_PORTS_USAGE = "twpool.ephemeral.ports.usage";
    public static final String HOST_TIME_WAIT = "twpool.host.time.wait";
    public static final String CHURN_RATE = "twpool.churn.rate";
    public static final String CHURN_ACTIVE = "twpool.churn.active";
    public static final String CHURN_WARNINGS = "twpool.churn.warnings";
    public static final String CONNECTIONS_OPENED = "twpool.connections.opened";
    public static final String CONNECTIONS_CLOSED = "twpool.connections.closed";
    public static final String SERVER_CONNECTIONS_USAGE = "twpool.server.connections.usage";
    public static final String SESSION_RESETS = "twpool.session.resets";

    private final TwPoolDataSource dataSource;
    private final Iterable<Tag> extraTags;

    public TwPoolMetrics(TwPoolDataSource dataSource) {
        this(dataSource, Tags.empty());
    }

    public TwPoolMetrics(TwPoolDataSource dataSource, Iterable<Tag> extraTags) {
        this.dataSource = dataSource;
        this.extraTags = extraTags;
    }

    /**
     * The churn meters of a watcher without a pool (the sidecar): the same names over the reports it publishes,
     * without the pool's own counters. {@code owner} is held weakly, as a pool is.
     */
    public static <T> MeterBinder forReports(T owner, Function<T, ChurnReport> reports, Iterable<Tag> tags) {
        return registry -> bindChurn(registry, owner, reports, Tags.of(tags), false);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        installHikariTracker(registry);
        Tags tags = Tags.of("pool", dataSource.config().name(), "endpoint", dataSource.endpoint()).and(extraTags);
        bindChurn(registry, dataSource, TwPoolDataSource::churnReport, tags, true);
        FunctionCounter.builder(CONNECTIONS_OPENED, dataSource, ds -> ds.connectionsOpened())
                .tags(tags).description("Physical connections this pool opened").register(registry);
        // One counter per reason; together they are every physical connection the pool closed.
        for (CloseReason reason : CloseReason.values()) {
            FunctionCounter.builder(CONNECTIONS_CLOSED, dataSource, ds -> ds.connectionsClosed(reason))
                    .tags(tags.and("reason", reason.tag())).description("Physical connections this pool closed, by why")
                    .register(registry);
        }
        FunctionCounter.builder(SESSION_RESETS, dataSource, ds -> ds.sessionResets())
                .tags(tags.and("result", "reset")).description("Returns whose session reset-session reset")
                .register(registry);
        FunctionCounter.builder(SESSION_RESETS, dataSource, ds -> ds.sessionResetsSkipped())
                .tags(tags.and("result", "skipped")).description("Returns reset-session let through unreset: the session was unchanged")
                .register(registry);
    }

    private static <T> void bindChurn(MeterRegistry registry, T owner, Function<T, ChurnReport> reports, Tags tags,
                                      boolean pooled) {
        Meters<T> m = new Meters<>(registry, owner, reports);
        m.gauge(TIME_WAIT, tags.and("side", "client"), "sockets",
                "Client-side sockets to the database endpoint in TIME_WAIT", r -> census(r, SocketCensus::timeWaitClient));
        m.gauge(TIME_WAIT, tags.and("side", "server"), "sockets",
                "Server-side sockets (local port = the database's) in TIME_WAIT", r -> census(r, SocketCensus::timeWaitServer));
        m.gauge(ESTABLISHED, tags.and("side", "client"), "sockets",
                "Client-side ESTABLISHED sockets to the database endpoint", r -> census(r, SocketCensus::establishedClient));
        m.gauge(ESTABLISHED, tags.and("side", "server"), "sockets",
                "Server-side ESTABLISHED sockets (local port = the database's)", r -> census(r, SocketCensus::establishedServer));
        m.gauge(EPHEMERAL_PORTS_USAGE, tags, "ratio",
                "Client-side sockets to the endpoint as a share of ip_local_port_range", ChurnReport::portUsage);
        m.gauge(HOST_TIME_WAIT, tags, "sockets",
                "TIME_WAIT sockets of the whole host (network namespace), from /proc/net/sockstat",
                r -> r.hostTimeWait() < 0 ? Double.NaN : r.hostTimeWait());
        m.gauge(CHURN_RATE, tags.and("source", "endpoint"), null,
                "Connections to the endpoint closed per second on this host", r -> r.rates().endpoint());
        m.gauge(CHURN_RATE, tags.and("source", "outside"), null,
                "Connections per second to the endpoint that no pool watched here caused (all of them without a pool)",
                r -> r.rates().outside());
        if (pooled) {
            m.gauge(CHURN_RATE, tags.and("source", "pool"), null,
                    "Connections per second this pool opened", r -> r.rates().poolOpened());
        }
        m.gauge(CHURN_RATE, tags.and("source", "server"), null,
                "New connections per second the server accepted from all clients (with the server's status)",
                r -> r.rates().server());
        for (ChurnCause cause : ChurnCause.values()) {
            m.gauge(CHURN_ACTIVE, tags.and("cause", cause.tag()), null,
                    "1 while the churn detector reports this cause", r -> r.has(cause) ? 1 : 0);
            FunctionCounter.builder(CHURN_WARNINGS, owner, o -> reports.apply(o).warnings().getOrDefault(cause, 0L))
                    .tags(tags.and("cause", cause.tag())).description("Churn warnings written to the log")
                    .register(registry);
        }
        m.gauge(SERVER_CONNECTIONS_USAGE, tags, "ratio",
                "Threads_connected / max_connections on the server (with the server's status)", TwPoolMetrics::serverUsage);
    }

    /** Gauges over the latest report of one owner. */
    private record Meters<T>(MeterRegistry registry, T owner, Function<T, ChurnReport> reports) {
        void gauge(String name, Tags t, String unit, String description, ToDoubleFunction<ChurnReport> value) {
            Gauge.builder(name, owner, o -> value.applyAsDouble(reports.apply(o)))
                    .tags(t).baseUnit(unit).description(description).strongReference(false).register(registry);
        }
    }

    /** The pool's own meters: HikariCP's, OpenTelemetry's names or both, as twpool.metrics.opt-in says. */
    private void installHikariTracker(MeterRegistry registry) {
        PoolMeterNames names = PoolMeterNames.of(dataSource.config().get(MetricsExtension.OPT_IN));
        if (names.otel()) {
            new OtelPoolMetrics(dataSource, extraTags).bind(registry,
                    names.hikari() ? new MicrometerMetricsTrackerFactory(registry) : null);
            return;
        }
        try {
            HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
            if (hikari.getMetricsTrackerFactory() == null && hikari.getMetricRegistry() == null) {
                hikari.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("TwPoolDataSource does not wrap a HikariDataSource", e);
        }
    }

    private static double census(ChurnReport r, java.util.function.ToIntFunction<SocketCensus> f) {
        return r.census() == null ? Double.NaN : f.applyAsInt(r.census());
    }

    private static double serverUsage(ChurnReport r) {
        ServerStatus s = r.server();
        return s == null || s.maxConnections() <= 0 || s.threadsConnected() < 0 ? Double.NaN
                : (double) s.threadsConnected() / s.maxConnections();
    }
}
