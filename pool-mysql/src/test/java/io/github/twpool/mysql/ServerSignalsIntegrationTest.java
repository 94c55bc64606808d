package io.github.twpool.mysql;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.ServerStatus;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;

import static io.github.twpool.mysql.MySqlTestSupport.props;
import static org.assertj.core.api.Assertions.assertThat;

class ServerSignalsIntegrationTest {

    @Test
    void anotherClientsChurnIsReportedAsServerSideChurnNotCausedByThisPool() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.name", "signals", "twpool.pool-size", "2",
                "twpool.probe.enabled", "true", "twpool.probe.interval", "1s", "twpool.probe.scan-every", "1",
                "twpool.mysql.status-interval", "2s", "twpool.churn.min-rate", "5", "twpool.churn.warn-interval", "1s"))) {
            ServerStatus first = awaitServerSample(ds, java.time.Instant.EPOCH);
            long openedBefore = ds.connectionsOpened();
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            int churned = 0;
            while (System.nanoTime() < deadline || churned < 200) {
                try (Connection c = TestDatabase.get().openDirect()) {
                    c.isValid(1);
                }
                churned++;
            }
            ServerStatus later = awaitServerSample(ds, java.time.Instant.now());
            assertThat(later.connectionsTotal() - first.connectionsTotal()).isGreaterThanOrEqualTo(churned);
            assertThat(later.maxConnections()).isPositive();
            assertThat(later.waitTimeoutSeconds()).isPositive();
            assertThat(ds.connectionsOpened()).isEqualTo(openedBefore);
            ChurnVerdict server = awaitVerdict(ds, ChurnCause.SERVER_CHURN);
            assertThat(server.message()).contains("accepts ~", "while this pool opened 0.0/s");
        }
    }

    /** The first server sample the probe thread read after {@code after}. */
    private static ServerStatus awaitServerSample(TwPoolDataSource ds, java.time.Instant after) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            ServerStatus s = ds.churnReport().server();
            if (s != null && s.at().isAfter(after)) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no server sample; report: " + ds.churnReport());
    }

    private static ChurnVerdict awaitVerdict(TwPoolDataSource ds, ChurnCause cause) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (ChurnVerdict v : ds.churnReport().verdicts()) {
                if (v.cause() == cause) {
                    return v;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + cause + " verdict; report: " + ds.churnReport());
    }
}
