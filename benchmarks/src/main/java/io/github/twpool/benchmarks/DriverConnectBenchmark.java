package io.github.twpool.benchmarks;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolDataSource;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What counting costs a connect: {@code DriverManager.getConnection} on the stub driver (a connect that costs
 * nothing, so this is the worst case; a real connect is a TCP and often a TLS handshake, 0.1-50 ms), with and without
 * twpool's counting driver installed (a pool with {@code probe.count-connects=true} open). Counting includes the
 * sampled stack walk for the call site.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(4)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DriverConnectBenchmark {

    @Param({"real", "counted"})
    public String driver;

    private TwPoolDataSource pool;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        if (driver.equals("counted")) {
            pool = TwPoolDataSource.create(TwPoolConfig.builder().url(PoolOverheadBenchmark.URL).name("connects")
                    .poolSize(1).build(), List.of());
        }
        boolean counting = DriverManager.getDriver(PoolOverheadBenchmark.URL).getClass().getName().endsWith("CountingDriver");
        if (counting != driver.equals("counted")) {
            throw new IllegalStateException("counting driver installed: " + counting + ", expected for " + driver);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool != null) {
            pool.close();
        }
    }

    @Benchmark
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(PoolOverheadBenchmark.URL);
    }
}
