package io.github.twpool.metrics;

import io.github.twpool.ServerStatus;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.NamingMariaDb;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's question "which of the services in front of this database churns?", answered by one pool: two client
 * processes that are not Java (PyMySQL, a connection per request) connect from two loopback addresses at different
 * rates, and the per-client counters of the pool's binder show both, each at its own rate.
 *
 * <p>Runs against a private embedded MariaDB 11.4 with grant tables, {@code userstat=ON} ({@code CLIENT_STATISTICS})
 * and {@code skip-name-resolve}, as a production server that names its clients is configured.
 */
class ClientHostMetricsIntegrationTest {

    private static final String CHURNER = """
            import sys, time, pymysql
            host, port, user, password, bind, rate, seconds = sys.argv[1:8]
            port, rate, seconds = int(port), float(rate), float(seconds)
            n, start = 0, time.monotonic()
            while time.monotonic() - start < seconds:
                c = pymysql.connect(host=host, port=port, user=user, password=password, database='test', bind_address=bind)
                cur = c.cursor(); cur.execute('SELECT 1'); cur.fetchall(); c.close()
                n += 1
                pause = start + n / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            print('done', n, time.monotonic() - start, flush=True)
            """;

    @Test
    void twoClientHostsChurningAtDifferentRatesAreEachCountedAtTheirRate() throws Exception {
        try (NamingMariaDb db = NamingMariaDb.start()) {
            run(db);
        }
    }

    private void run(NamingMariaDb db) throws Exception {
        Path script = Files.createTempFile("twpool-churner", ".py");
        Files.writeString(script, CHURNER);
        Properties p = new Properties();
        p.setProperty("twpool.url", db.jdbcUrl());
        p.setProperty("twpool.username", NamingMariaDb.USER);
        p.setProperty("twpool.password", NamingMariaDb.PASSWORD);
        p.setProperty("twpool.name", "fleet");
        p.setProperty("twpool.pool-size", "1");
        p.setProperty("twpool.mysql.status-interval", "1s");
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p);
             ClientHostMetrics metrics = ClientHostMetrics.of(ds)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            metrics.bindTo(registry);

            Process fast = churner(script, db, "127.0.0.2", 40);
            Process slow = churner(script, db, "127.0.0.3", 12);
            double[] fastDone = waitDone(fast);
            double[] slowDone = waitDone(slow);
            Instant churnEnded = Instant.now();

            // A server sample taken after both churners ended holds all their connections.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            ServerStatus after;
            do {
                Thread.sleep(200);
                after = ds.churnReport().server();
            } while ((after == null || !after.at().isAfter(churnEnded)) && System.nanoTime() < deadline);
            assertThat(after).as("a server sample after the churn").isNotNull();
            assertThat(after.connectionsByClientHost()).as("CLIENT_STATISTICS rows (%s)", after.byClientHostMissing())
                    .isNotNull();
            metrics.refresh();

            double fastRate = count(registry, "127.0.0.2") / fastDone[1];
            double slowRate = count(registry, "127.0.0.3") / slowDone[1];
            double fastTruth = fastDone[0] / fastDone[1];
            double slowTruth = slowDone[0] / slowDone[1];
            assertThat(fastRate).as("127.0.0.2: counted %.1f/s, made %.1f/s", fastRate, fastTruth)
                    .isBetween(fastTruth * 0.8, fastTruth * 1.2);
            assertThat(slowRate).as("127.0.0.3: counted %.1f/s, made %.1f/s", slowRate, slowTruth)
                    .isBetween(slowTruth * 0.8, slowTruth * 1.2);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    private static Process churner(Path script, NamingMariaDb db, String bind, int perSecond) throws Exception {
        return new ProcessBuilder("/usr/bin/python3", script.toString(), db.host(), String.valueOf(db.port()),
                NamingMariaDb.USER, NamingMariaDb.PASSWORD, bind, String.valueOf(perSecond), "6")
                .redirectErrorStream(true).start();
    }

    /** The churner's own count and elapsed seconds. */
    private static double[] waitDone(Process p) throws Exception {
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.startsWith("done ")) {
                    String[] f = line.split(" ");
                    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    return new double[]{Double.parseDouble(f[1]), Double.parseDouble(f[2])};
                }
            }
        }
        p.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("the PyMySQL churner ended without its count (is Debian's python3-pymysql installed?):\n" + out);
    }

    private static double count(SimpleMeterRegistry registry, String client) {
        FunctionCounter c = registry.find(ClientHostMetrics.SERVER_CLIENT_CONNECTIONS).tag("client", client)
                .functionCounter();
        assertThat(c).as("a series for client %s; series: %s", client,
                registry.find(ClientHostMetrics.SERVER_CLIENT_CONNECTIONS).functionCounters().stream()
                        .map(m -> m.getId().getTag("client") + "=" + m.count()).toList()).isNotNull();
        return c.count();
    }
}
