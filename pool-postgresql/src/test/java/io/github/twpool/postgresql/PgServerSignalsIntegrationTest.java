package io.github.twpool.postgresql;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Order;

import io.github.twpool.ServerStatus;
import io.github.twpool.postgresql.internal.PgServerLimits;
import io.github.twpool.postgresql.internal.PgStatusSource;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.time.Duration;

import static io.github.twpool.postgresql.PgTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server signals as PostgreSQL counts them: sessions established (every client's), sessions that ended without a
 * proper close, client backends against the slots ordinary roles may take.
 */
@ResourceLock(PgTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class PgServerSignalsIntegrationTest {

    private static ServerStatus sampleSettled(PgStatusSource source, Connection c, long atLeast) throws Exception {
        // Backends flush their counters at least once a second and when they exit: wait for them, briefly.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        ServerStatus s = source.sample(c);
        while (s.connectionsTotal() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = source.sample(c);
        }
        return s;
    }

    @ParameterizedTest
    @MethodSource("io.github.twpool.postgresql.PgTestSupport#servers")
    void sessionsAbortedSessionsAndCapacityAreTheServersOwnCounts(TestDatabase db) throws Exception {
        PgStatusSource source = new PgStatusSource(Duration.ofSeconds(1), null);
        try (Connection c = db.openDirect()) {
            ServerStatus before = source.sample(c);
            assertThat(before.connectionsTotal()).isPositive();
            for (int i = 0; i < 10; i++) {
                try (Connection churned = db.openDirect()) {
                    scalar(churned, "SELECT 1");
                }
            }
            ServerStatus after = sampleSettled(source, c, before.connectionsTotal() + 10);
            // Other tests may share the server: at least the 10, and not wildly more.
            assertThat(after.connectionsTotal() - before.connectionsTotal()).isBetween(10L, 40L);

            Connection victim = db.openDirect();
            String pid = scalar(victim, "SELECT pg_backend_pid()");
            scalar(c, "SELECT pg_terminate_backend(" + pid + ")");
            victim.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            ServerStatus killed = source.sample(c);
            while (killed.abortedClients() <= after.abortedClients() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                killed = source.sample(c);
            }
            assertThat(killed.abortedClients()).as("sessions_killed counts pg_terminate_backend")
                    .isGreaterThan(after.abortedClients());

            PgServerLimits limits = PgServerLimits.read(c);
            assertThat(killed.maxConnections()).isEqualTo(limits.maxConnections() - limits.reservedConnections());
            assertThat(killed.threadsConnected()).isBetween(1L, killed.maxConnections());
            assertThat(killed.connectionsByClientHost()).isNull();
            assertThat(killed.byClientHostMissing()).contains("per database, not per client host");
            assertThat(killed.waitTimeoutSeconds()).as("no idle_session_timeout for this role").isEqualTo(-1);
        }
    }
}
