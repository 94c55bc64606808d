package io.github.twpool.metrics;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnReport;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class TwPoolMetricsIntegrationTest {

    /** Every Prometheus name docs/metrics.md documents. */
    static final List<String> DOCUMENTED = List.of("twpool_time_wait_sockets", "twpool_established_sockets",
            "twpool_ephemeral_ports_usage_ratio", "twpool_host_time_wait_sockets", "twpool_churn_rate",
            "twpool_churn_active", "twpool_churn_warnings_total", "twpool_connections_opened_total",
            "twpool_connections_closed_total", "twpool_server_connections_usage_ratio",
            "twpool_server_client_connections_total", "twpool_session_resets_total");

    private static TwPoolDataSource pool(String name) {
        Properties p = TestDatabase.get().twpoolProperties();
        p.setProperty("twpool.name", name);
        p.setProperty("twpool.pool-size", "2");
        p.setProperty("twpool.probe.interval", "1s");
        p.setProperty("twpool.probe.scan-every", "1");
        p.setProperty("twpool.churn.min-rate", "5");
        p.setProperty("twpool.mysql.status-interval", "1s");
        return TwPoolDataSource.fromProperties(p);
    }

    private static void churn(int connections) throws Exception {
        for (int i = 0; i < connections; i++) {
            try (Connection c = TestDatabase.get().openDirect()) {
                c.isValid(1);
            }
        }
    }

    private static double gauge(MeterRegistry r, String name, String tag, String value) {
        return r.get(name).tag(tag, value).gauge().value();
    }

    @Test
    void gaugesAgreeWithTheChurnReportAfterRealChurn() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TwPoolDataSource ds = pool("metered")) {
            new TwPoolMetrics(ds).bindTo(registry);
            churn(300);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!ds.churnReport().has(ChurnCause.OUTSIDE_POOL) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            // The report changes once per probe tick: read meters and report until both come from the same one.
            ChurnReport r;
            double client;
            double server;
            double outside;
            double active;
            do {
                r = ds.churnReport();
                client = gauge(registry, "twpool.time.wait", "side", "client");
                server = gauge(registry, "twpool.time.wait", "side", "server");
                outside = gauge(registry, "twpool.churn.rate", "source", "outside");
                active = gauge(registry, "twpool.churn.active", "cause", "outside-pool");
            } while (r != ds.churnReport());
            assertThat(r.census()).isNotNull();
            assertThat(client).isEqualTo(r.census().timeWaitClient());
            assertThat(server).isEqualTo(r.census().timeWaitServer());
            assertThat(client + server).isGreaterThanOrEqualTo(100);
            assertThat(outside).isEqualTo(r.rates().outside());
            assertThat(active).isEqualTo(r.has(ChurnCause.OUTSIDE_POOL) ? 1.0 : 0.0);
            assertThat(active).isEqualTo(1.0);
            assertThat(registry.get("twpool.connections.opened").functionCounter().count()).isEqualTo(ds.connectionsOpened());
            assertThat(registry.get("twpool.host.time.wait").gauge().value()).isGreaterThanOrEqualTo(client + server);
            // HikariCP's own meters come with the same call.
            try (Connection c = ds.getConnection()) {
                c.isValid(1);
            }
            assertThat(registry.find("hikaricp.connections.active").tag("pool", "metered").gauge()).isNotNull();
            for (Meter m : registry.getMeters()) {
                assertThat(m.getId().getTag("endpoint")).isIn(null, TestDatabase.get().host() + ":" + TestDatabase.get().port());
            }
        }
    }

    @Test
    void thePrometheusScrapeHasEveryDocumentedNameAndNoSecret() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Properties p = new Properties();
        try (TwPoolDataSource ds = pool("scraped"); ClientHostMetrics clients = ClientHostMetrics.of(ds)) {
            new TwPoolMetrics(ds).bindTo(registry);
            clients.bindTo(registry);
            churn(100);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((ds.churnReport().server() == null || ds.churnReport().census() == null) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            String scrape = registry.scrape();
            for (String name : DOCUMENTED) {
                assertThat(scrape).as(name).contains(name + "{");
            }
            assertThat(scrape).contains("hikaricp_connections");
            assertThat(scrape).contains("endpoint=\"" + TestDatabase.get().host() + ":" + TestDatabase.get().port() + "\"");
            assertThat(scrape).doesNotContain("password");
            assertThat(registry.get("twpool.server.connections.usage").gauge().value()).isBetween(0.0, 1.0);
            Path docs = repoRoot().resolve("docs/metrics.md");
            String table = Files.readString(docs);
            for (String name : DOCUMENTED) {
                assertThat(table).as("docs/metrics.md documents " + name).contains("`" + name + "`");
            }
        }
    }

    @Test
    void everyMetricTheAlertRulesUseIsOneTwpoolOrHikariRegisters() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Set<String> names = new HashSet<>();
        try (TwPoolDataSource ds = pool("rules"); ClientHostMetrics clients = ClientHostMetrics.of(ds)) {
            new TwPoolMetrics(ds).bindTo(registry);
            clients.bindTo(registry);
            Matcher m = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(registry.scrape());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        Map<String, Object> rules;
        try (InputStream in = Files.newInputStream(repoRoot().resolve("examples/observability/twpool-alerts.yml"))) {
            rules = new Yaml().load(in);
        }
        Set<String> alerts = new HashSet<>();
        Pattern metric = Pattern.compile("\\b((?:twpool|hikaricp)_[a-z0-9_]+)");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) rules.get("groups");
        for (Map<String, Object> group : groups) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> list = (List<Map<String, Object>>) group.get("rules");
            for (Map<String, Object> rule : list) {
                alerts.add((String) rule.get("alert"));
                String expr = (String) rule.get("expr");
                Matcher used = metric.matcher(expr);
                int count = 0;
                while (used.find()) {
                    count++;
                    assertThat(names).as("%s uses %s", rule.get("alert"), used.group(1)).contains(used.group(1));
                }
                assertThat(count).as("%s uses twpool metrics", rule.get("alert")).isPositive();
            }
        }
        assertThat(alerts).containsExactlyInAnyOrder("TwPoolPortExhaustionRisk", "TwPoolChurnOutsidePool",
                "TwPoolChurnInsidePool", "MySqlConnectionsNearMax", "DatabaseClientHostChurns");
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(".ci/run"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("run the tests from inside the twpool repository");
        }
        return p;
    }
}
