package io.github.twpool.mysql;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariConfigMXBean;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static io.github.twpool.mysql.MySqlTestSupport.execute;
import static io.github.twpool.mysql.MySqlTestSupport.props;
import static io.github.twpool.mysql.MySqlTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** recycle against a short server wait_timeout. The global value is restored after each test, even on failure. */
class WaitTimeoutIntegrationTest {

    private String originalWaitTimeout;

    @BeforeEach
    void shortWaitTimeout() throws Exception {
        try (Connection c = io.github.twpool.testsupport.TestDatabase.get().openDirect()) {
            originalWaitTimeout = scalar(c, "SELECT @@GLOBAL.wait_timeout");
        }
        execute("SET GLOBAL wait_timeout = 40");
    }

    @AfterEach
    void restore() throws Exception {
        execute("SET GLOBAL wait_timeout = " + originalWaitTimeout);
    }

    @Test
    void recycleIsClampedUnderWaitTimeoutAndNoBorrowerSeesADeadConnection() throws Exception {
        try (LogCapture log = LogCapture.of("io.github.twpool.mysql");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "2", "twpool.recycle", "30m",
                     "twpool.keepalive", "0"))) {
            assertThat(ds.unwrap(HikariConfigMXBean.class).getMaxLifetime()).isEqualTo(36_000);
            assertThat(log.messages(Level.WARN)).hasSize(1).first().asString()
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
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.recycle", "30m", "twpool.keepalive", "0",
                "twpool.mysql.clamp-recycle", "false")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.recycle=30m: must be shorter than the server's wait_timeout=40s")
                .hasMessageContaining("at most 36s");
    }

    @Test
    void aKeepaliveThatCannotFireInsideWaitTimeoutIsWarned() throws Exception {
        try (LogCapture log = LogCapture.of("io.github.twpool.mysql");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.recycle", "35s",
                     "twpool.keepalive", "30s"))) {
            assertThat(log.messages(Level.WARN)).isEmpty(); // 30 s < 40 s: fine
        }
        try (LogCapture log = LogCapture.of("io.github.twpool.mysql");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.recycle", "30m",
                     "twpool.keepalive", "2m"))) {
            assertThat(log.messages(Level.WARN)).anyMatch(m -> m.contains("keepalive=2m cannot keep an idle connection alive"));
        }
    }
}
