package io.github.twpool.sidecar;

import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.FaultProxy;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Steady pooled load beside the jar: a Java pool and a non-Java client that keeps its connection. No warning. */
class SidecarSteadyJarIntegrationTest {

    @Test
    void aPooledSteadyLoadAndAPersistentClientRaiseNoWarning() throws Exception {
        try (FaultProxy proxy = FaultProxy.forTestDatabase();
             SidecarProcess sidecar = SidecarProcess.watch("--endpoint", "127.0.0.1:" + proxy.port(), "--interval", "1s",
                     "--warn-interval", "5s")) {
            assertThat(sidecar.awaitLine(l -> l.contains("twpool sidecar: watching"), Duration.ofSeconds(30))).isNotNull();
            TestDatabase db = TestDatabase.get();
            java.util.Properties p = db.twpoolProperties("twpool.url", proxy.jdbcUrl(), "twpool.pool-size", "4",
                    "twpool.name", "sidecar-steady");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong queries = new AtomicLong();
            Process client = MariadbClient.steady(proxy.port(), 400, 0.05);
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try (TwPoolDataSource pool = TwPoolDataSource.fromProperties(p)) {
                List<Future<?>> load = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    load.add(threads.submit(() -> {
                        while (!stop.get()) {
                            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                                 ResultSet rs = s.executeQuery("SELECT 1")) {
                                rs.next();
                                queries.incrementAndGet();
                            }
                            Thread.sleep(5);
                        }
                        return null;
                    }));
                }
                Thread.sleep(15_000);
                String m = sidecar.metrics();
                stop.set(true);
                for (Future<?> f : load) {
                    f.get(10, TimeUnit.SECONDS);
                }
                assertThat(queries.get()).as("the load ran").isGreaterThan(500);
                assertThat(client.isAlive()).as("the persistent client is still on its one connection").isTrue();
                assertThat(SidecarProcess.sample(m, "twpool_established_sockets", "side=\"client\""))
                        .as("the pool's 4 and the client's 1 connection are seen").isGreaterThanOrEqualTo(5);
                assertThat(SidecarProcess.sample(m, "twpool_churn_rate", "source=\"endpoint\"")).isLessThan(1);
                assertThat(SidecarProcess.sample(m, "twpool_churn_active", "cause=\"outside-pool\"")).isZero();
                assertThat(m).doesNotContain("twpool_churn_process_rate");
            } finally {
                threads.shutdownNow();
                client.destroy();
                client.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(sidecar.lines()).noneMatch(l -> l.contains(" WARN "));
        }
    }
}
