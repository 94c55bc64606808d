package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.github.twpool.internal.probe.CensusMethodTest.assumeJava22Execution;
import static io.github.twpool.internal.probe.CensusMethodTest.catchNetlink;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which census runs, on this host: a census of a listening loopback socket by the method the Java version allows,
 * and on Java 22+ a JVM started without native access reading /proc without a warning.
 */
class CensusMethodIntegrationTest {

    private static final int JAVA = Runtime.version().feature();

    @Test
    void theMethodFollowsTheJavaVersion() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            Endpoint endpoint = Endpoint.resolve("127.0.0.1", listener.getLocalPort());
            AutoCensus census = AutoCensus.open(Path.of("/proc"), endpoint);
            SocketCensus c = census.scan();
            if (JAVA >= 22) {
                assumeJava22Execution();
                // this execution runs with --enable-native-access=ALL-UNNAMED, as the README tells users to
                assertThat(AutoCensus.planned(Path.of("/proc"))).isEqualTo("netlink");
                assertThat(census.method()).isEqualTo("netlink");
                assertThat(census.procReason()).isNull();
                assertThat(c.method()).isEqualTo("netlink");
            } else {
                assertThat(AutoCensus.planned(Path.of("/proc"))).isEqualTo("proc (Java " + JAVA + "; netlink needs Java 22+)");
                assertThat(census.method()).isEqualTo("proc");
                assertThat(c.method()).isEqualTo("proc");
                assertThat(census.netlinkFailed()).isFalse();
                assertThat(catchNetlink(endpoint)).isInstanceOf(NetlinkUnavailableException.class);
            }
        }
    }

    @Test
    void withoutNativeAccessJava22UsesProcAndPrintsNoWarning() throws Exception {
        assumeJava22Execution();
        // A JVM started as a user would without --enable-native-access, on this test's classpath (the packaged jar)
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Doctor.class.getName(), "--port", "3306"));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("census method=proc (native access is not enabled; to use netlink, start java with "
                + "--enable-native-access=ALL-UNNAMED");
        assertThat(err).doesNotContain("WARNING");
        // and with it, netlink, again without a warning
        cmd.add(1, "--enable-native-access=ALL-UNNAMED");
        Process q = new ProcessBuilder(cmd).start();
        String out2 = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err2 = new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out2).contains("census method=netlink\n");
        assertThat(err2).doesNotContain("WARNING");
    }
}
