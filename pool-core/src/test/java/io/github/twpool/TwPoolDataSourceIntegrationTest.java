package io.github.twpool;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.github.twpool.PoolTestSupport.await;
import static io.github.twpool.PoolTestSupport.connectionId;
import static io.github.twpool.PoolTestSupport.killOnQuietServer;
import static io.github.twpool.PoolTestSupport.quietServerProps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pool's policies against the real MySQL-protocol server. Hikari's housekeeping period is shortened to 1 s for
 * these tests (failsafe sets com.zaxxer.hikari.housekeeping.periodMs) so idle retirement shows within seconds.
 * Its tests mostly wait (a 30 s lifetime, a 10 s idle timeout): they run beside each other and beside the tests that
 * count nothing on the whole host, against the embedded server (TLS on), whose port no counting test watches.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = PoolTestSupport.HOST_CONNECTS, mode = ResourceAccessMode.READ)
class TwPoolDataSourceIntegrationTest {

    @Test
    void borrowsAndReturnsHikarisOwnConnectionAndUnwrapsToHikari() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(quietServerProps("twpool.pool-size", "2", "twpool.name", "basic"))) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(1);
                // No twpool proxy on the hot path: the borrower gets Hikari's proxy itself.
                assertThat(c.getClass().getName()).startsWith("com.zaxxer.hikari.pool.");
            }
            HikariPoolMXBean pool = ds.unwrap(HikariPoolMXBean.class);
            assertThat(pool.getActiveConnections()).isZero();
            assertThat(await(Duration.ofSeconds(10), () -> pool.getTotalConnections() == 2)).isTrue();
            assertThat(ds.unwrap(HikariDataSource.class).getPoolName()).isEqualTo("basic");
            assertThat(ds.unwrap(HikariConfigMXBean.class).getMaximumPoolSize()).isEqualTo(2);
            assertThat(ds.isWrapperFor(HikariDataSource.class)).isTrue();
            assertThat(ds.isWrapperFor(HikariPoolMXBean.class)).isTrue();
            assertThat(ds.unwrap(TwPoolDataSource.class)).isSameAs(ds);
            // Hikari's first connection is counted too.
            assertThat(ds.connectionsOpened()).isEqualTo(2);
        }
    }

    @Test
    void neverExceedsPoolSizePlusMaxOverflow() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(quietServerProps("twpool.pool-size", "2",
                "twpool.max-overflow", "3", "twpool.overflow-idle-timeout", "20s", "twpool.timeout", "10s"))) {
            HikariPoolMXBean pool = ds.unwrap(HikariPoolMXBean.class);
            AtomicInteger maxTotal = new AtomicInteger();
            AtomicInteger maxActive = new AtomicInteger();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread watcher = new Thread(() -> {
                while (running.get()) {
                    maxTotal.accumulateAndGet(pool.getTotalConnections(), Math::max);
                    maxActive.accumulateAndGet(pool.getActiveConnections(), Math::max);
                    Thread.onSpinWait();
                }
            });
            watcher.start();
            ExecutorService workers = Executors.newFixedThreadPool(16);
            List<Future<?>> done = new ArrayList<>();
            Set<Long> serverIds = java.util.concurrent.ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 16; i++) {
                done.add(workers.submit(() -> {
                    for (int j = 0; j < 20; j++) {
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                            serverIds.add(connectionId(c));
                            s.execute("DO SLEEP(0.02)");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            running.set(false);
            watcher.join();
            workers.shutdown();
            assertThat(maxActive.get()).isEqualTo(5);
            assertThat(maxTotal.get()).isEqualTo(5);
            assertThat(serverIds).hasSizeLessThanOrEqualTo(5);
        }
    }

    @Test
    void overflowConnectionsRetireAfterOverflowIdleTimeoutAndThePoolSettlesAtPoolSize() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(quietServerProps("twpool.pool-size", "2",
                "twpool.max-overflow", "4", "twpool.overflow-idle-timeout", "10s"))) {
            HikariPoolMXBean pool = ds.unwrap(HikariPoolMXBean.class);
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                held.add(ds.getConnection());
            }
            assertThat(pool.getTotalConnections()).isEqualTo(6);
            for (Connection c : held) {
                c.close();
            }
            long returnedAt = System.nanoTime();
            // Retired no earlier than the idle timeout allows...
            Thread.sleep(5000);
            assertThat(pool.getTotalConnections()).isEqualTo(6);
            // ...and soon after it (10 s + one 1-second housekeeping run + slack).
            assertThat(await(Duration.ofSeconds(25), () -> pool.getTotalConnections() == 2)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - returnedAt)).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
            Thread.sleep(2000);
            assertThat(pool.getTotalConnections()).isEqualTo(2);
            assertThat(ds.connectionsOpened()).isEqualTo(6);
        }
    }

    @Test
    void recycleRetiresConnectionsAtTheirLifetime() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(quietServerProps("twpool.pool-size", "2",
                "twpool.recycle", "30s", "twpool.keepalive", "0"))) {
            HikariPoolMXBean pool = ds.unwrap(HikariPoolMXBean.class);
            Set<Long> first = new HashSet<>();
            try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
                first.add(connectionId(a));
                first.add(connectionId(b));
            }
            assertThat(first).hasSize(2);
            long started = System.nanoTime();
            assertThat(await(Duration.ofSeconds(45), () -> ds.connectionsOpened() >= 4 && pool.getTotalConnections() == 2)).isTrue();
            // HikariCP 7 subtracts up to a quarter of maxLifetime as jitter (com.zaxxer.hikari.lifeTimeVarianceFactor,
            // 4 by default; 2.5 % before version 7): no retirement before 22.5 s after a connection opened, and both
            // opened before 'started'.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(22));
            Set<Long> second = new HashSet<>();
            try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
                second.add(connectionId(a));
                second.add(connectionId(b));
            }
            assertThat(second).hasSize(2).doesNotContainAnyElementsOf(first);
        }
    }

    @Test
    void prePingReplacesAConnectionKilledOnTheServerBeforeTheCallerSeesIt() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(quietServerProps("twpool.pool-size", "1", "twpool.pre-ping", "true"))) {
            long killed;
            try (Connection c = ds.getConnection()) {
                killed = connectionId(c);
            }
            killOnQuietServer(killed);
            // At once: with pre-ping every borrow is validated, however recently the connection was used.
            try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(connectionId(c)).isNotEqualTo(killed);
            }
            assertThat(ds.connectionsOpened()).isEqualTo(2);
        }
    }

    @Test
    void withoutPrePingHikariSkipsValidationForAConnectionUsedWithinHalfASecond() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(quietServerProps("twpool.pool-size", "1", "twpool.pre-ping", "false"))) {
            long killed;
            try (Connection c = ds.getConnection()) {
                killed = connectionId(c);
            }
            killOnQuietServer(killed);
            try (Connection c = ds.getConnection()) {
                // The dead connection is handed out: its first statement fails, and Hikari then evicts it.
                assertThatThrownBy(() -> connectionId(c)).isInstanceOf(java.sql.SQLException.class);
            }
            Thread.sleep(700); // past the 500 ms window: validated again, so replaced before anyone sees it
            try (Connection c = ds.getConnection()) {
                assertThat(connectionId(c)).isNotEqualTo(killed);
            }
        }
    }

    @Test
    void aConfigurationErrorOpensNothing() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(300);
            Properties p = new Properties();
            p.setProperty("twpool.url", "jdbc:mysql://127.0.0.1:" + listener.getLocalPort() + "/test");
            p.setProperty("twpool.name", "never-started");
            p.setProperty("twpool.recycle", "5s");
            assertThatThrownBy(() -> TwPoolDataSource.fromProperties(p)).isInstanceOf(TwPoolConfigException.class)
                    .hasMessageContaining("twpool.recycle=5s");
            p.setProperty("twpool.recycle", "1h");
            p.setProperty("twpool.reset-session", "true");
            // Without an extension that can reset sessions this is refused before anything connects.
            assertThatThrownBy(() -> TwPoolDataSource.create(TwPoolConfig.fromProperties(p), List.of()))
                    .isInstanceOf(TwPoolConfigException.class)
                    .hasMessageContaining("twpool.reset-session=true")
                    .hasMessageContaining("pool-mysql");
            assertThatThrownBy(() -> {
                try (Socket s = listener.accept()) {
                    throw new AssertionError("something connected to " + s);
                }
            }).isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().contains("never-started"));
        }
    }

    @Test
    void closeStopsThePoolAndBorrowersGetAClearError() throws Exception {
        TwPoolDataSource ds = TwPoolDataSource.fromProperties(quietServerProps("twpool.pool-size", "1", "twpool.name", "closing"));
        ds.close();
        ds.close();
        assertThat(ds.isClosed()).isTrue();
        assertThatThrownBy(ds::getConnection).isInstanceOf(java.sql.SQLException.class).hasMessageContaining("closed");
        assertThat(ds.toString()).contains("closed");
        CountDownLatch settled = new CountDownLatch(1);
        settled.countDown();
        assertThat(await(Duration.ofSeconds(5), () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("closing ")))).isTrue();
    }
}
