package io.github.twpool.metrics;

import io.github.twpool.ServerStatus;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.NamingMariaDb;
import io.github.twpool.testsupport.PyMySqlChurner;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's question "which of the services in front of this database churns?", answered by one pool: two client
 * processes that are not Java (PyMySQL, a connection per request) connect from two loopback addresses at different
 * rates, and the per-client counters of the pool's binder show both, each at its own rate.
 *
 * <p>Runs against a private embedded MariaDB 11.4 with grant tables, {@code userstat=ON} ({@code CLIENT_STATISTICS})
 * and {@code skip-name-resolve}, as a production server that names its clients is configured.
 */
class ClientHostMetricsIntegrationTest {

    @Test
    void twoClientHostsChurningAtDifferentRatesAreEachCountedAtTheirRate() throws Exception {
        try (NamingMariaDb db = NamingMariaDb.start()) {
            Properties p = new Properties();
            p.setProperty("twpool.url", db.jdbcUrl());
            p.setProperty("twpool.username", NamingMariaDb.USER);
            p.setProperty("twpool.password", NamingMariaDb.PASSWORD);
            p.setProperty("twpool.name", "fleet");
            p.setProperty("twpool.pool-size", "1");
            p.setProperty("twpool.mysql.status-interval", "1s");
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p);
                 ClientHostMetrics metrics = ClientHostMetrics.of(ds);
                 PyMySqlChurner fast = PyMySqlChurner.start(db.host(), db.port(), NamingMariaDb.USER,
                         NamingMariaDb.PASSWORD, "127.0.0.2", 40, 6);
                 PyMySqlChurner slow = PyMySqlChurner.start(db.host(), db.port(), NamingMariaDb.USER,
                         NamingMariaDb.PASSWORD, "127.0.0.3", 12, 6)) {
                SimpleMeterRegistry registry = new SimpleMeterRegistry();
                metrics.bindTo(registry);
                PyMySqlChurner.Done fastDone = fast.awaitDone();
                PyMySqlChurner.Done slowDone = slow.awaitDone();
                Instant churnEnded = Instant.now();

                // A server sample taken after both churners ended holds all their connections.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                ServerStatus after;
                do {
                    Thread.sleep(200);
                    after = ds.churnReport().server();
                } while ((after == null || !after.at().isAfter(churnEnded)) && System.nanoTime() < deadline);
                assertThat(after).as("a server sample after the churn").isNotNull();
                assertThat(after.connectionsByClientHost()).as("CLIENT_STATISTICS rows (%s)", after.byClientHostMissing())
                        .isNotNull();
                metrics.refresh();

                double fastRate = count(registry, "127.0.0.2") / fastDone.seconds();
                double slowRate = count(registry, "127.0.0.3") / slowDone.seconds();
                assertThat(fastRate).as("127.0.0.2: counted %.1f/s, made %.1f/s", fastRate, fastDone.rate())
                        .isBetween(fastDone.rate() * 0.8, fastDone.rate() * 1.2);
                assertThat(slowRate).as("127.0.0.3: counted %.1f/s, made %.1f/s", slowRate, slowDone.rate())
                        .isBetween(slowDone.rate() * 0.8, slowDone.rate() * 1.2);
            }
        }
    }

    private static double count(SimpleMeterRegistry registry, String client) {
        FunctionCounter c = registry.find(ClientHostMetrics.SERVER_CLIENT_CONNECTIONS).tag("client", client)
                .functionCounter();
        assertThat(c).as("a series for client %s; series: %s", client,
                registry.find(ClientHostMetrics.SERVER_CLIENT_CONNECTIONS).functionCounters().stream()
                        .map(m -> m.getId().getTag("client") + "=" + m.count()).toList()).isNotNull();
        return c.count();
    }
}
