package io.github.twpool.internal.connect;

import io.github.twpool.ChurnOrigins;
import io.github.twpool.internal.probe.Endpoint;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/** Samples only while churn lasts and a while after; nothing scheduled when quiet, nothing kept after close. */
class ConnectSamplerIntegrationTest {

    private static final long S = 1_000_000_000L;

    @Test
    void quietSchedulesNothingChurnSamplesAndCloseDropsEverything() throws Exception {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        try {
            ConnectSampler sampler = new ConnectSampler(executor, Path.of("/proc"), Endpoint.fromJdbcUrl("jdbc:mysql://127.0.0.1:3306/test"));
            for (int i = 0; i < 5; i++) {
                sampler.churning(false, i * S);
            }
            executor.submit(() -> { }).get();
            assertThat(executor.getQueue()).as("tasks while quiet").isEmpty();
            assertThat(executor.getTaskCount()).as("tasks ever scheduled: only the test's own").isEqualTo(1);
            assertThat(sampler.origins(5 * S, Double.NaN)).isEqualTo(ChurnOrigins.NOT_SAMPLED);

            executor.submit(() -> sampler.churning(true, 6 * S)).get();
            assertThat(sampler.sampling()).isTrue();
            Thread.sleep(300);
            ChurnOrigins o = executor.submit(() -> sampler.origins(System.nanoTime(), Double.NaN)).get();
            assertThat(o.stackSamples()).as("stack samples after 300 ms").isGreaterThan(0);

            // Still sampling within the linger time after churn, stopped after it.
            executor.submit(() -> sampler.churning(false, 6 * S + ConnectSampler.LINGER.toNanos() / 2)).get();
            assertThat(sampler.sampling()).isTrue();
            executor.submit(() -> sampler.churning(false, 7 * S + ConnectSampler.LINGER.toNanos())).get();
            assertThat(sampler.sampling()).isFalse();
            Thread.sleep(100);
            executor.submit(() -> { }).get();
            assertThat(pending(executor)).as("tasks after the churn stopped").isZero();

            executor.submit(() -> sampler.churning(true, 100 * S)).get();
            executor.submit(sampler::close).get();
            executor.submit(() -> { }).get();
            assertThat(pending(executor)).as("tasks after close").isZero();
            assertThat(sampler.origins(System.nanoTime(), Double.NaN)).isEqualTo(ChurnOrigins.NOT_SAMPLED);
        } finally {
            executor.shutdownNow();
        }
    }

    /** Scheduled tasks not cancelled (a cancelled one stays queued until its time comes, and then does nothing). */
    private static long pending(ScheduledThreadPoolExecutor executor) {
        return executor.getQueue().stream().filter(r -> !((java.util.concurrent.Future<?>) r).isCancelled()).count();
    }

    @Test
    void aSamplerWaitsAHundredTimesWhatItsSampleCostWithinBounds() {
        assertThat(ConnectSampler.next(100_000, ConnectSampler.MIN_INTERVAL)).isEqualTo(ConnectSampler.MIN_INTERVAL.toNanos());
        assertThat(ConnectSampler.next(1_000_000, ConnectSampler.MIN_INTERVAL)).isEqualTo(100_000_000L);
        assertThat(ConnectSampler.next(80_000_000, ConnectSampler.MIN_INTERVAL)).isEqualTo(ConnectSampler.MAX_INTERVAL.toNanos());
    }
}
