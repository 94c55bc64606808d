package io.github.twpool.mysql;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariConfigMXBean;
import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static io.github.twpool.mysql.MySqlTestSupport.props;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * recycle clamped under the server's wait_timeout is the recycle everyone reports: the start line, toString() and
 * the churn detector, whose verdict on the churn the clamp causes names recycle and wait_timeout. They used to keep
 * the configured 30m and blame the churn on connections failing validation. The short wait_timeout is this pool's
 * session value (sessionVariables), the one RecycleGuard reads: no global server setting changes.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = MySqlTestSupport.HOST_CONNECTS, mode = ResourceAccessMode.READ)
class EffectiveRecycleIntegrationTest {

    private static final String CLAMPED = "recycle=36s (shortened from 30m to stay under the server's wait_timeout)";

    @Test
    void theClampedRecycleIsWhatTheStartLineToStringAndTheDetectorReport() throws Exception {
        try (LogCapture log = LogCapture.of("io.github.twpool.TwPoolDataSource");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.name", "effective-recycle",
                     "twpool.pool-size", "20", "twpool.recycle", "30m", "twpool.keepalive", "0",
                     "twpool.driver.sessionVariables", "wait_timeout=40",
                     "twpool.probe.enabled", "true", "twpool.probe.interval", "1s", "twpool.probe.scan-every", "1",
                     "twpool.churn.min-rate", "0.1"))) {
            assertThat(ds.unwrap(HikariConfigMXBean.class).getMaxLifetime()).isEqualTo(36_000);
            assertThat(log.messages(Level.INFO)).anyMatch(m -> m.startsWith("twpool 'effective-recycle' started"))
                    .filteredOn(m -> m.startsWith("twpool 'effective-recycle' started")).first().asString()
                    .contains(CLAMPED).doesNotContain("recycle=30m ");
            assertThat(ds.toString()).contains(CLAMPED).doesNotContain("recycle=30m ");

            // Every connection reaches the clamped recycle within ~36 s and is replaced: churn the clamp causes.
            Optional<ChurnVerdict> pool = Optional.empty();
            long deadline = System.nanoTime() + Duration.ofSeconds(75).toNanos();
            while (System.nanoTime() < deadline) {
                ChurnReport r = ds.churnReport();
                pool = r.verdicts().stream().filter(v -> v.cause() == ChurnCause.POOL).findFirst();
                if (pool.isPresent()) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(pool).as("a POOL verdict after %d closes", ds.connectionsClosed()).isPresent();
            assertThat(pool.get().reason()).isEqualTo("recycle");
            assertThat(pool.get().message()).contains(CLAMPED, "raise the server's wait_timeout").doesNotContain("fail validation");
        }
    }
}
