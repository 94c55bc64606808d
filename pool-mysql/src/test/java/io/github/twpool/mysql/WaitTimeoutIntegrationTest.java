package io.github.twpool.mysql;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariConfigMXBean;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static io.github.twpool.mysql.MySqlTestSupport.props;
import static io.github.twpool.mysql.MySqlTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * recycle against a short server wait_timeout: 40 s, set for the pool's own sessions ({@code sessionVariables}),
 * which is the value a session gets from the server's global one and the value the pool reads. The server's global
 * value stays as it is, so the classes running beside this one are not cut off.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = MySqlTestSupport.HOST_CONNECTS, mode = ResourceAccessMode.READ)
class WaitTimeoutIntegrationTest {

    // A pool name per test: the class runs beside others, and its tests beside each other.
    private static final String CLAMPED = "wait-timeout-clamped";
    private static final String KEEPALIVE = "wait-timeout-keepalive";

    private static java.util.List<String> mine(String name, java.util.List<String> lines) {
        return lines.stream().filter(m -> m.startsWith("twpool '" + name + "'")).toList();
    }

    private static java.util.Properties shortWaitTimeout(String name, String... kv) {
        java.util.Properties p = props(kv);
        p.setProperty("twpool.driver.sessionVariables", "wait_timeout=40");
        p.setProperty("twpool.name", name);
        return p;
    }

    @Test
    void recycleIsClampedUnderWaitTimeoutAndNoBorrowerSeesADeadConnection() throws Exception {
        try (LogCapture log = LogCapture.of("io.github.twpool.mysql");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(shortWaitTimeout(CLAMPED, "twpool.pool-size", "2", "twpool.recycle", "30m",
                     "twpool.keepalive", "0"))) {
            assertThat(ds.unwrap(HikariConfigMXBean.class).getMaxLifetime()).isEqualTo(36_000);
            assertThat(mine(CLAMPED, log.messages(Level.WARN))).hasSize(1).first().asString()
                    .contains("recycle=30m is longer than the server's wait_timeout=40s", "recycle clamped to 36s",
                            "Possibly consider using a shorter maxLifetime value");
            long before = ds.connectionsOpened();
            Thread.sleep(45_000); // idle past the server's wait_timeout
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
                assertThat(scalar(c, "SELECT 1")).isEqualTo("1");
            }
            // The pool replaced its connections before the server could kill them.
            assertThat(ds.connectionsOpened()).isGreaterThan(before);
        }
    }

    @Test
    void withoutTheClampItIsAStartUpError() {
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(shortWaitTimeout(CLAMPED, "twpool.recycle", "30m", "twpool.keepalive", "0",
                "twpool.mysql.clamp-recycle", "false")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.recycle=30m: must be shorter than the server's wait_timeout=40s")
                .hasMessageContaining("at most 36s");
    }

    @Test
    void aKeepaliveThatCannotFireInsideWaitTimeoutIsWarned() throws Exception {
        try (LogCapture log = LogCapture.of("io.github.twpool.mysql");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(shortWaitTimeout(KEEPALIVE, "twpool.pool-size", "1", "twpool.recycle", "35s",
                     "twpool.keepalive", "30s"))) {
            assertThat(mine(KEEPALIVE, log.messages(Level.WARN))).isEmpty(); // 30 s < 40 s: fine
        }
        try (LogCapture log = LogCapture.of("io.github.twpool.mysql");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(shortWaitTimeout(KEEPALIVE, "twpool.pool-size", "1", "twpool.recycle", "30m",
                     "twpool.keepalive", "2m"))) {
            assertThat(mine(KEEPALIVE, log.messages(Level.WARN))).anyMatch(m -> m.contains("keepalive=2m cannot keep an idle connection alive"));
        }
    }
}
