package io.github.twpool.mysql;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Order;

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

@ResourceLock(MySqlTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class ServerSignalsIntegrationTest {

    @Test
    void anotherClientsChurnIsSeenByTheServerAndAttributedToThisJvmNotToOtherHosts() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.name", "signals", "twpool.pool-size", "2",
                "twpool.probe.enabled", "true", "twpool.probe.interval", "1s", "twpool.probe.scan-every", "1",
                "twpool.mysql.status-interval", "2s", "twpool.churn.min-rate", "5", "twpool.churn.warn-interval", "1s"))) {
            ServerStatus first = awaitServerSample(ds, java.time.Instant.EPOCH);
            // HikariCP fills the pool in the background: count from a full pool, or its second open looks like churn.
            long fillDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (ds.connectionsOpened() < 2 && System.nanoTime() < fillDeadline) {
                Thread.sleep(20);
            }
            assertThat(ds.connectionsOpened()).as("the pool filled up").isEqualTo(2);
            long openedBefore = ds.connectionsOpened();
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            int churned = 0;
            // Other clients of the shared server churn too: look for this JVM's own verdict while it churns.
            ChurnVerdict outside = null;
            long nextLook = 0;
            while (System.nanoTime() < deadline || churned < 200) {
                try (Connection c = TestDatabase.get().openDirect()) {
                    c.isValid(1);
                }
                churned++;
                if (outside == null && System.nanoTime() > nextLook) {
                    nextLook = System.nanoTime() + 50_000_000L;
                    outside = ds.churnReport().verdicts().stream().filter(v -> v.cause() == ChurnCause.OUTSIDE_POOL
                            && String.valueOf(v.fields().get("twpool.call_site"))
                                    .startsWith("io.github.twpool.testsupport.TestDatabase.openDirect(")).findFirst().orElse(null);
                }
            }
            ServerStatus later = awaitServerSample(ds, java.time.Instant.now());
            assertThat(later.connectionsTotal() - first.connectionsTotal()).isGreaterThanOrEqualTo(churned);
            assertThat(later.maxConnections()).isPositive();
            assertThat(later.waitTimeoutSeconds()).isPositive();
            assertThat(ds.connectionsOpened()).isEqualTo(openedBefore);
            // This JVM made that churn: it is outside this pool, named by the code that did it (sampled in a JDBC
            // connect; the warning's call_site field has it in full), never "other hosts", and never another process
            // alone (other clients of the shared server may churn too: then both are named, or the samples say they
            // cannot tell).
            assertThat(outside).as("an outside-pool verdict naming this JVM's call site during the churn").isNotNull();
            assertThat(outside.message()).containsIgnoringCase("from this JVM").doesNotContain("/s from another process");
            assertThat(ds.churnReport().verdicts()).noneMatch(v -> v.message().contains("other hosts"));
        }
    }

    @Test
    void theServerNamesItsClientHostsWhereItCanAndSaysWhatIsMissingWhereItCannot() throws Exception {
        // The embedded MariaDB 11.4 runs with userstat=ON: information_schema.CLIENT_STATISTICS names this host.
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(TestDatabase.tls().twpoolProperties("twpool.name", "byhost",
                "twpool.pool-size", "1", "twpool.probe.enabled", "true", "twpool.probe.interval", "1s"))) {
            ServerStatus s = awaitServerSample(ds, java.time.Instant.EPOCH);
            assertThat(s.connectionsByClientHost()).as("per-host counts on 11.4 with userstat=ON").isNotNull()
                    .containsKey(s.connectionsByClientHost().keySet().stream()
                            .filter(h -> h.equals("localhost") || h.startsWith("127.")).findFirst().orElse("a loopback host"));
        }
        // The shared server: where it cannot tell (MariaDB 10.11 with userstat=OFF and performance_schema=OFF), the
        // first sample says what is missing.
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.name", "nobyhost", "twpool.pool-size", "1",
                "twpool.probe.enabled", "true", "twpool.probe.interval", "1s"))) {
            ServerStatus s = awaitServerSample(ds, java.time.Instant.EPOCH);
            if (s.connectionsByClientHost() == null) {
                assertThat(s.byClientHostMissing()).contains("userstat=ON", "performance_schema.hosts");
            } else {
                assertThat(s.byClientHostMissing()).isNull();
            }
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

}
