package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Which census runs: netlink on Java 22+ with native access, {@code /proc} otherwise, each with its reason; and a
 * netlink census that fails falls back to {@code /proc} once. Runs on Java 17 (the unit lane) and again on Java 22+
 * (the pool-core-java22 module, against the multi-release jar). The cases that scan this host's sockets or start
 * JVMs are in {@link CensusMethodIntegrationTest}.
 */
class CensusMethodTest {

    private static final int JAVA = Runtime.version().feature();
    /** Set by the pool-core-java22 module's failsafe run: JDK 22+, the packaged jar, native access enabled. */
    private static final boolean JAVA22_EXECUTION = Boolean.getBoolean("twpool.test.java22");

    /** Netlink tests run in pool-core-java22 only; elsewhere they are skipped with the reason, never passed. */
    static void assumeJava22Execution() {
        assumeTrue(JAVA >= 22, "the netlink census needs Java 22+ (this JVM is Java " + JAVA + "); this test runs in "
                + "the pool-core-java22 module on the JDK 22+ found at build time, against the multi-release jar");
        assumeTrue(JAVA22_EXECUTION, "this test runs in the pool-core-java22 module (the packaged multi-release "
                + "jar, --enable-native-access=ALL-UNNAMED); a classes directory has no META-INF/versions view");
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

    static Throwable catchNetlink(Endpoint e) {
        try {
            AutoCensus.netlink(e);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

}
