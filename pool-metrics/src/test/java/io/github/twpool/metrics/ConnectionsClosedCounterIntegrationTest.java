package io.github.twpool.metrics;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code twpool.connections.closed} is a counter: it must never go down, whatever the pool does. It used to be
 * derived as opened minus open now, which drops whenever a connection is opened but not yet in the pool.
 */
class ConnectionsClosedCounterIntegrationTest {

    @ParameterizedTest(name = "probe.enabled={0}")
    @ValueSource(booleans = {true, false})
    void theClosedCounterNeverDecreasesAcrossFillEvictAndCloseAndEndsEqualToOpened(boolean probe) throws Exception {
        Properties p = TestDatabase.get().twpoolProperties();
        p.setProperty("twpool.probe.enabled", String.valueOf(probe));
        p.setProperty("twpool.name", "closed-counter");
        p.setProperty("twpool.pool-size", "8");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicReference<String> decrease = new AtomicReference<>();
        List<Double> samples = new ArrayList<>();
        TwPoolDataSource ds = TwPoolDataSource.fromProperties(p);
        new TwPoolMetrics(ds).bindTo(registry);
        // One counter per close reason; together they are every connection closed.
        java.util.Collection<FunctionCounter> byReason = registry.get("twpool.connections.closed").functionCounters();
        assertThat(byReason).hasSize(io.github.twpool.CloseReason.values().length);
        java.util.function.DoubleSupplier closed = () -> byReason.stream().mapToDouble(FunctionCounter::count).sum();
        Thread sampler = new Thread(() -> {
            double last = 0;
            while (sampling.get()) {
                double now = closed.getAsDouble();
                if (now < last && decrease.get() == null) {
                    decrease.set(last + " -> " + now);
                }
                if (now != last) {
                    synchronized (samples) {
                        samples.add(now);
                    }
                }
                last = now;
            }
        }, "closed-sampler");
        sampler.start();
        try {
            HikariPoolMXBean pool = ds.unwrap(HikariPoolMXBean.class);
            HikariDataSource hikari = ds.unwrap(HikariDataSource.class);
            for (int round = 0; round < 5; round++) {
                awaitTotal(pool, 8);
                pool.softEvictConnections(); // idle ones closed now, the pool refills
                List<Connection> borrowed = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    borrowed.add(ds.getConnection());
                }
                for (Connection c : borrowed) {
                    hikari.evictConnection(c);
                    c.close();
                }
            }
            awaitTotal(pool, 8);
            Thread.sleep(300);
            assertThat(decrease.get()).as("twpool.connections.closed went down; values seen: %s", samples).isNull();
            assertThat(ds.connectionsClosed()).isEqualTo(ds.connectionsOpened() - pool.getTotalConnections());
            assertThat(closed.getAsDouble()).as("the reasons add up to the total").isEqualTo(ds.connectionsClosed());
            assertThat(ds.connectionsClosed()).isGreaterThanOrEqualTo(5 * (8 + 3));
            // Evictions made on HikariCP directly (softEvictConnections, evictConnection) are evictions too.
            assertThat(ds.connectionsClosed(io.github.twpool.CloseReason.EVICTED)).isGreaterThanOrEqualTo(5 * (8 + 3));
        } finally {
            ds.close();
        }
        Thread.sleep(200);
        sampling.set(false);
        sampler.join(5_000);
        assertThat(decrease.get()).as("twpool.connections.closed went down; values seen: %s", samples).isNull();
        // Every physical connection the pool opened was closed, and counted exactly once.
        assertThat(closed.getAsDouble()).isEqualTo((double) ds.connectionsOpened());
    }

    private static void awaitTotal(HikariPoolMXBean pool, int total) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((pool.getTotalConnections() < total || pool.getIdleConnections() < total) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(pool.getTotalConnections()).isEqualTo(total);
    }
}
