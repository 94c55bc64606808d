package io.github.twpool.internal.probe;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class DoctorTest {

    record Result(int code, String out, String err) {
    }

    static Result doctor(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Doctor.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
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
