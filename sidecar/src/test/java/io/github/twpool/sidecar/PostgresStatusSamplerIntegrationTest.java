package io.github.twpool.sidecar;

import io.github.twpool.ServerStatus;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** --user on a PostgreSQL endpoint: the sidecar reads pg_stat_database's session count on one connection of its own. */
class PostgresStatusSamplerIntegrationTest {

    @Test
    void readsPostgresqlsSessionCountOnOneLongLivedConnection() throws Exception {
        TestDatabase pg = TestDatabase.postgres();
        try (StatusSampler sampler = new StatusSampler(pg.host() + ":" + pg.port(), true, pg.username(), Password.NONE,
                Duration.ofSeconds(1))) {
            ServerStatus first = sampler.sample(System.nanoTime());
            assertThat(first).as("a sample").isNotNull();
            assertThat(sampler.failing()).isFalse();
            for (int i = 0; i < 5; i++) {
                try (Connection c = pg.openDirect(); Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            ServerStatus later = sampler.sample(System.nanoTime());
            while (later.connectionsTotal() < first.connectionsTotal() + 5 && System.nanoTime() < deadline) {
                Thread.sleep(100);
                later = sampler.sample(System.nanoTime());
            }
            assertThat(later.connectionsTotal() - first.connectionsTotal()).isGreaterThanOrEqualTo(5);
            assertThat(later.maxConnections()).isPositive();
            assertThat(sampler.openedAtLastSample()).as("one connection for all samples").isEqualTo(1);
        }
    }
}
