package io.github.twpool.metrics;

import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * OpenTelemetry's names for the pool's meters, against the real server: what an OTLP export of the registry would
 * carry. Borrowers hold connections so that the used count rises, wait for one so that the wait is measured, and
 * time out once.
 */
class OtelPoolMetricsIntegrationTest {

    private static TwPoolDataSource pool(String name, String optIn) {
        return TwPoolDataSource.fromProperties(TestDatabase.get().twpoolProperties("twpool.name", name,
                "twpool.pool-size", "2", "twpool.max-overflow", "2", "twpool.timeout", "1s",
                "twpool.metrics.opt-in", optIn));
    }

    private static double gauge(SimpleMeterRegistry registry, String name, String... tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        assertThat(g).as(name + " " + String.join(",", tags)).isNotNull();
        return g.value();
    }

    private static DistributionSummary seconds(SimpleMeterRegistry registry, String name, String pool) {
        DistributionSummary s = registry.find(name).tag(OtelPoolMetrics.POOL_NAME, pool).summary();
        assertThat(s).as(name).isNotNull();
        assertThat(s.getId().getBaseUnit()).as(name + " unit").isEqualTo("s");
        return s;
    }

    @Test
    void usedConnectionsRiseUnderLoadAndTimesAreInSeconds() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TwPoolDataSource ds = pool("otel-load", "database")) {
            new TwPoolMetrics(ds).bindTo(registry);
            String pool = OtelPoolMetrics.POOL_NAME;
            assertThat(gauge(registry, OtelPoolMetrics.MAX, pool, "otel-load")).isEqualTo(4);
            assertThat(gauge(registry, OtelPoolMetrics.IDLE_MIN, pool, "otel-load")).isEqualTo(2);
            assertThat(gauge(registry, OtelPoolMetrics.IDLE_MAX, pool, "otel-load")).isEqualTo(4);
            assertThat(gauge(registry, OtelPoolMetrics.COUNT, pool, "otel-load", OtelPoolMetrics.STATE, "used")).isZero();

            // Load: the used count follows the borrowers, 1 to 4.
            List<Connection> held = new ArrayList<>();
            List<Double> used = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(ds.getConnection());
                used.add(gauge(registry, OtelPoolMetrics.COUNT, pool, "otel-load", OtelPoolMetrics.STATE, "used"));
            }
            assertThat(used).containsExactly(1.0, 2.0, 3.0, 4.0);
            assertThat(gauge(registry, OtelPoolMetrics.COUNT, pool, "otel-load", OtelPoolMetrics.STATE, "idle")).isZero();

            // A fifth borrower waits (pending) until a connection comes back ~300 ms later.
            CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                try (Connection c = ds.getConnection()) {
                    return System.nanoTime() - start;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (gauge(registry, OtelPoolMetrics.PENDING_REQUESTS, pool, "otel-load") < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(gauge(registry, OtelPoolMetrics.PENDING_REQUESTS, pool, "otel-load")).isEqualTo(1);
            Thread.sleep(300);
            held.remove(0).close();
            double waitedSeconds = waiter.get(5, TimeUnit.SECONDS) / 1e9;
            assertThat(waitedSeconds).isGreaterThan(0.25);

            // The wait is recorded in seconds: ~0.3, not ~300 (milliseconds) or ~3e8 (nanoseconds).
            DistributionSummary wait = seconds(registry, OtelPoolMetrics.WAIT_TIME, "otel-load");
            assertThat(wait.count()).isEqualTo(5);
            assertThat(wait.max()).isBetween(0.25, waitedSeconds + 0.05);
            DistributionSummary use = seconds(registry, OtelPoolMetrics.USE_TIME, "otel-load");
            assertThat(use.count()).isGreaterThanOrEqualTo(2); // the returned one and the waiter's
            assertThat(use.max()).isBetween(0.25, 30.0);       // held ~0.3 s, in seconds
            DistributionSummary create = seconds(registry, OtelPoolMetrics.CREATE_TIME, "otel-load");
            // the two overflow connections opened under load; the first two opened before the binder was bound
            assertThat(create.count()).isGreaterThanOrEqualTo(2);
            assertThat(create.max()).isGreaterThan(0).isLessThan(10);

            // All held: the next borrower times out after twpool.timeout, and is counted.
            held.add(ds.getConnection());
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLTransientConnectionException.class);
            assertThat(registry.find(OtelPoolMetrics.TIMEOUTS).tag(pool, "otel-load").counter().count()).isEqualTo(1);
            for (Connection c : held) {
                c.close();
            }
            // "instead of": HikariCP's own names are not registered, twpool's churn meters keep theirs.
            assertThat(registry.getMeters()).noneMatch(m -> m.getId().getName().startsWith("hikaricp."));
            assertThat(registry.find(TwPoolMetrics.CONNECTIONS_OPENED).functionCounter()).isNotNull();
        }
    }

    @Test
    void dupRegistersBothNamesFromTheSameEvents() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TwPoolDataSource ds = pool("otel-dup", "database/dup")) {
            new TwPoolMetrics(ds).bindTo(registry);
            for (int i = 0; i < 3; i++) {
                try (Connection c = ds.getConnection()) {
                    assertThat(c.isValid(1)).isTrue();
                }
            }
            long hikariAcquires = registry.find("hikaricp.connections.acquire").tag("pool", "otel-dup").timer().count();
            assertThat(hikariAcquires).isEqualTo(3);
            assertThat(seconds(registry, OtelPoolMetrics.WAIT_TIME, "otel-dup").count()).isEqualTo(hikariAcquires);
            assertThat(registry.find("hikaricp.connections.max").tag("pool", "otel-dup").gauge().value())
                    .isEqualTo(gauge(registry, OtelPoolMetrics.MAX, OtelPoolMetrics.POOL_NAME, "otel-dup"));
        }
    }

    @Test
    void byDefaultOnlyHikariNamesAndThePrometheusScrapeIsUnchanged() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TwPoolDataSource ds = pool("otel-none", "none")) {
            new TwPoolMetrics(ds).bindTo(prometheus);
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
            assertThat(prometheus.getMeters()).map(Meter::getId).map(Meter.Id::getName)
                    .noneMatch(n -> n.startsWith("db.client.")).anyMatch(n -> n.startsWith("hikaricp."));
            assertThat(prometheus.scrape()).contains("hikaricp_connections_acquire_seconds_count").doesNotContain("db_client");
        }
    }

    /** Not what they are for (docs/metrics.md), but a Prometheus registry must not fail on the units' braces. */
    @Test
    void aPrometheusRegistryStillScrapesTheOtelNames() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (TwPoolDataSource ds = pool("otel-prom", "database")) {
            new TwPoolMetrics(ds).bindTo(prometheus);
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
            String scrape = prometheus.scrape();
            assertThat(scrape).contains("db_client_connection_count__connection_{", "db_client_connection_wait_time_s_count{");
        }
    }
}
