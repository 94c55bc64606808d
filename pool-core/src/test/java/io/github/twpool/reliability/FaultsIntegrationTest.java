package io.github.twpool.reliability;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.FaultProxy;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** What production does to a pool, against the real server; each test bounded in time. Figures: docs/RELIABILITY.md. */
class FaultsIntegrationTest {

    record Outcome(long startNanos, long endNanos, Throwable error) {
    }

    private static Properties props(String url, String... kv) {
        Properties p = TestDatabase.get().twpoolProperties(kv);
        p.setProperty("twpool.url", url);
        return p;
    }

    private static long query(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs {@code threads} workers issuing requests until {@code stop}, recording every outcome. */
    private static List<Future<?>> load(ExecutorService pool, int threads, long stopNanos, TwPoolDataSource ds,
                                        ConcurrentLinkedQueue<Outcome> outcomes, Set<Long> ids) {
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                while (System.nanoTime() < stopNanos) {
                    long start = System.nanoTime();
                    try (Connection c = ds.getConnection()) {
                        ids.add(query(c));
                        Thread.sleep(2);
                        outcomes.add(new Outcome(start, System.nanoTime(), null));
                    } catch (SQLException e) {
                        outcomes.add(new Outcome(start, System.nanoTime(), e));
                    }
                }
                return null;
            }));
        }
        return futures;
    }

    @Test
    void killingEveryPooledConnectionFailsOnlyTheRequestsHoldingOneAndThePoolRefills() throws Exception {
        TestDatabase db = TestDatabase.get();
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db.jdbcUrl(), "twpool.name", "killed",
                "twpool.pool-size", "8", "twpool.timeout", "5s", "twpool.pre-ping", "true"))) {
            HikariPoolMXBean pool = ds.unwrap(HikariPoolMXBean.class);
            ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
            Set<Long> ids = ConcurrentHashMap.newKeySet();
            ExecutorService workers = Executors.newFixedThreadPool(16);
            long stop = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            List<Future<?>> futures = load(workers, 16, stop, ds, outcomes, ids);
            Thread.sleep(2000);
            Set<Long> killed = Set.copyOf(ids);
            long killStart = System.nanoTime();
            try (Connection admin = db.openDirect(); Statement s = admin.createStatement()) {
                for (long id : killed) {
                    try {
                        s.execute("KILL " + id);
                    } catch (SQLException gone) {
                        // already replaced
                    }
                }
            }
            // KILL returns before the server has torn the connection down (it does so when the killed thread next
            // looks, within milliseconds): a ping in that gap still succeeds. 100 ms covers the teardown.
            long killEnd = System.nanoTime() + Duration.ofMillis(100).toNanos();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            workers.shutdown();
            long failed = outcomes.stream().filter(o -> o.error() != null).count();
            // With pre-ping every borrow is validated: only a request that held a connection while it was killed fails.
            assertThat(outcomes).filteredOn(o -> o.error() != null)
                    .allSatisfy(o -> assertThat(o.startNanos()).isLessThan(killEnd));
            assertThat(outcomes).filteredOn(o -> o.startNanos() > killEnd).allSatisfy(o -> assertThat(o.error()).isNull());
            assertThat(outcomes).filteredOn(o -> o.error() != null).allSatisfy(o -> assertThat(o.endNanos()).isGreaterThan(killStart));
            System.out.printf("reliability: KILL of %d pooled connections during load: %d requests, %d failed%n",
                    killed.size(), outcomes.size(), failed);
            assertThat(failed).isLessThanOrEqualTo(killed.size());
            assertThat(outcomes.stream().filter(o -> o.startNanos() > stop - Duration.ofSeconds(2).toNanos())
                    .allMatch(o -> o.error() == null)).as("requests in the last 2 s all succeed").isTrue();
            assertThat(pool.getActiveConnections()).isZero();
            assertThat(pool.getTotalConnections()).isEqualTo(8);
            assertThat(ids).as("the pool opened new connections").hasSizeGreaterThan(killed.size());
        }
    }

    @Test
    void whileTheServerIsGoneBorrowersGetTransientErrorsAfterTimeoutAndThePoolRecovers() throws Exception {
        try (FaultProxy proxy = FaultProxy.forTestDatabase();
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(proxy.jdbcUrl(), "twpool.name", "gone",
                     "twpool.pool-size", "4", "twpool.timeout", "1s", "twpool.validation-timeout", "500ms",
                     "twpool.driver.connectTimeout", "1000"))) {
            HikariPoolMXBean pool = ds.unwrap(HikariPoolMXBean.class);
            ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
            ExecutorService workers = Executors.newFixedThreadPool(8);
            long t0 = System.nanoTime();
            long stop = t0 + Duration.ofSeconds(10).toNanos();
            List<Future<?>> futures = load(workers, 8, stop, ds, outcomes, ConcurrentHashMap.newKeySet());
            Thread.sleep(2000);
            long cutAt = System.nanoTime();
            proxy.cut();
            Thread.sleep(3000);
            long healedAt = System.nanoTime();
            proxy.heal();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS); // no worker left blocked
            }
            workers.shutdown();
            List<Outcome> errors = outcomes.stream().filter(o -> o.error() != null).toList();
            long firstSuccessAfterHeal = outcomes.stream().filter(o -> o.error() == null && o.startNanos() >= healedAt)
                    .mapToLong(Outcome::endNanos).min().orElseThrow();
            System.out.printf("reliability: server gone for 3 s: %d requests, %d errors, recovered %d ms after it returned%n",
                    outcomes.size(), errors.size(), (firstSuccessAfterHeal - healedAt) / 1_000_000);
            assertThat(errors).isNotEmpty();
            for (Outcome e : errors) {
                // Only while the server was gone and until the pool had reconnected after its return.
                assertThat(e.endNanos()).isBetween(cutAt, firstSuccessAfterHeal + Duration.ofSeconds(1).toNanos());
                if (e.startNanos() > cutAt + Duration.ofMillis(100).toNanos()) {
                    // Requests in flight at the cut fail on their socket; every later one times out cleanly.
                    assertThat(e.error()).isInstanceOf(SQLTransientConnectionException.class)
                            .hasMessageContaining("request timed out after");
                    assertThat(Duration.ofNanos(e.endNanos() - e.startNanos())).isBetween(Duration.ofMillis(950), Duration.ofMillis(1800));
                }
            }
            assertThat(Duration.ofNanos(firstSuccessAfterHeal - healedAt)).isLessThan(Duration.ofSeconds(5));
            assertThat(pool.getActiveConnections()).isZero();
        }
    }

    @Test
    void aNetworkThatSwallowsPacketsTimesBorrowersOutAndNothingHangs() throws Exception {
        try (FaultProxy proxy = FaultProxy.forTestDatabase();
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(proxy.jdbcUrl(), "twpool.name", "blackholed",
                     "twpool.pool-size", "2", "twpool.timeout", "2s", "twpool.validation-timeout", "1s",
                     "twpool.driver.connectTimeout", "2000", "twpool.driver.socketTimeout", "3000"))) {
            try (Connection c = ds.getConnection()) {
                query(c);
            }
            Thread.sleep(600); // past Hikari's alive-bypass window: the next borrow validates
            proxy.blackhole();
            ExecutorService borrowers = Executors.newFixedThreadPool(4);
            List<Future<Outcome>> attempts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                attempts.add(borrowers.submit(() -> {
                    long start = System.nanoTime();
                    try (Connection c = ds.getConnection()) {
                        query(c);
                        return new Outcome(start, System.nanoTime(), null);
                    } catch (SQLException e) {
                        return new Outcome(start, System.nanoTime(), e);
                    }
                }));
            }
            List<Long> waitedMs = new ArrayList<>();
            for (Future<Outcome> f : attempts) {
                Outcome o = f.get(20, TimeUnit.SECONDS); // nothing hangs forever
                waitedMs.add((o.endNanos() - o.startNanos()) / 1_000_000);
                assertThat(o.error()).isNotNull();
                // A borrower waits `timeout`, or its query runs into socketTimeout when it got a connection first.
                assertThat(Duration.ofNanos(o.endNanos() - o.startNanos())).isLessThan(Duration.ofMillis(3500));
            }
            borrowers.shutdown();
            System.out.println("reliability: packets swallowed: borrowers gave up after " + waitedMs + " ms");
            assertThat(attempts.stream().map(f -> {
                try {
                    return f.get().error();
                } catch (Exception e) {
                    return e;
                }
            })).anySatisfy(e -> assertThat((Throwable) e).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("request timed out after"));
            proxy.heal();
            long healed = System.nanoTime();
            boolean recovered = false;
            while (!recovered && System.nanoTime() - healed < Duration.ofSeconds(15).toNanos()) {
                try (Connection c = ds.getConnection()) {
                    query(c);
                    recovered = true;
                } catch (SQLException e) {
                    Thread.sleep(200);
                }
            }
            assertThat(recovered).isTrue();
        }
    }
}
