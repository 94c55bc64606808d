package io.github.twpool.sidecar;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Options from the command line and TWPOOL_* variables, and every bad one refused with its exit code. */
class SidecarOptionsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAndRepeatedEndpoints() throws Exception {
        SidecarOptions o = SidecarOptions.parse(new String[] {"watch", "--endpoint", "127.0.0.1:3306", "--endpoint=db2:3307",
                "--endpoint", "[::1]:3306"}, Map.of());
        assertThat(o.endpoints()).extracting(Object::toString).containsExactly("127.0.0.1:3306", "db2:3307", "[::1]:3306");
        assertThat(o.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.metricsPort()).isEqualTo(9464);
        assertThat(o.metricsAddress()).isEqualTo("0.0.0.0");
        assertThat(o.proc()).isEqualTo(Path.of("/proc"));
        assertThat(o.user()).isNull();
        assertThat(o.password().present()).isFalse();
    }

    @Test
    void environmentFillsWhatTheCommandLineDoesNotGive() throws Exception {
        Map<String, String> env = Map.of("TWPOOL_ENDPOINT", "db1:3306, db2:3306", "TWPOOL_INTERVAL", "30s",
                "TWPOOL_METRICS_PORT", "9999", "TWPOOL_USER", "monitor", "TWPOOL_PASSWORD_ENV", "DB_PASSWORD",
                "DB_PASSWORD", "s3cret-value");
        SidecarOptions o = SidecarOptions.parse(new String[] {"watch", "--interval", "5s"}, env);
        assertThat(o.endpoints()).extracting(Object::toString).containsExactly("db1:3306", "db2:3306");
        assertThat(o.interval()).as("the command line wins").isEqualTo(Duration.ofSeconds(5));
        assertThat(o.metricsPort()).isEqualTo(9999);
        assertThat(o.user()).isEqualTo("monitor");
        assertThat(o.password().reveal()).isEqualTo("s3cret-value");
        assertThat(o.toString()).doesNotContain("s3cret");
        assertThat(o.password().toString()).isEqualTo("**** (from environment variable DB_PASSWORD)");
    }

    @Test
    void passwordFileFirstLineRegularFilesOnly() throws Exception {
        Path f = Files.writeString(dir.resolve("pw"), "from-file\nsecond line\n");
        SidecarOptions o = SidecarOptions.parse(new String[] {"watch", "--endpoint", "db:3306", "--user", "u",
                "--password-file", f.toString()}, Map.of());
        assertThat(o.password().reveal()).isEqualTo("from-file");
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThatThrownBy(() -> SidecarOptions.parse(new String[] {"watch", "--endpoint", "db:3306", "--user", "u",
                "--password-file", fifo.toString()}, Map.of())).hasMessageContaining("not a regular file");
        Path big = Files.write(dir.resolve("big"), new byte[5000]);
        assertThatThrownBy(() -> SidecarOptions.parse(new String[] {"watch", "--endpoint", "db:3306", "--user", "u",
                "--password-file", big.toString()}, Map.of())).hasMessageContaining("longer than 4096 bytes");
    }

    @Test
    void aPasswordArgumentIsRefusedWithoutEchoingIt() {
        for (String[] args : new String[][] {{"watch", "--endpoint", "db:3306", "--password", "hunter2"},
                {"watch", "--endpoint", "db:3306", "--password=hunter2"}}) {
            Run r = run(args);
            assertThat(r.code).isEqualTo(2);
            assertThat(r.err).contains("--password is not accepted").contains("--password-env").doesNotContain("hunter2");
        }
    }

    @Test
    void badOptionsExitWithTwoAndSayWhatIsAllowed() {
        assertThat(run()).satisfies(r -> assertThat(r.err).contains("a command is required: watch or census"));
        assertThat(run("serve").err).contains("unknown command 'serve'");
        assertThat(run("watch").err).contains("--endpoint is required (or TWPOOL_ENDPOINT)");
        assertThat(run("watch", "--endpoint", "db").err).contains("--endpoint db: must be host:port");
        assertThat(run("watch", "--endpoint", "db:70000").err).contains("the port must be from 1 to 65535");
        assertThat(run("watch", "--endpoint", "db:3306", "--interval", "fast").err)
                .contains("--interval fast: must be a duration such as 500ms");
        assertThat(run("watch", "--endpoint", "db:3306", "--interval", "10ms").err).contains("from 100ms to 1h");
        assertThat(run("watch", "--endpoint", "db:3306", "--metrics-port", "-1").err)
                .contains("--metrics-port -1: must be an integer from 0 to 65535");
        assertThat(run("watch", "--endpoint", "db:3306", "--min-rate", "0").err).contains("--min-rate 0: must be a number");
        assertThat(run("watch", "--endpoint", "db:3306", "--frobnicate", "1").err).contains("unknown option --frobnicate for watch");
        assertThat(run("census", "--endpoint", "db:3306", "--interval", "1s").err).contains("unknown option --interval for census");
        assertThat(run("watch", "--endpoint", "db:3306", "--interval").err).contains("--interval needs a value");
        assertThat(run("watch", "--endpoint", "db:3306", "--password-env", "NO_SUCH_VARIABLE_XYZ", "--user", "u").err)
                .contains("--password-env NO_SUCH_VARIABLE_XYZ: no such environment variable is set");
        assertThat(run("watch", "--endpoint", "db:3306", "--password-file", "/nonexistent/pw", "--user", "u").err)
                .contains("--password-file /nonexistent/pw: cannot be read");
        assertThat(run("watch", "--endpoint", "no-such-host.invalid:3306", "--metrics-port", "0").err)
                .contains("--endpoint no-such-host.invalid:3306: the host no-such-host.invalid cannot be resolved");
        assertThat(run("watch", "--endpoint", "db:3306\u001b[2J").err).doesNotContain("\u001b");
        for (String[] args : new String[][] {{"watch"}, {"watch", "--endpoint", "db"}, {"serve"}}) {
            assertThat(run(args).code).isEqualTo(2);
        }
    }

    @Test
    void missingProcExitsWithOne() {
        Run r = run("watch", "--endpoint", "127.0.0.1:3306", "--proc", dir.resolve("nothing").toString(), "--metrics-port", "0");
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err).contains("nothing/net/tcp cannot be read (NoSuchFileException): the sidecar counts sockets in Linux's procfs");
        Run census = run("census", "--endpoint", "127.0.0.1:3306", "--proc", dir.resolve("nothing").toString());
        assertThat(census.code).isEqualTo(1);
    }

    @Test
    void aProcWhoseTcpTableIsAFifoIsRefusedNotWaitedOn() throws Exception {
        Path fake = Files.createDirectories(dir.resolve("fake/net"));
        assertThat(new ProcessBuilder("mkfifo", fake.resolve("tcp").toString()).start().waitFor()).isZero();
        Run r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> run("watch", "--endpoint", "127.0.0.1:3306", "--proc", dir.resolve("fake").toString(), "--metrics-port", "0"));
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err).contains("net/tcp is not a regular file");
    }

    @Test
    void anAddressThatCannotBeBoundExitsWithThree() {
        Run r = run("watch", "--endpoint", "127.0.0.1:3306", "--metrics-address", "no-such-host.invalid", "--metrics-port", "19999");
        assertThat(r.code).isEqualTo(3);
        assertThat(r.err).contains("--metrics-port 19999 on no-such-host.invalid: cannot listen (");
    }

    @Test
    void helpAndCensus() {
        Run help = run("--help");
        assertThat(help.code).isZero();
        assertThat(help.out).contains("exit codes:").contains("--password-env VAR");
        Run census = run("census", "--endpoint", "127.0.0.1:3306");
        assertThat(census.code).isZero();
        assertThat(census.out).containsPattern("time_wait client=\\d+ server=\\d+ established=\\d+");
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Sidecar.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
