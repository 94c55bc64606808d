package io.github.twpool.benchmarks;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs every benchmark for a moment in CI so that they keep compiling and running; the numbers mean nothing here. */
class BenchmarksSmokeTest {

    @Test
    void everyBenchmarkRuns() throws Exception {
        Options options = new OptionsBuilder()
                .include(PoolOverheadBenchmark.class.getSimpleName())
                .include(ProbeBenchmark.class.getSimpleName())
                .include(SockstatBenchmark.class.getSimpleName())
                .param("lines", "1000")
                .forks(0)
                .threads(2)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        // 4 pools (hikari, twpool, twpool-reset, twpool-counted) x 2 cycles, 1 census size, 1 sockstat tick
        assertThat(results).hasSize(10);
        for (RunResult r : results) {
            assertThat(r.getPrimaryResult().getScore()).as(r.getParams().getBenchmark()).isPositive();
        }
    }
}
