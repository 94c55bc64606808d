package io.github.twpool.reliability;

import ch.qos.logback.classic.Level;
import io.github.twpool.ServerStatus;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.spi.PoolContext;
import io.github.twpool.spi.ServerStatusSource;
import io.github.twpool.spi.TwPoolExtension;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Failures inside twpool's own background work never reach the pool's borrowers. */
class MonitorFaultsIntegrationTest {

    /** An extension whose server-side signal source does what the test says. */
    private record Signals(Supplier<ServerStatus> sample) implements TwPoolExtension {
        @Override
        public String name() {
            return "signals";
        }

        @Override
        public boolean supports(String jdbcUrl) {
            return true;
        }

        @Override
        public ServerStatusSource serverStatusSource(PoolContext context) {
            return new ServerStatusSource() {
                @Override
                public Duration interval() {
                    return Duration.ofSeconds(1);
                }

                @Override
                public ServerStatus sample(Connection connection) throws SQLException {
                    ServerStatus s = sample.get();
                    if (s == null) {
                        throw new SQLException("Access denied; you need (at least one of) the PROCESS privilege(s)");
                    }
                    return s;
                }
            };
        }
    }

    private static TwPoolDataSource pool(String name, Signals signals) {
        TwPoolConfig config = TwPoolConfig.fromProperties(TestDatabase.get().twpoolProperties("twpool.name", name,
                "twpool.pool-size", "2", "twpool.probe.enabled", "true", "twpool.probe.interval", "1s",
                "twpool.probe.scan-every", "1"));
        return TwPoolDataSource.create(config, List.of(signals));
    }

    private static void serve(TwPoolDataSource ds, int requests) throws SQLException {
        for (int i = 0; i < requests; i++) {
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
        }
    }

    @Test
    void aServerThatRefusesTheStatusQueryTurnsTheSignalsOffWithOneInfoLine() throws Exception {
        try (LogCapture log = LogCapture.of("io.github.twpool.probe");
             TwPoolDataSource ds = pool("refused", new Signals(() -> null))) {
            Thread.sleep(3500);
            serve(ds, 50);
            assertThat(log.messages(Level.INFO)).filteredOn(m -> m.contains("server-side churn signals are off"))
                    .hasSize(1).first().asString().contains("PROCESS privilege");
            assertThat(ds.churnReport().server()).isNull();
            assertThat(ds.churnReport().probeRunning()).isTrue();
        }
    }

    @Test
    void anExceptionInsideTheDetectorIsLoggedOnceAndThePoolKeepsServing() throws Exception {
        // A status without a timestamp makes the detector fail on every tick.
        ServerStatus broken = new ServerStatus(null, 1, 1, 1, 0, 0, 100, 0, 28800);
        try (LogCapture log = LogCapture.of("io.github.twpool.probe");
             TwPoolDataSource ds = pool("broken-detector", new Signals(() -> broken))) {
            Thread.sleep(3500);
            serve(ds, 50);
            assertThat(log.messages(Level.WARN)).filteredOn(m -> m.contains("the churn probe failed"))
                    .hasSize(1).first().asString().contains("NullPointerException", "keeps working");
            assertThat(ds.connectionsOpened()).isEqualTo(2);
        }
    }
}
