package io.github.twpool;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;
import ch.qos.logback.classic.Level;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.github.twpool.ChurnDetectionIntegrationTest.probeFast;
import static io.github.twpool.ChurnDetectionIntegrationTest.query;
import static io.github.twpool.ChurnDetectionIntegrationTest.total;
import static io.github.twpool.PoolTestSupport.await;
import static io.github.twpool.PoolTestSupport.props;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool whose own configuration makes it churn (one connection and eight overflow ones retiring after 10 s idle,
 * bursts that need nine) is told that overflow is the cause, with the settings to change.
 */
@ResourceLock(PoolTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class ChurnDetectionOverflowIntegrationTest {

    @Test
    void aPoolConfiguredToChurnIsToldThatOverflowIsTheCause() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(probeFast("bursty",
                "twpool.pool-size", "1", "twpool.max-overflow", "8", "twpool.overflow-idle-timeout", "10s",
                "twpool.churn.min-rate", "0.1", "twpool.timeout", "5s")));
             LogCapture log = LogCapture.of("io.github.twpool.churn")) {
            ExecutorService burst = Executors.newFixedThreadPool(9);
            try {
                for (int round = 0; round < 3; round++) {
                    CountDownLatch all = new CountDownLatch(9);
                    List<Future<?>> f = new ArrayList<>();
                    for (int i = 0; i < 9; i++) {
                        f.add(burst.submit(() -> {
                            try (Connection c = ds.getConnection()) {
                                all.countDown();
                                all.await(5, TimeUnit.SECONDS); // all 9 held at once: 8 overflow connections
                                query(c);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> x : f) {
                        x.get(20, TimeUnit.SECONDS);
                    }
                    if (round < 2) {
                        // overflow-idle-timeout plus a housekeeping run (1 s in tests): the overflow is gone again
                        assertThat(await(Duration.ofSeconds(20), () -> total(ds) == 1)).isTrue();
                    }
                }
                assertThat(await(Duration.ofSeconds(5), () -> log.messages(Level.WARN).stream()
                        .anyMatch(w -> w.contains("this pool churns")))).isTrue();
                String warning = log.messages(Level.WARN).stream().filter(w -> w.contains("this pool churns")).findFirst().orElseThrow();
                assertThat(warning).contains("Overflow connections retire after overflow-idle-timeout=10s", "pool-size=1", "max-overflow=8");
                assertThat(ds.connectionsOpened()).isGreaterThanOrEqualTo(1 + 3 * 8);
            } finally {
                burst.shutdownNow();
            }
        }
    }
}
