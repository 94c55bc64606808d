package io.github.twpool.sidecar;

import io.github.twpool.testsupport.FaultProxy;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar where things go wrong: endpoints that do not answer, a taken metrics port, bad options, no /proc. */
class SidecarFaultsJarIntegrationTest {

    @Test
    void endpointsThatDoNotAnswerAreReportedAndTheOthersWatched() throws Exception {
        TestDatabase db = TestDatabase.get();
        int refused = SidecarProcess.freePort(); // nothing listens there
        try (FaultProxy good = FaultProxy.forTestDatabase();
             ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")); // accepts, never answers
             SidecarProcess sidecar = start(db, "--endpoint", "127.0.0.1:" + good.port(), "--endpoint", "127.0.0.1:" + refused,
                     "--endpoint", "127.0.0.1:" + silent.getLocalPort(), "--interval", "1s")) {
            String refusedLine = sidecar.awaitLine(l -> l.contains("cannot read the server's status at 127.0.0.1:" + refused),
                    Duration.ofSeconds(30));
            assertThat(refusedLine).isNotNull().contains("retrying every 60s").contains("The census and its warnings go on");
            String silentLine = sidecar.awaitLine(l -> l.contains("cannot read the server's status at 127.0.0.1:"
                    + silent.getLocalPort()), Duration.ofSeconds(30));
            assertThat(silentLine).as("a server that accepts and never answers is given up within the timeouts").isNotNull();
            Thread.sleep(3000);
            String m = sidecar.metrics();
            assertThat(SidecarProcess.sample(m, "twpool_server_connections_usage_ratio", "127.0.0.1:" + good.port() + "\""))
                    .as("the answering server's status is read").isBetween(0.0, 1.0);
            assertThat(SidecarProcess.sample(m, "twpool_established_sockets", "127.0.0.1:" + refused + "\"", "side=\"client\""))
                    .as("the census of an endpoint without a server goes on").isZero();
            HttpResponse<String> health = sidecar.get("/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("127.0.0.1:" + good.port() + " running", "127.0.0.1:" + refused + " running",
                    "127.0.0.1:" + silent.getLocalPort() + " running");
            assertThat(sidecar.get("/nothing").statusCode()).isEqualTo(404);
            assertThat(sidecar.output()).as("the password never shows").doesNotContain("pw-" + "sidecar-test");
        }
    }

    @Test
    void aTakenMetricsPortExitsWithThree() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
             SidecarProcess sidecar = SidecarProcess.start(Map.of(), taken.getLocalPort(), "watch", "--endpoint",
                     "127.0.0.1:3306", "--metrics-address", "127.0.0.1", "--metrics-port", String.valueOf(taken.getLocalPort()))) {
            assertThat(sidecar.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
            assertThat(sidecar.output()).contains("--metrics-port " + taken.getLocalPort() + " on 127.0.0.1: cannot listen");
        }
    }

    @Test
    void badOptionsAndMissingProcFromTheJarAndItsEnvironment() throws Exception {
        try (SidecarProcess p = SidecarProcess.start(Map.of("TWPOOL_INTERVAL", "soon"), 0, "watch", "--endpoint", "db:3306")) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
            assertThat(p.output()).contains("--interval soon: must be a duration");
        }
        try (SidecarProcess p = SidecarProcess.start(Map.of("TWPOOL_PROC", "/nonexistent-proc", "TWPOOL_ENDPOINT", "127.0.0.1:3306"),
                0, "watch")) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(p.output()).contains("/nonexistent-proc/net/tcp cannot be read");
        }
        try (SidecarProcess p = SidecarProcess.start(Map.of(), 0, "census", "--endpoint", "127.0.0.1:3306")) {
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(p.output()).containsPattern("time_wait client=\\d+ server=\\d+ established=\\d+");
        }
    }

    private static SidecarProcess start(TestDatabase db, String... args) throws Exception {
        int port = SidecarProcess.freePort();
        String[] all = new String[args.length + 9];
        String[] head = {"watch", "--metrics-address", "127.0.0.1", "--metrics-port", String.valueOf(port), "--user",
                db.username(), "--password-env", "SIDECAR_TEST_DB_PASSWORD"};
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(args, 0, all, head.length, args.length);
        return SidecarProcess.start(Map.of("SIDECAR_TEST_DB_PASSWORD", db.password()), port, all);
    }
}
