package io.github.twpool;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.github.twpool.PoolTestSupport.connectionId;
import static io.github.twpool.PoolTestSupport.kill;
import static io.github.twpool.PoolTestSupport.props;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * pre-ping=true must change twpool's pool only. It used to set the JVM-wide system property HikariCP reads its
 * alive-bypass window from while twpool's pool was built, so a pool built by other code at that moment lost its
 * 500 ms window for good.
 */
class PrePingIsolationIntegrationTest {

    private static final String ALIVE_BYPASS = "com.zaxxer.hikari.aliveBypassWindowMs";

    @Test
    void aPlainHikariPoolBuiltWhileAPrePingPoolStartsKeepsItsWindow() throws Exception {
        List<Long> windows = new ArrayList<>();
        List<String> propertySeen = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            int round = r;
            CompletableFuture<TwPoolDataSource> twpool = CompletableFuture.supplyAsync(() -> TwPoolDataSource.fromProperties(
                    props("twpool.name", "preping-" + round, "twpool.pool-size", "1", "twpool.pre-ping", "true")));
            List<HikariDataSource> plain = new ArrayList<>();
            try {
                // Build plain pools, as other code in the JVM might, for as long as twpool's pool is starting.
                do {
                    String p = System.getProperty(ALIVE_BYPASS);
                    if (p != null) {
                        propertySeen.add(p);
                    }
                    plain.add(plainPool("plain-" + round + "-" + plain.size()));
                } while (!twpool.isDone());
                for (HikariDataSource h : plain) {
                    windows.add(aliveBypassWindow(h));
                }
            } finally {
                plain.forEach(HikariDataSource::close);
                twpool.join().close();
            }
        }
        assertThat(propertySeen).as("the JVM-wide %s while twpool started", ALIVE_BYPASS).isEmpty();
        assertThat(windows).isNotEmpty().allSatisfy(w -> assertThat(w).isEqualTo(500L));
    }

    @Test
    void prePingStillValidatesABorrowRightAfterAReturnAndAPlainPoolStillDoesNot() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.pre-ping", "true"));
             HikariDataSource plain = plainPool("plain-kill")) {
            for (int i = 0; i < 3; i++) {
                long killed;
                try (Connection c = ds.getConnection()) {
                    killed = connectionId(c);
                }
                kill(killed);
                try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(connectionId(c)).isNotEqualTo(killed);
                }
            }
            long killed;
            try (Connection c = plain.getConnection()) {
                killed = connectionId(c);
            }
            kill(killed);
            try (Connection c = plain.getConnection()) {
                // Within Hikari's 500 ms window the dead connection is handed out unvalidated.
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> connectionId(c)).isInstanceOf(java.sql.SQLException.class);
            }
        }
    }

    private static HikariDataSource plainPool(String name) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(name);
        h.setJdbcUrl(TestDatabase.get().jdbcUrl());
        h.setUsername(TestDatabase.get().username());
        h.setPassword(TestDatabase.get().password());
        h.setMinimumIdle(1);
        h.setMaximumPoolSize(1);
        return new HikariDataSource(h);
    }

    /** HikariCP keeps the window in a private field of each pool; reading it is the only way to see it. */
    private static long aliveBypassWindow(HikariDataSource h) throws Exception {
        HikariPoolMXBean pool = h.getHikariPoolMXBean();
        Field f = pool.getClass().getDeclaredField("aliveBypassWindowMs");
        f.setAccessible(true);
        return f.getLong(pool);
    }
}
