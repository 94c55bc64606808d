package io.github.twpool.postgresql;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariConfigMXBean;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Properties;

import static io.github.twpool.postgresql.PgTestSupport.execute;
import static io.github.twpool.postgresql.PgTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * recycle against a role whose sessions the server ends after 40 s idle ({@code ALTER ROLE ... SET
 * idle_session_timeout}): a per-session value no global setting shows, read on a pooled connection. recycle is
 * clamped to 36 s, the start line says so, and a borrow after 45 s idle gets a live connection, not one the server
 * ended.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = PgTestSupport.HOST_CONNECTS, mode = ResourceAccessMode.READ)
class PgIdleSessionTimeoutIntegrationTest {

    private static final String ROLE = "twpool_idle40";

    @BeforeAll
    static void createRole() throws Exception {
        execute(TestDatabase.postgres(),
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE + "') "
                        + "THEN CREATE ROLE " + ROLE + " LOGIN; END IF; END $$",
                "ALTER ROLE " + ROLE + " SET idle_session_timeout = '40s'");
    }

    private static Properties props(String... kv) {
        Properties p = PgTestSupport.props(TestDatabase.postgres(), kv);
        p.setProperty("twpool.username", ROLE);
        p.setProperty("twpool.password", "");
        return p;
    }

    @Test
    void recycleIsClampedUnderTheRolesIdleSessionTimeoutAndABorrowAfter45sIdleIsLive() throws Exception {
        try (LogCapture log = LogCapture.of("io.github.twpool");
             LogCapture hikari = LogCapture.of("com.zaxxer.hikari");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.name", "idle40", "twpool.pool-size", "2",
                     "twpool.recycle", "30m", "twpool.keepalive", "0"))) {
            assertThat(ds.unwrap(HikariConfigMXBean.class).getMaxLifetime()).isEqualTo(36_000);
            assertThat(log.messages(Level.WARN)).anyMatch(m -> m.contains("idle_session_timeout=40s")
                    && m.contains("recycle clamped to 36s"));
            assertThat(log.messages(Level.INFO)).filteredOn(m -> m.startsWith("twpool 'idle40' started")).singleElement()
                    .asString().contains("recycle=36s (shortened from 30m to stay under the server's idle_session_timeout)");
            String firstPid;
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SHOW idle_session_timeout")).isEqualTo("40s");
                firstPid = scalar(c, "SELECT pg_backend_pid()");
            }
            Thread.sleep(45_000);
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT 1")).isEqualTo("1");
                assertThat(scalar(c, "SELECT pg_backend_pid()")).as("replaced by recycle before the server ended it")
                        .isNotEqualTo(firstPid);
            }
            assertThat(hikari.messages(Level.WARN)).as("HikariCP found no connection the server had closed")
                    .noneMatch(m -> m.contains("Failed to validate connection"));
        }
    }

    @Test
    void withTheClampOffARecycleOverTheLimitIsAStartUpError() {
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.recycle", "30m",
                "twpool.postgresql.clamp-recycle", "false")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.recycle").hasMessageContaining("idle_session_timeout=40s")
                .hasMessageContaining("at most 36s");
    }
}
