package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which census runs: netlink on Java 22+ with native access, {@code /proc} otherwise, each with its reason; and a
 * netlink census that fails falls back to {@code /proc} once. Runs on Java 17 (the default surefire run) and again on
 * Java 22+ (pool-core's test-java22 execution, against the multi-release jar).
 */
class CensusMethodTest {

    private static final int JAVA = Runtime.version().feature();
    /** Set by pool-core's test-java22 surefire execution: JDK 22+, the packaged jar, native access enabled. */
    private static final boolean JAVA22_EXECUTION = Boolean.getBoolean("twpool.test.java22");

    /** Netlink tests run in the test-java22 execution only; elsewhere they are skipped with the reason, never passed. */
    static void assumeJava22Execution() {
        assumeTrue(JAVA >= 22, "the netlink census needs Java 22+ (this JVM is Java " + JAVA + "); this test runs in "
                + "pool-core's test-java22 execution on the JDK 22+ found at build time, against the multi-release jar");
        assumeTrue(JAVA22_EXECUTION, "this test runs in pool-core's test-java22 execution (the packaged multi-release "
                + "jar, --enable-native-access=ALL-UNNAMED); a classes directory has no META-INF/versions view");
    }

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
    void anotherProcRootReadsThatRootNotThisNamespacesNetlink() throws Exception {
        Path root = Path.of(getClass().getResource("/proc/sample1").toURI());
        AutoCensus census = AutoCensus.open(root, Endpoint.resolve("127.0.0.1", 3306));
        assertThat(census.method()).isEqualTo("proc");
        assertThat(census.procReason()).isEqualTo("probe.proc-root is " + root + ", not /proc");
        assertThat(census.scan().method()).isEqualTo("proc");
    }

    @Test
    void aFailingNetlinkCensusFallsBackToProcOnceForGood() throws Exception {
        Endpoint endpoint = Endpoint.resolve("127.0.0.1", 3306);
        int[] netlinkCalls = {0};
        CensusSource failing = new CensusSource() {
            @Override
            public SocketCensus scan() throws IOException {
                netlinkCalls[0]++;
                throw new NetlinkUnavailableException("recv failed: EPERM");
            }

            @Override
            public String method() {
                return NETLINK;
            }
        };
        AutoCensus census = new AutoCensus(new CensusScanner(Path.of("/proc"), endpoint), failing, null);
        assertThat(census.method()).isEqualTo("netlink");
        assertThat(census.scan().method()).isEqualTo("proc");
        assertThat(census.netlinkFailed()).isTrue();
        assertThat(census.procReason()).isEqualTo("netlink failed: recv failed: EPERM");
        assertThat(census.describe()).isEqualTo("proc (netlink failed: recv failed: EPERM)");
        assertThat(census.scan().method()).isEqualTo("proc");
        assertThat(netlinkCalls[0]).as("netlink is not retried").isEqualTo(1);
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

    @Test
    void theNetlinkClassIsInTheMultiReleaseJarOnly() throws Exception {
        if (JAVA >= 22) {
            assumeJava22Execution();
            // loaded from META-INF/versions/22 of the packaged jar, not from a classes directory
            Class<?> c = Class.forName(AutoCensus.NETLINK_CLASS);
            String where = c.getResource(c.getSimpleName() + ".class").toString();
            assertThat(where).startsWith("jar:").contains("!/META-INF/versions/22/");
        } else {
            assertThat(catchClass()).isInstanceOf(ClassNotFoundException.class);
        }
    }

    private static Throwable catchClass() {
        try {
            Class.forName(AutoCensus.NETLINK_CLASS);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static Throwable catchNetlink(Endpoint e) {
        try {
            AutoCensus.netlink(e);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

}
