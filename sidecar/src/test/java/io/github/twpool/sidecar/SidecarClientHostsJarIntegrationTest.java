package io.github.twpool.sidecar;

import io.github.twpool.testsupport.NamingMariaDb;
import io.github.twpool.testsupport.PyMySqlChurner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet from the database, through the shipped jar: one sidecar with {@code --user} beside a database that names
 * its clients exports each client host's connections, here a PyMySQL process churning from 127.0.0.2.
 */
class SidecarClientHostsJarIntegrationTest {

    @Test
    void aSidecarWithUserExportsEachClientHostsConnections() throws Exception {
        try (NamingMariaDb db = NamingMariaDb.start()) {
            int metricsPort = SidecarProcess.freePort();
            try (SidecarProcess sidecar = SidecarProcess.start(Map.of("DB_PASSWORD", NamingMariaDb.PASSWORD), metricsPort,
                    "watch", "--metrics-address", "127.0.0.1", "--metrics-port", String.valueOf(metricsPort),
                    "--endpoint", "127.0.0.1:" + db.port(), "--interval", "1s",
                    "--user", NamingMariaDb.USER, "--password-env", "DB_PASSWORD")) {
                assertThat(sidecar.awaitLine(l -> l.contains("twpool sidecar: watching"), Duration.ofSeconds(30))).isNotNull();
                PyMySqlChurner.Done done;
                try (PyMySqlChurner churner = PyMySqlChurner.start(db.host(), db.port(), NamingMariaDb.USER,
                        NamingMariaDb.PASSWORD, "127.0.0.2", 25, 5)) {
                    done = churner.awaitDone();
                }
                // The sidecar reads the server every interval and looks for new client hosts every 10 s.
                double counted = Double.NaN;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline) {
                    counted = SidecarProcess.sample(sidecar.metrics(), "twpool_server_client_connections_total",
                            "client=\"127.0.0.2\"");
                    if (counted >= done.connections()) {
                        break;
                    }
                    Thread.sleep(500);
                }
                assertThat(counted).as("127.0.0.2's connections in /metrics; the churner made %d", done.connections())
                        .isBetween(0.8 * done.connections(), 1.2 * done.connections());
                assertThat(sidecar.metrics()).as("the password is nowhere in /metrics").doesNotContain(NamingMariaDb.PASSWORD);
                assertThat(sidecar.output()).doesNotContain(NamingMariaDb.PASSWORD);
            }
        }
    }
}
