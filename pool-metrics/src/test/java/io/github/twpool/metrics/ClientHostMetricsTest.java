package io.github.twpool.metrics;

import io.github.twpool.ServerStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-client-host counters: bounded labels, counters that never go down, the busiest hosts named first. */
class ClientHostMetricsTest {

    private final AtomicReference<ServerStatus> status = new AtomicReference<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private ClientHostMetrics metrics;

    @AfterEach
    void close() {
        if (metrics != null) {
            metrics.close();
        }
    }

    private void serverSays(Map<String, Long> byHost) {
        status.set(new ServerStatus(Instant.now(), 0, 0, 0, 0, 0, 0, 0, 0, byHost, byHost == null ? "no rows" : null));
    }

    private void bind(int maxClients) {
        metrics = new ClientHostMetrics(status::get, () -> false, java.util.List.of(), maxClients, Duration.ofHours(1));
        metrics.bindTo(registry);
    }

    private double count(String client) {
        return registry.get(ClientHostMetrics.SERVER_CLIENT_CONNECTIONS).tag("client", client).functionCounter().count();
    }

    private long series() {
        return registry.find(ClientHostMetrics.SERVER_CLIENT_CONNECTIONS).functionCounters().size();
    }

    @Test
    void theBusiestHostsGetTheirOwnSeriesAndTheRestAreOther() {
        serverSays(Map.of("app-1", 10L, "app-2", 500L, "app-3", 40L));
        bind(2);
        assertThat(count("app-2")).isEqualTo(500);
        assertThat(count("app-3")).isEqualTo(40);
        assertThat(count(ClientHostMetrics.OTHER)).isEqualTo(10);
        assertThat(series()).isEqualTo(3);

        // A later, busier host cannot take a place: labels stay bounded and no host moves between series.
        serverSays(Map.of("app-1", 12L, "app-2", 520L, "app-3", 41L, "app-4", 9_000L));
        metrics.refresh();
        assertThat(series()).isEqualTo(3);
        assertThat(count("app-2")).isEqualTo(520);
        assertThat(count(ClientHostMetrics.OTHER)).isEqualTo(12 + 9_000);
    }

    @Test
    void countersNeverGoDownWhenTheServerForgetsOrRestarts() {
        serverSays(Map.of("app-1", 100L, "app-2", 50L));
        bind(1);
        serverSays(Map.of("app-1", 3L, "app-2", 1L)); // a restart reset the server's counts
        metrics.refresh();
        assertThat(count("app-1")).isEqualTo(100);
        assertThat(count(ClientHostMetrics.OTHER)).isEqualTo(50);
        serverSays(Map.of()); // a host evicted from the server's table
        metrics.refresh();
        assertThat(count("app-1")).isEqualTo(100);
        assertThat(count(ClientHostMetrics.OTHER)).isEqualTo(50);
        serverSays(Map.of("app-1", 130L, "app-2", 70L));
        metrics.refresh();
        assertThat(count("app-1")).isEqualTo(130);
        assertThat(count(ClientHostMetrics.OTHER)).isEqualTo(70);
    }

    @Test
    void aServerThatCannotTellLeavesOnlyTheEmptyOtherSeries() {
        serverSays(null);
        bind(3);
        assertThat(series()).isEqualTo(1);
        assertThat(count(ClientHostMetrics.OTHER)).isZero();
        status.set(null); // no sample yet
        metrics.refresh();
        assertThat(series()).isEqualTo(1);
    }

    @Test
    void hostsAppearingLaterGetPlacesWhileThereAreAny() {
        serverSays(Map.of("app-1", 5L));
        bind(2);
        serverSays(Map.of("app-1", 6L, "app-2", 1L, "app-3", 2L));
        metrics.refresh();
        assertThat(count("app-3")).isEqualTo(2);
        assertThat(count(ClientHostMetrics.OTHER)).isEqualTo(1);
        assertThat(registry.find(ClientHostMetrics.SERVER_CLIENT_CONNECTIONS).tag("client", "app-2").functionCounter()).isNull();
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new ClientHostMetrics(status::get, () -> false, java.util.List.of(), 0, Duration.ofSeconds(1)))
                .hasMessageContaining("maxClients");
        assertThatThrownBy(() -> new ClientHostMetrics(status::get, () -> false, java.util.List.of(), 1, Duration.ZERO))
                .hasMessageContaining("refreshInterval");
    }
}
