package io.github.twpool;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static io.github.twpool.PoolTestSupport.await;
import static io.github.twpool.PoolTestSupport.connectionId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Why the pool closed its connections, against the real server: each way HikariCP retires a connection is counted
 * under its own reason, and the reasons add up to every connection closed. Its tests mostly wait out lifetimes and
 * idle timeouts: they run beside each other and beside the tests that count nothing on the whole host, against the
 * embedded server (TLS on), whose port no counting test watches.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = PoolTestSupport.HOST_CONNECTS, mode = ResourceAccessMode.READ)
class CloseReasonsIntegrationTest {

    private static TwPoolDataSource pool(String name, String... keyValues) {
        List<String> all = new ArrayList<>(List.of("twpool.name", name, "twpool.probe.enabled", "false"));
        all.addAll(List.of(keyValues));
        return TwPoolDataSource.fromProperties(PoolTestSupport.quietServerProps(all.toArray(new String[0])));
    }

    private static Map<CloseReason, Long> byReason(TwPoolDataSource ds) {
        Map<CloseReason, Long> m = new EnumMap<>(CloseReason.class);
        for (CloseReason r : CloseReason.values()) {
            m.put(r, ds.connectionsClosed(r));
        }
        return m;
    }

    private static void assertReasonsAddUp(TwPoolDataSource ds) {
        assertThat(byReason(ds).values().stream().mapToLong(Long::longValue).sum()).as("%s", byReason(ds))
                .isEqualTo(ds.connectionsClosed());
    }

    @Test
    void connectionsThatReachRecycleCloseForLifetime() throws Exception {
        try (TwPoolDataSource ds = pool("recycled", "twpool.pool-size", "2", "twpool.recycle", "30s")) {
            try (Connection c = ds.getConnection()) {
                connectionId(c);
            }
            // HikariCP ends each connection between 3/4 of recycle and recycle (22.5 s to 30 s here).
            assertThat(await(Duration.ofSeconds(45), () -> ds.connectionsClosed(CloseReason.LIFETIME) >= 2))
                    .as("%s", byReason(ds)).isTrue();
            assertThat(byReason(ds)).containsEntry(CloseReason.IDLE, 0L).containsEntry(CloseReason.EVICTED, 0L)
                    .containsEntry(CloseReason.SERVER, 0L).containsEntry(CloseReason.BROKEN, 0L);
            assertReasonsAddUp(ds);
        }
    }

    @Test
    void aConnectionTheServerKillsClosesForServerOrBroken() throws Exception {
        try (TwPoolDataSource ds = pool("killed", "twpool.pool-size", "1");
             Connection admin = TestDatabase.tls().openDirect()) {
            long id;
            try (Connection c = ds.getConnection()) {
                id = connectionId(c);
            }
            try (Statement s = admin.createStatement()) {
                s.execute("KILL " + id);
            }
            Thread.sleep(700); // past HikariCP's 500 ms alive bypass: the next borrow validates it
            try (Connection c = ds.getConnection()) {
                assertThat(connectionId(c)).as("a new connection replaced the killed one").isNotEqualTo(id);
            }
            assertThat(await(Duration.ofSeconds(5), () -> ds.connectionsClosed() >= 1)).isTrue();
            assertThat(ds.connectionsClosed(CloseReason.SERVER) + ds.connectionsClosed(CloseReason.BROKEN))
                    .as("%s", byReason(ds)).isEqualTo(1);

            // Killed while borrowed: the borrower's statement fails, and HikariCP retires the connection at once.
            try (Connection c = ds.getConnection()) {
                long borrowed = connectionId(c);
                try (Statement s = admin.createStatement()) {
                    s.execute("KILL " + borrowed);
                }
                for (int i = 0; i < 3; i++) {
                    try {
                        connectionId(c);
                    } catch (SQLException expected) {
                        // the first may report the kill; the next finds the connection gone
                    }
                }
            }
            assertThat(await(Duration.ofSeconds(5), () -> ds.connectionsClosed() >= 2)).isTrue();
            assertThat(ds.connectionsClosed(CloseReason.SERVER) + ds.connectionsClosed(CloseReason.BROKEN))
                    .as("%s", byReason(ds)).isEqualTo(2);
            assertReasonsAddUp(ds);
        }
    }

    @Test
    void overflowConnectionsRetiringAfterTheirIdleTimeoutCloseForIdle() throws Exception {
        // HikariCP looks for idle connections every 30 s unless told otherwise; read when a pool starts.
        // failsafe sets it for the whole JVM; run from an IDE it is set here, and put back as it was (cleared, it
        // would slow every pool started afterwards, in this class or another, to HikariCP's 30 s).
        String period = "com.zaxxer.hikari.housekeeping.periodMs";
        String before = System.setProperty(period, "1000");
        TwPoolDataSource ds;
        try {
            ds = pool("overflowing", "twpool.pool-size", "1", "twpool.max-overflow", "2",
                    "twpool.overflow-idle-timeout", "10s");
        } finally {
            if (before == null) {
                System.clearProperty(period);
            } else {
                System.setProperty(period, before);
            }
        }
        try (ds) {
            List<Connection> burst = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                burst.add(ds.getConnection());
            }
            for (Connection c : burst) {
                c.close();
            }
            HikariPoolMXBean hikari = ds.unwrap(HikariPoolMXBean.class);
            assertThat(await(Duration.ofSeconds(25), () -> ds.connectionsClosed(CloseReason.IDLE) >= 2))
                    .as("%s", byReason(ds)).isTrue();
            assertThat(hikari.getTotalConnections()).isEqualTo(1);
            assertThat(ds.connectionsClosed()).isEqualTo(2);
            assertReasonsAddUp(ds);
        }
    }

    @Test
    void evictedConnectionsCloseForEvictedAndClosingThePoolForPoolClosed() throws Exception {
        TwPoolDataSource ds = pool("evicting", "twpool.pool-size", "2");
        try (Connection c = ds.getConnection()) {
            ds.evictConnection(c);
        }
        assertThat(await(Duration.ofSeconds(5), () -> ds.connectionsClosed(CloseReason.EVICTED) == 1)).as("%s", byReason(ds)).isTrue();
        HikariPoolMXBean hikari = ds.unwrap(HikariPoolMXBean.class);
        assertThat(await(Duration.ofSeconds(5), () -> hikari.getTotalConnections() == 2)).isTrue();
        long open = ds.connectionsOpened() - ds.connectionsClosed();
        ds.close();
        assertThat(ds.connectionsClosed(CloseReason.POOL_CLOSED)).as("%s", byReason(ds)).isEqualTo(open);
        assertThat(ds.connectionsClosed()).isEqualTo(ds.connectionsOpened());
        assertReasonsAddUp(ds);
    }
}
