package io.github.twpool.metrics;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.github.twpool.ChurnCause;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole lifecycle (start, churn warning, faults, errors, close) with a distinctive password in the properties
 * and in the URL; the password must appear in no log line (DEBUG included), exception, toString() or scrape.
 */
class SecretsLifecycleIntegrationTest {

    private static final String SECRET = "Zebra-7x9-S3cret";
    private static final String USER = "twpool_secret";

    private static void admin(String sql) throws Exception {
        try (Connection c = TestDatabase.get().openDirect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String trace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    @Test
    void thePasswordAppearsNowhere() throws Exception {
        TestDatabase db = TestDatabase.get();
        for (String host : List.of("localhost", "127.0.0.1", "%")) {
            admin("CREATE USER IF NOT EXISTS '" + USER + "'@'" + host + "' IDENTIFIED BY '" + SECRET + "'");
            admin("GRANT ALL ON test.* TO '" + USER + "'@'" + host + "'");
        }
        Logger root = io.github.twpool.testsupport.LogCapture.logback(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger hikari = io.github.twpool.testsupport.LogCapture.logback("com.zaxxer.hikari");
        Level rootLevel = root.getLevel();
        Level hikariLevel = hikari.getLevel();
        List<String> seen = new ArrayList<>();
        String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + USER + "&password=" + SECRET;
        try (LogCapture log = LogCapture.all()) {
            root.setLevel(Level.DEBUG);
            hikari.setLevel(Level.DEBUG);
            Properties p = new Properties();
            p.setProperty("twpool.url", url);
            p.setProperty("twpool.username", USER);
            p.setProperty("twpool.password", SECRET);
            p.setProperty("twpool.name", "secretive");
            p.setProperty("twpool.pool-size", "1");
            p.setProperty("twpool.timeout", "1s");
            p.setProperty("twpool.probe.interval", "1s");
            p.setProperty("twpool.probe.scan-every", "1");
            p.setProperty("twpool.churn.min-rate", "5");
            p.setProperty("twpool.mysql.status-interval", "1s");
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p)) {
                new TwPoolMetrics(ds).bindTo(registry);
                seen.add(ds.toString());
                seen.add(ds.config().toString());
                // churn beside the pool, with the same credentials
                for (int i = 0; i < 300; i++) {
                    try (Connection c = DriverManager.getConnection(url)) {
                        c.isValid(1);
                    }
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!ds.churnReport().has(ChurnCause.OUTSIDE_POOL) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(ds.churnReport().has(ChurnCause.OUTSIDE_POOL)).isTrue();
                // The warning itself waits until the connect samples can say who churns (up to 5 s of sampling):
                // churn on until it is written, so that its text is among what is searched for the password.
                deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!log.text().contains("churn outside this pool") && System.nanoTime() < deadline) {
                    try (Connection c = DriverManager.getConnection(url)) {
                        c.isValid(1);
                    }
                    Thread.sleep(10);
                }
                // a fault: the pooled connection killed on the server
                long id;
                try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
                    rs.next();
                    id = rs.getLong(1);
                }
                admin("KILL " + id);
                Thread.sleep(700);
                try (Connection c = ds.getConnection()) {
                    assertThat(c.isValid(1)).isTrue();
                }
                // errors: a borrow that times out, and a configuration error
                try (Connection held = ds.getConnection()) {
                    ds.getConnection().close();
                } catch (Exception e) {
                    seen.add(trace(e));
                }
                Properties bad = new Properties();
                bad.putAll(p);
                bad.setProperty("twpool.pool-size", "-1");
                try {
                    TwPoolConfig.fromProperties(bad);
                } catch (Exception e) {
                    seen.add(trace(e));
                }
                Properties wrong = new Properties();
                wrong.putAll(p);
                wrong.setProperty("twpool.password", SECRET + "-wrong");
                wrong.setProperty("twpool.url", db.jdbcUrl());
                wrong.setProperty("twpool.name", "wrong-password");
                try (TwPoolDataSource refused = TwPoolDataSource.fromProperties(wrong)) {
                    seen.add(refused.toString());
                } catch (Exception e) {
                    seen.add(trace(e));
                }
                // unknown keys holding the password, and URL forms whose password HikariCP's DEBUG line
                // printed or the server echoed
                for (String key : List.of("twpool.mysql.password", "twpool.pass", "twpool.URL", "TwPool.password")) {
                    Properties unknown = new Properties();
                    unknown.putAll(p);
                    unknown.setProperty(key, key.equals("twpool.URL") ? url : SECRET);
                    try {
                        TwPoolConfig.fromProperties(unknown);
                    } catch (Exception e) {
                        seen.add(trace(e));
                    }
                }
                String hostPort = db.host() + ":" + db.port();
                for (String form : List.of("jdbc:mysql://" + USER + ":" + SECRET + "@" + hostPort + "/test",
                        "jdbc:mysql://(host=" + db.host() + ",port=" + db.port() + ",user=" + USER + ",password=" + SECRET + ")/test",
                        "jdbc:mysql://" + hostPort + "/test;password=" + SECRET + "?user=" + USER)) {
                    Properties other = new Properties();
                    other.putAll(p);
                    other.remove("twpool.password");
                    other.remove("twpool.username");
                    other.setProperty("twpool.url", form);
                    other.setProperty("twpool.name", "url-form");
                    other.setProperty("twpool.probe.enabled", "false");
                    try (TwPoolDataSource formed = TwPoolDataSource.fromProperties(other)) {
                        seen.add(formed.toString());
                    } catch (Exception e) {
                        seen.add(trace(e));
                    }
                }
                seen.add(ds.churnReport().toString());
                seen.add(registry.scrape());
            }
            seen.add(log.text());
            assertThat(log.lines()).as("something was logged").hasSizeGreaterThan(10);
            assertThat(log.text()).contains("churn outside this pool");
        } finally {
            root.setLevel(rootLevel);
            hikari.setLevel(hikariLevel);
            for (String host : List.of("localhost", "127.0.0.1", "%")) {
                admin("DROP USER IF EXISTS '" + USER + "'@'" + host + "'");
            }
        }
        for (String s : seen) {
            assertThat(s).doesNotContain(SECRET);
        }
        assertThat(String.join("\n", seen)).contains("****");
    }
}
