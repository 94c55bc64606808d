package io.github.twpool.reliability;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.ChurnReport;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.FaultProxy;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 64 threads on a pool of 10. A short run by default; {@code -Dtwpool.soak=10m} (any duration) makes it a soak
 * (see the README). The connection-wait percentiles are printed for docs/RELIABILITY.md.
 */
class LoadIntegrationTest {

    private static Properties props(String url, String name, String... kv) {
        Properties p = TestDatabase.get().twpoolProperties();
        p.setProperty("twpool.url", url);
        p.setProperty("twpool.name", name);
        p.setProperty("twpool.pool-size", "10");
        p.setProperty("twpool.probe.interval", "1s");
        p.setProperty("twpool.probe.scan-every", "1");
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    @Test
    void sixtyFourThreadsOnAPoolOfTenLoseNothingAndLeakNothing() throws Exception {
        Duration duration = io.github.twpool.internal.Durations.parse(System.getProperty("twpool.soak", "10s"));
        Thread.sleep(3000); // TIME_WAIT from earlier tests ages out of the census window
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(TestDatabase.get().jdbcUrl(), "load"))) {
            HikariPoolMXBean pool = ds.unwrap(HikariPoolMXBean.class);
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            // warm up and let the pool fill, then take the baselines
            try (Connection c = ds.getConnection()) {
                c.isValid(1);
            }
            long filled = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (pool.getTotalConnections() < 10 && System.nanoTime() < filled) {
                Thread.sleep(50);
            }
            long heapBefore = usedHeapAfterGc(memory);
            long openedBefore = ds.connectionsOpened();
            AtomicLong errors = new AtomicLong();
            ExecutorService workers = Executors.newFixedThreadPool(64);
            long start = System.nanoTime();
            long stop = start + duration.toNanos();
            List<Future<long[]>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                futures.add(workers.submit(() -> {
                    long[] waits = new long[1 << 16];
                    int n = 0;
                    while (System.nanoTime() < stop) {
                        long t = System.nanoTime();
                        try (Connection c = ds.getConnection()) {
                            long waited = System.nanoTime() - t;
                            if (n == waits.length) {
                                waits = Arrays.copyOf(waits, n * 2);
                            }
                            waits[n++] = waited;
                            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                                rs.next();
                            }
                        } catch (SQLException e) {
                            errors.incrementAndGet();
                        }
                    }
                    return Arrays.copyOf(waits, n);
                }));
            }
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : futures) {
                all.add(f.get(duration.toSeconds() + 60, TimeUnit.SECONDS));
            }
            workers.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] waits = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            Thread.sleep(2200); // two probe ticks
            ChurnReport r = ds.churnReport();
            Duration sinceStart = Duration.ofNanos(System.nanoTime() - start);
            int newTimeWait = r.census().clientTimeWaitNewerThan(sinceStart) + r.census().serverTimeWaitNewerThan(sinceStart);
            long heapAfter = usedHeapAfterGc(memory);
            System.out.printf("reliability: load 64 threads / pool 10 for %.0f s: %d requests (%.0f/s), %d errors, "
                            + "connection wait p50=%.2f ms p99=%.2f ms max=%.2f ms, new connections %d, new TIME_WAIT %d, heap %+d KiB%n",
                    seconds, waits.length, waits.length / seconds, errors.get(), waits[waits.length / 2] / 1e6,
                    waits[(int) (waits.length * 0.99)] / 1e6, waits[waits.length - 1] / 1e6,
                    ds.connectionsOpened() - openedBefore, newTimeWait, (heapAfter - heapBefore) / 1024);
            assertThat(errors.get()).isZero();
            assertThat(waits.length).isGreaterThan(1000);
            assertThat(pool.getActiveConnections()).isZero();
            assertThat(pool.getTotalConnections()).isEqualTo(10);
            assertThat(ds.connectionsOpened()).isEqualTo(openedBefore);
            assertThat(newTimeWait).as("TIME_WAIT towards the server stays flat").isLessThanOrEqualTo(10);
            assertThat(r.verdicts()).isEmpty();
            assertThat(heapAfter - heapBefore).as("heap flat").isLessThan(32L * 1024 * 1024);
        }
    }

    /** Over plain TCP and over TLS (the embedded MariaDB 11.4), where Connector/J ends connections differently. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"plain", "tls"})
    void closingTheDataSourceDuringLoadFailsBorrowersClearlyAndLeavesNothingBehind(String server) throws Exception {
        TestDatabase db = server.equals("tls") ? TestDatabase.tls() : TestDatabase.get();
        try (FaultProxy proxy = FaultProxy.forDatabase(db)) {
            String name = "closing-under-load-" + server;
            TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(proxy.jdbcUrl(), name,
                    "twpool.timeout", "2s"));
            ExecutorService workers = Executors.newFixedThreadPool(16);
            List<String> inFlight = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Future<SQLException>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(workers.submit(() -> {
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (System.nanoTime() < deadline) {
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                            s.execute("DO SLEEP(0.005)");
                        } catch (SQLException e) {
                            if (ds.isClosed()) {
                                // A query in flight at close() fails on its aborted connection; the next borrow
                                // must say plainly that the pool is closed.
                                inFlight.add(e.getMessage());
                                try (Connection c = ds.getConnection()) {
                                    return null;
                                } catch (SQLException afterClose) {
                                    return afterClose;
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(1500);
            long closing = System.nanoTime();
            ds.close();
            for (Future<SQLException> f : futures) {
                SQLException e = f.get(10, TimeUnit.SECONDS);
                assertThat((Throwable) e).as("every borrower learns the pool is closed").isNotNull();
                assertThat(e.getMessage()).containsIgnoringCase("closed");
            }
            System.out.printf("reliability (" + server + "): close() under load: all 16 borrowers stopped within %d ms; %d failed on a connection "
                    + "aborted mid-query, then every borrow said the pool is closed%n", (System.nanoTime() - closing) / 1_000_000,
                    inFlight.stream().filter(m -> !m.toLowerCase(java.util.Locale.ROOT).contains("closed")).count());
            workers.shutdown();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while ((threadsOf(name) > 0 || proxy.openConnections() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(threadsOf(name)).as("probe and Hikari threads stopped").isZero();
            assertThat(proxy.openConnections()).as("no socket left open").isZero();
        }
    }

    private static long threadsOf(String poolName) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().contains(poolName)).count();
    }
}
