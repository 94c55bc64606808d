package io.github.twpool.mysql;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Order;

import ch.qos.logback.classic.Level;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.github.twpool.mysql.TlsChurnIntegrationTest.awaitRunning;
import static io.github.twpool.mysql.TlsChurnIntegrationTest.pool;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A steady pooled load over TLS (8 threads on a pool of 8, against the embedded MariaDB 11.4 with TLS on, beside a
 * probe ticking every second and the server read every 5 s) warns of nothing: connections that end in resets are
 * not churn when the pool holds them.
 */
@ResourceLock(MySqlTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class TlsSteadyLoadIntegrationTest {

    @Test
    void aSteadyPooledLoadOverTlsWarnsOfNothing() throws Exception {
        TestDatabase db = TestDatabase.tls();
        Properties p = pool(db, "tlssteady");
        p.setProperty("twpool.pool-size", "8");
        // The server is read every 5 s instead of every minute: four reads under load, each a chance for a false
        // verdict (a server count read apart from this host's counters, the pool's own opens at start).
        p.setProperty("twpool.mysql.status-interval", "5s");
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p);
             LogCapture log = LogCapture.of("io.github.twpool")) {
            awaitRunning(ds);
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<Future<Long>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(threads.submit(() -> {
                    long n = 0;
                    while (!stop.get()) {
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                             ResultSet rs = s.executeQuery("SELECT 1")) {
                            rs.next();
                        }
                        n++;
                        Thread.sleep(2); // steady, not a CPU benchmark: the machine is shared
                    }
                    return n;
                }));
            }
            Thread.sleep(22_000);
            stop.set(true);
            long requests = 0;
            for (Future<Long> f : workers) {
                requests += f.get(30, TimeUnit.SECONDS);
            }
            threads.shutdown();
            try (Connection c = ds.getConnection()) {
                assertThat(MySqlTestSupport.scalar(c, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
                        + "WHERE VARIABLE_NAME = 'SSL_CIPHER'")).as("pooled connections use TLS").isNotBlank();
            }
            assertThat(requests).isGreaterThan(1000);
            assertThat(ds.churnReport().server()).as("server signals were read").isNotNull();
            assertThat(ds.churnReport().server().at()).as("the server was read again under load, not only at start")
                    .isAfter(java.time.Instant.now().minusSeconds(12));
            assertThat(log.messages(Level.WARN)).as("warnings during a steady pooled load").isEmpty();
            assertThat(ds.churnReport().warnings()).isEmpty();
        }
    }
}
