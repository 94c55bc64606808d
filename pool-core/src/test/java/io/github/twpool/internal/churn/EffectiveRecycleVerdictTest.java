package io.github.twpool.internal.churn;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.KernelSettings;
import io.github.twpool.SocketCensus;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.internal.EffectiveSettings;
import io.github.twpool.internal.probe.HostTcpCounters;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detector judges recycle by the value the pool runs with. pool-mysql clamps recycle under the server's
 * wait_timeout; the detector used to read the configured 30m, so churn caused by the clamp was blamed on
 * "connections fail validation".
 */
class EffectiveRecycleVerdictTest {

    private static final long S = 1_000_000_000L;
    private static final KernelSettings KERNEL = new KernelSettings(32768, 60999, 2, 60, 131072, 1, false, "6.1");

    private static SocketCensus census(int server) {
        int[] c = new int[61];
        int[] s = new int[61];
        s[55] = server;
        return new SocketCensus(Instant.now(), 0, server, 0, 0, 0, 0, c, s);
    }

    /** A tick of a pool that runs with {@code recycle} (the effective value, which each observation carries). */
    private static Observation tick(long seconds, SocketCensus census, long opened, int total, Duration recycle) {
        return new Observation(seconds * S, census, true, 1000, KERNEL,
                new Observation.PoolCounts(opened, 0, total, total, recycle), null, 0, Attribution.NONE, HostTcpCounters.UNKNOWN);
    }

    private static ChurnVerdict poolVerdict(ChurnDetector d, EffectiveSettings pool) {
        d.evaluate(tick(0, census(0), 100, 100, pool.recycle()));
        return d.evaluate(tick(36, census(100), 200, 100, pool.recycle())).findings().stream().map(ChurnMessages::render)
                .filter(v -> v.cause() == ChurnCause.POOL).findFirst().orElseThrow();
    }

    @Test
    void churnFromARecycleClampedUnderWaitTimeoutIsNamedAsSuch() {
        TwPoolConfig config = TwPoolConfig.builder().url("jdbc:mysql://127.0.0.1:3306/test").name("orders").churnMinRate(1.0)
                .poolSize(100).recycle(Duration.ofMinutes(30)).keepalive(Duration.ZERO).build();
        EffectiveSettings clamped = new EffectiveSettings(config, () -> 36_000);
        ChurnVerdict v = poolVerdict(new ChurnDetector(DetectorSettings.of(config), "127.0.0.1:3306", 3306), clamped);
        assertThat(v.reason()).isEqualTo("recycle");
        assertThat(v.message()).contains("recycle=36s (shortened from 30m to stay under the server's wait_timeout)",
                "100 connections every 36s", "raise the server's wait_timeout above the configured recycle")
                .doesNotContain("fail validation");
        // What the configured value alone led to: the same churn blamed on failing connections.
        assertThat(poolVerdict(new ChurnDetector(DetectorSettings.of(config), "127.0.0.1:3306", 3306),
                EffectiveSettings.configured(config)).reason())
                .isEqualTo("failures");
    }

    @Test
    void describeShowsTheEffectiveRecycle() {
        TwPoolConfig config = TwPoolConfig.builder().url("jdbc:mysql://127.0.0.1:3306/test").recycle(Duration.ofMinutes(30)).build();
        assertThat(new EffectiveSettings(config, () -> 1_800_000).describe()).isEqualTo(config.describe());
        String clamped = new EffectiveSettings(config, () -> 36_000).describe();
        assertThat(clamped).contains(" recycle=36s (shortened from 30m to stay under the server's wait_timeout) ")
                .doesNotContain("recycle=30m ");
        assertThat(clamped.replace("recycle=36s (shortened from 30m to stay under the server's wait_timeout)", "recycle=30m"))
                .isEqualTo(config.describe());
    }
}
