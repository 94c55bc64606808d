package io.github.twpool.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twpool.agent.bootstrap.ConnectHook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

/** What the agent keeps of a connect: the endpoint's host and port and who opened it, never the URL or its secrets. */
class ConnectRecorderTest {

    private static final String DRIVER = "com.mysql.cj.jdbc.NonRegisteringDriver";

    @AfterEach
    void noSink() {
        ConnectHook.sink(null);
    }

    @Test
    void keepsTheEndpointAndTheCallSiteNeverTheUrl() throws Exception {
        ConnectRecorder r = new ConnectRecorder(AgentOptions.DEFAULTS);
        example.agentapp.Caller.call(() -> {
            r.connected("jdbc:mysql://app:s3cret-one@db.example.com:3306/shop?password2=s3cret-two"
                    + "&trustCertificateKeyStorePassword=s3cret-three", DRIVER, null);
            return null;
        });
        assertThat(r.endpoints()).containsOnlyKeys("db.example.com:3306");
        EndpointCounts.Snapshot s = r.endpoints().get("db.example.com:3306").snapshot();
        assertThat(s.application()).isEqualTo(1);
        assertThat(s.bySite()).containsOnlyKeys(s.bySite().keySet().iterator().next());
        assertThat(s.bySite().keySet().iterator().next()).startsWith("example.agentapp.Caller.call(");
        AgentRuntime runtime = new AgentRuntime(AgentOptions.DEFAULTS, r);
        try {
            // The counts are served per endpoint as the URL wrote it, before (or without) resolving it.
            String metrics = MetricsServer.render(runtime);
            assertThat(metrics).contains("endpoint=\"db.example.com:3306\"").doesNotContain("s3cret", "shop", "jdbc:");
        } finally {
            runtime.close();
        }
        assertThat(r.endpoints().toString()).doesNotContain("s3cret");
    }

    @Test
    void ignoredInMemoryAndFailedConnects() throws Exception {
        ConnectRecorder r = new ConnectRecorder(AgentOptions.parse("ignore=audit.example.com:5432"));
        r.connected("jdbc:postgresql://audit.example.com:5432/log", "org.postgresql.Driver", null);
        r.connected("jdbc:h2:mem:test", "org.h2.Driver", null);
        r.connected("jdbc:mysql://db:3306/x", DRIVER, new SQLException("Access denied"));
        assertThat(r.ignored()).isEqualTo(1);
        assertThat(r.unwatched()).isEqualTo(1);
        EndpointCounts.Snapshot s = r.endpoints().get("db:3306").snapshot();
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.application()).isZero();
    }

    @Test
    void aDriverWrappingAnotherIsCountedOnceAndANonAcceptingDriverNotAtAll() {
        Counting sink = new Counting();
        ConnectHook.sink(sink);
        // A wrapper driver's connect calls the real driver's: only the innermost connect that returned one counts.
        long outer = ConnectHook.enter();
        long inner = ConnectHook.enter();
        ConnectHook.exit(inner, "jdbc:mysql://db:3306/x", DRIVER, new Object(), null);
        ConnectHook.exit(outer, "jdbc:p6spy:mysql://db:3306/x", "com.p6spy.engine.spy.P6SpyDriver", new Object(), null);
        assertThat(sink.calls).isEqualTo(1);
        assertThat(sink.lastDriver).isEqualTo(DRIVER);
        // DriverManager asks every registered driver; one that does not accept the URL returns null.
        long declined = ConnectHook.enter();
        ConnectHook.exit(declined, "jdbc:mysql://db:3306/x", "org.postgresql.Driver", null, null);
        assertThat(sink.calls).isEqualTo(1);
        // A failure is one connect too, and a sink that throws never reaches the driver's caller.
        ConnectHook.sink((url, type, failure) -> {
            throw new IllegalStateException("broken agent");
        });
        long failing = ConnectHook.enter();
        ConnectHook.exit(failing, "jdbc:mysql://db:3306/x", DRIVER, null, new SQLException("refused"));
        // Without a sink nothing is counted or kept.
        ConnectHook.sink(null);
        assertThat(ConnectHook.enter()).isEqualTo(-1);
    }

    private static final class Counting implements ConnectHook.Sink {
        int calls;
        String lastDriver;

        @Override
        public void connected(String url, String driverType, Throwable failure) {
            calls++;
            lastDriver = driverType;
        }
    }
}
