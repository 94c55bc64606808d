package io.github.twpool.internal.probe;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.github.twpool.internal.probe.DoctorTest.doctor;
import static org.assertj.core.api.Assertions.assertThat;

/** The doctor's census line counts real loopback connections this test opens and closes. */
class DoctorIntegrationTest {

    private static final Pattern STABLE = Pattern.compile("(?m)^time_wait client=(\\d+) server=(\\d+) established=(\\d+)$");

    @Test
    void printsTheStableCensusLineWithTheCounts() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 100, InetAddress.getByName("127.0.0.1"))) {
            int port = listener.getLocalPort();
            for (int i = 0; i < 25; i++) {
                try (Socket c = new Socket("127.0.0.1", port); Socket s = listener.accept()) {
                    c.close();
                    assertThat(s.getInputStream().read()).isEqualTo(-1);
                }
            }
            Socket open = new Socket("127.0.0.1", port);
            Socket accepted = listener.accept();
            try (open; accepted) {
                DoctorTest.Result r = doctor("--port", Integer.toString(port), "--host", "127.0.0.1");
                assertThat(r.code()).isZero();
                Matcher m = STABLE.matcher(r.out());
                assertThat(m.find()).as(r.out()).isTrue();
                assertThat(Integer.parseInt(m.group(1))).isEqualTo(25);
                assertThat(Integer.parseInt(m.group(2))).isZero();
                assertThat(Integer.parseInt(m.group(3))).isEqualTo(2); // both ends of the open connection
                assertThat(r.out()).contains("endpoint 127.0.0.1:" + port, "advice: ", "TIME_WAIT lasts 60 s");
            }
        }
    }
}
