package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/** The census against {@code ss} on the same sockets, after real churn. */
class CensusVersusSsIntegrationTest {

    @Test
    void clientAndServerSideTimeWaitOnALoopbackListenerEqualSs() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 500, InetAddress.getByName("127.0.0.1"))) {
            int port = listener.getLocalPort();
            for (int i = 0; i < 300; i++) { // the client closes first: TIME_WAIT on the client side
                try (Socket c = new Socket("127.0.0.1", port); Socket s = listener.accept()) {
                    c.close();
                    InputStream in = s.getInputStream();
                    assertThat(in.read()).isEqualTo(-1); // the FIN arrived before the server closes
                }
            }
            for (int i = 0; i < 120; i++) { // the server closes first: TIME_WAIT on the server side
                try (Socket c = new Socket("127.0.0.1", port)) {
                    Socket s = listener.accept();
                    s.close();
                    assertThat(c.getInputStream().read()).isEqualTo(-1);
                }
            }
            Endpoint endpoint = Endpoint.resolve("127.0.0.1", port);
            SocketCensus census = new CensusScanner(Path.of("/proc"), endpoint).scan();
            int ssClient = Ss.count("time-wait", "dport = :" + port);
            int ssServer = Ss.count("time-wait", "sport = :" + port);
            assertThat(ssClient).isEqualTo(300);
            assertThat(ssServer).isEqualTo(120);
            assertThat(census.timeWaitClient()).isEqualTo(ssClient);
            assertThat(census.timeWaitServer()).isEqualTo(ssServer);
            assertThat(census.clientTimeWaitNewerThan(java.time.Duration.ofSeconds(60))).isEqualTo(300);
        }
    }

    @Test
    void unpooledConnectorJChurnAgainstTheRealServerEqualsSs() throws Exception {
        TestDatabase db = TestDatabase.get();
        for (int i = 0; i < 200; i++) {
            try (Connection c = db.openDirect()) {
                c.isValid(1);
            }
        }
        Endpoint endpoint = Endpoint.fromJdbcUrl(db.jdbcUrl());
        int port = db.port();
        SocketCensus census = null;
        int ssClient = -1;
        int ssServer = -1;
        // Other processes may churn at the same time: read both back to back until they agree.
        for (int attempt = 0; attempt < 5; attempt++) {
            ssClient = Ss.count("time-wait", "dport = :" + port);
            ssServer = Ss.count("time-wait", "sport = :" + port);
            census = new CensusScanner(Path.of("/proc"), endpoint).scan();
            if (census.timeWaitClient() == ssClient && (!endpoint.local() || census.timeWaitServer() == ssServer)) {
                break;
            }
        }
        assertThat(census.timeWait()).as("the churn left TIME_WAIT sockets").isGreaterThanOrEqualTo(100);
        assertThat(census.timeWaitClient()).isEqualTo(ssClient);
        if (endpoint.local()) {
            assertThat(census.timeWaitServer()).isEqualTo(ssServer);
        }
    }
}
