package io.github.twpool.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.benchmarks.stub.StubDriver;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.mysql.internal.SessionReset;
import io.github.twpool.spi.ConnectionDecorator;
import io.github.twpool.spi.TwPoolExtension;
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
import org.openjdk.jmh.infra.Blackhole;

import javax.sql.DataSource;
import java.io.Closeable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HikariCP-benchmark style: a stub driver whose calls do nothing, 8 threads, a pool of 32. Bare HikariCP against
 * TwPoolDataSource with its defaults (probe on), without {@code driverClassName} ({@code twpool-counted}: Hikari
 * looks the driver up in {@code DriverManager}, which twpool leaves alone, so borrowing must cost what bare Hikari's
 * does), and
 * with reset-session=true (pool-mysql's SessionResetConnection, over a stub whose reset is free: this measures the
 * wrapper, not the server's round trip).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(8)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PoolOverheadBenchmark {

    static final String URL = "jdbc:stub://127.0.0.1:3306/bench";

    @Param({"hikari", "twpool", "twpool-counted", "twpool-reset"})
    public String pool;

    private DataSource ds;
    private Closeable closer;

    @Setup(Level.Trial)
    public void setUp() {
        switch (pool) {
            case "hikari" -> {
                HikariConfig c = new HikariConfig();
                c.setJdbcUrl(URL);
                c.setDriverClassName(StubDriver.class.getName());
                c.setMinimumIdle(32);
                c.setMaximumPoolSize(32);
                c.setConnectionTimeout(8000);
                HikariDataSource h = new HikariDataSource(c);
                ds = h;
                closer = h;
            }
            case "twpool-counted" -> {
                // No driverClassName: Hikari looks the driver up in DriverManager, which twpool leaves as it is.
                // Borrowing must cost the same as bare Hikari's.
                TwPoolConfig c = TwPoolConfig.builder().url(URL).name("bench").poolSize(32)
                        .timeout(java.time.Duration.ofSeconds(8)).build();
                TwPoolDataSource t = TwPoolDataSource.create(c, List.of());
                ds = t;
                closer = t;
            }
            case "twpool", "twpool-reset" -> {
                TwPoolConfig c = TwPoolConfig.builder().url(URL).name("bench").poolSize(32)
                        .timeout(java.time.Duration.ofSeconds(8)).resetSession(pool.equals("twpool-reset"))
                        .hikariProperty("driverClassName", StubDriver.class.getName()).build();
                TwPoolDataSource t = TwPoolDataSource.create(c, List.of(new StubReset()));
                ds = t;
                closer = t;
            }
            default -> throw new IllegalArgumentException(pool);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        // A pool that had to reopen connections measured reconnects, not borrowing (a reset failing on every return
        // once made twpool-reset 33 ops/ms): fail the run rather than report that number.
        long closed = ds instanceof TwPoolDataSource t ? t.connectionsClosed() : 0;
        closer.close();
        if (closed != 0) {
            throw new IllegalStateException(pool + " closed " + closed + " connections during the run: they were evicted");
        }
    }

    @Benchmark
    public void cycleConnection(Blackhole bh) throws SQLException {
        try (Connection c = ds.getConnection()) {
            bh.consume(c);
        }
    }

    @Benchmark
    public void cycleStatement(Blackhole bh) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1");
             ResultSet rs = ps.executeQuery()) {
            bh.consume(rs.next());
        }
    }

    /** pool-mysql's session reset, registered for the stub driver's URLs. */
    static final class StubReset implements TwPoolExtension {
        @Override
        public String name() {
            return "stub";
        }

        @Override
        public boolean supports(String jdbcUrl) {
            return jdbcUrl.startsWith("jdbc:stub:");
        }

        @Override
        public ConnectionDecorator sessionReset(TwPoolConfig config) {
            return SessionReset.forConfig(config);
        }
    }
}
