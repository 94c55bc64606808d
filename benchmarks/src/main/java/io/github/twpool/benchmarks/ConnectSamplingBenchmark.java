package io.github.twpool.benchmarks;

import io.github.twpool.internal.connect.ConnectSampler;
import io.github.twpool.internal.probe.Endpoint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What one sample of {@link ConnectSampler} costs while churn lasts: a stack sample (every thread's stack, a
 * safepoint that stops them all for its duration) with {@code threads} application threads parked in stacks of
 * {@code depth} frames, and a socket sample (this process's socket inodes from {@code /proc/self/fd}, twice, around a
 * census of the endpoint's client sockets). Divide by the interval the sampler waits (100 times the cost, 20 ms to
 * 5 s; stacks at least 50 ms) for the CPU share. When quiet the sampler schedules nothing, so it costs nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ConnectSamplingBenchmark {

    @Param({"50", "500"})
    public int threads;

    @Param({"40"})
    public int depth;

    private final List<Thread> parked = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private ScheduledExecutorService executor;
    private ConnectSampler sampler;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> nest(depth, started), "app-" + i);
            t.setDaemon(true);
            t.start();
            parked.add(t);
        }
        started.await();
        executor = Executors.newSingleThreadScheduledExecutor();
        sampler = new ConnectSampler(executor, Path.of("/proc"), Endpoint.fromJdbcUrl("jdbc:mysql://127.0.0.1:3306/test"));
        sampler.sampleSockets(); // opens the census; the first sample sets the baseline
    }

    private void nest(int n, CountDownLatch started) {
        if (n > 0) {
            nest(n - 1, started);
            return;
        }
        started.countDown();
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stop.countDown();
        sampler.close();
        executor.shutdownNow();
    }

    @Benchmark
    public void stackSample() {
        sampler.sampleStacks();
    }

    @Benchmark
    public void socketSample() {
        sampler.sampleSockets();
    }
}
