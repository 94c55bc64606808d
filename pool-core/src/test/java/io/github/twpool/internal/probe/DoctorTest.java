package io.github.twpool.internal.probe;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorTest {

    private static final Pattern STABLE = Pattern.compile("(?m)^time_wait client=(\\d+) server=(\\d+) established=(\\d+)$");

    private record Result(int code, String out, String err) {
    }

    private static Result doctor(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Doctor.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

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
                Result r = doctor("--port", Integer.toString(port), "--host", "127.0.0.1");
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

    @Test
    void badArgumentsExitWithTwoAndSayWhy() {
        assertThat(doctor().code()).isEqualTo(2);
        Result r = doctor("--port", "70000");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--port 70000: must be a TCP port from 1 to 65535");
        assertThat(doctor("--bogus", "1").err()).contains("unknown option --bogus");
        assertThat(doctor("--help").out()).contains("usage: java -jar pool-core.jar --port PORT");
        Result noProc = doctor("--port", "3306", "--proc", "/nonexistent-proc");
        assertThat(noProc.code()).isEqualTo(1);
        assertThat(noProc.err()).contains("cannot be read");
    }
}
