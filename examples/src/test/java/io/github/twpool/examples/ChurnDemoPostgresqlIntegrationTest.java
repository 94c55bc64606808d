package io.github.twpool.examples;

import ch.qos.logback.classic.Level;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo, shortened, against PostgreSQL: plain TCP and TLS (the embedded server, TLS on). */
class ChurnDemoPostgresqlIntegrationTest {

    @Test
    void againstPostgresqlOverPlainTcpPooledBeatsNaiveAndTheWarningNamesTheCallSite() throws Exception {
        // The TLS server (embedded, its own port) with TLS switched off: a server no other test churns on meanwhile.
        TestDatabase pg = TestDatabase.postgresTls();
        String plainUrl = pg.jdbcUrl() + (pg.jdbcUrl().contains("?") ? "&" : "?") + "sslmode=disable";
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ChurnDemo.Summary s;
        List<String> warnings;
        List<String> callSites;
        // PostgreSQL 14's statistics collector may count the naive sessions seconds late under load: the demo waits
        // until the probe is quiet before the pooled phase, so that late count is not the pooled phase's.
        try (LogCapture log = LogCapture.of("io.github.twpool.churn")) {
            s = ChurnDemo.run(new ChurnDemo.Options(4, Duration.ofSeconds(8), Duration.ofSeconds(4),
                    plainUrl, pg.username(), pg.password()), new PrintStream(console, true, StandardCharsets.UTF_8));
            warnings = log.messages(Level.WARN);
            callSites = log.keyValues(Level.WARN).stream().map(kv -> String.valueOf(kv.get("twpool.call_site"))).toList();
        }
        String out = console.toString(StandardCharsets.UTF_8);
        ChurnDemo.PhaseResult naive = s.phase("naive");
        ChurnDemo.PhaseResult pooled = s.phase("pooled");

        assertThat(s.tlsCipher()).as(out).isEmpty();
        assertThat(pooled.requestsPerSecond()).as(out).isGreaterThan(naive.requestsPerSecond());
        assertThat(naive.newConnections()).as(out).isGreaterThanOrEqualTo(naive.requests());
        assertThat(naive.newTimeWait()).as(out).isGreaterThan(100);
        assertThat(naive.outsideWarnings()).as(out).isGreaterThanOrEqualTo(1);
        assertThat(pooled.warnings()).as("%s%nthe warnings of both phases: %s", out, warnings).isZero();
        // The line names it where it has room; the event's call_site field always has it in full.
        assertThat(callSites).as("the warning names the demo's call site: %s", warnings)
                .anyMatch(site -> site.startsWith("io.github.twpool.examples.ChurnDemo."));
    }

    @Test
    void againstPostgresqlOverTlsPooledBeatsNaiveAndTheChurnIsSeenWithoutTimeWait() throws Exception {
        TestDatabase pg = TestDatabase.postgresTls();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ChurnDemo.Summary s;
        List<String> warnings;
        List<String> callSites;
        try (LogCapture log = LogCapture.of("io.github.twpool.churn")) {
            s = ChurnDemo.run(new ChurnDemo.Options(4, Duration.ofSeconds(8), Duration.ofSeconds(4),
                    pg.jdbcUrl(), pg.username(), pg.password()), new PrintStream(console, true, StandardCharsets.UTF_8));
            warnings = log.messages(Level.WARN);
            callSites = log.keyValues(Level.WARN).stream().map(kv -> String.valueOf(kv.get("twpool.call_site"))).toList();
        }
        String out = console.toString(StandardCharsets.UTF_8);
        ChurnDemo.PhaseResult naive = s.phase("naive");
        ChurnDemo.PhaseResult pooled = s.phase("pooled");

        assertThat(s.tlsCipher()).as(out).isNotBlank();
        assertThat(pooled.requestsPerSecond()).as(out).isGreaterThan(naive.requestsPerSecond());
        assertThat((double) naive.outsideConnects()).as(out).isGreaterThanOrEqualTo(naive.requests() * 0.95);
        assertThat(naive.newTimeWait()).as(out).isLessThan((int) Math.max(5, naive.requests() / 10));
        assertThat(naive.outsideWarnings()).as(out).isGreaterThanOrEqualTo(1);
        assertThat(pooled.warnings()).as("%s%nthe warnings of both phases: %s", out, warnings).isZero();
        // The line names it where it has room; the event's call_site field always has it in full.
        assertThat(callSites).as("the warning names the demo's call site: %s", warnings)
                .anyMatch(site -> site.startsWith("io.github.twpool.examples.ChurnDemo."));
    }
}
