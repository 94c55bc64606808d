package io.github.twpool.sidecar;

import io.github.twpool.testsupport.FaultProxy;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sidecar as an unprivileged user beside a churning process of another user (root): it cannot read that
 * process's /proc/<pid>/fd, says so in one line with what to change, and still warns with the rate.
 */
class SidecarPermissionsJarIntegrationTest {

    @Test
    void withoutPermissionItSaysWhatItNeedsAndStillWarns() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "runs the sidecar as nobody through setpriv, which needs root; run the build as root to cover it");
        // A copy of the jar that nobody may read.
        Path dir = Files.createTempDirectory("sidecar-nobody");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.copy(SidecarProcess.jar(), dir.resolve("twpool-sidecar.jar"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        String previous = System.getProperty("twpool.sidecar.jar");
        System.setProperty("twpool.sidecar.jar", jar.toString());
        int port = SidecarProcess.freePort();
        try (FaultProxy proxy = FaultProxy.forTestDatabase();
             SidecarProcess sidecar = SidecarProcess.startAs(
                     List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"),
                     Map.of("HOME", dir.toString()), port, "watch", "--endpoint", "127.0.0.1:" + proxy.port(),
                     "--interval", "1s", "--metrics-address", "127.0.0.1", "--metrics-port", String.valueOf(port))) {
            assertThat(sidecar.awaitLine(l -> l.contains("twpool sidecar: watching"), Duration.ofSeconds(30))).isNotNull();
            Thread.sleep(2000);
            Process client = MariadbClient.reconnectLoop(proxy.port(), 120, 0.08);
            try {
                String limited = sidecar.awaitLine(l -> l.contains("naming the processes that connect to"), Duration.ofSeconds(30));
                assertThat(limited).isNotNull().contains("is not readable")
                        .contains("Run the sidecar as the service's user or as root with CAP_SYS_PTRACE");
                String warning = sidecar.awaitLine(l -> l.contains("WARN") && l.contains("churn towards"),
                        Duration.ofSeconds(30));
                assertThat(warning).isNotNull().contains("no process could be named")
                        .containsPattern("churn towards 127\\.0\\.0\\.1:\\d+: ~[0-9.]+ new connections/s").hasSizeLessThanOrEqualTo(400);
                assertThat(sidecar.lines().stream().filter(l -> l.contains("naming the processes that connect to")).count())
                        .as("said once").isEqualTo(1);
            } finally {
                client.destroy();
                client.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            if (previous != null) {
                System.setProperty("twpool.sidecar.jar", previous);
            }
            Files.deleteIfExists(jar);
            Files.deleteIfExists(dir);
        }
    }
}
