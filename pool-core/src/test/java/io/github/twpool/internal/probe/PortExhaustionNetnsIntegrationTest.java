package io.github.twpool.internal.probe;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Port exhaustion reproduced for real: a client namespace with 1,000 ephemeral ports and tcp_tw_reuse=0 connects to a
 * listener in a second namespace across a veth pair until connect fails with "Cannot assign requested address".
 * Only the addresses of that pair (10.213.7.1/30, 10.213.7.2/30) are used; both namespaces go away afterwards, even
 * when the test fails. Needs root and iproute2: without them it fails under CI=true and is skipped elsewhere.
 */
class PortExhaustionNetnsIntegrationTest {

    private static final String CLIENT_ADDR = "10.213.7.1";
    private static final String SERVER_ADDR = "10.213.7.2";
    private static final int PORT = 5000;

    @Test
    void theExhaustionWarningComesBeforeTheFirstFailedConnect() throws Exception {
        String id = Long.toString(ProcessHandle.current().pid() % 100000);
        String clientNs = "twp-c-" + id;
        String serverNs = "twp-s-" + id;
        String vethC = "twpc" + id;
        String vethS = "twps" + id;
        Process server = null;
        try {
            String problem = setUp(clientNs, serverNs, vethC, vethS);
            if (problem != null) {
                if ("true".equals(System.getenv("CI"))) {
                    throw new AssertionError("cannot create network namespaces under CI: " + problem);
                }
                Assumptions.abort("skipped: cannot create network namespaces here (" + problem + ")");
            }
            server = java(serverNs, "server", SERVER_ADDR, Integer.toString(PORT));
            BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            assertThat(serverOut.readLine()).isEqualTo("LISTENING");

            Process client = java(clientNs, "client", SERVER_ADDR, Integer.toString(PORT), "150");
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            }
            assertThat(client.waitFor(90, TimeUnit.SECONDS)).isTrue();
            String all = String.join("\n", lines);
            assertThat(client.exitValue()).as(all).isZero();
            assertThat(all).contains("KERNEL ports=1000 tw_reuse=0");
            String warned = lines.stream().filter(l -> l.startsWith("WARNED ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no port-exhaustion warning before the ports ran out:\n" + all));
            String failed = lines.stream().filter(l -> l.startsWith("FAILED ")).findFirst().orElseThrow();
            assertThat(failed).contains("Cannot assign requested address");
            System.out.println("port exhaustion in " + clientNs + ": " + warned + "\n" + failed);
            long warnedAt = Long.parseLong(warned.split(" ")[1]);
            long failedAt = Long.parseLong(failed.split(" ")[1]);
            assertThat(warnedAt).as(all).isLessThan(failedAt);
            assertThat(warned).contains("ephemeral ports towards " + SERVER_ADDR + ":" + PORT + " running out", "of 1000 ports",
                    "tcp_tw_reuse=0", "used up in");
        } finally {
            if (server != null) {
                server.destroyForcibly();
            }
            run("ip", "netns", "del", clientNs);
            run("ip", "netns", "del", serverNs);
        }
        assertThat(run("ip", "netns", "list")).doesNotContain(clientNs).doesNotContain(serverNs);
    }

    /** Creates both namespaces and the veth pair; returns why it could not, or null. */
    private static String setUp(String c, String s, String vc, String vs) throws Exception {
        String[][] steps = {
                {"ip", "netns", "add", c},
                {"ip", "netns", "add", s},
                {"ip", "link", "add", vc, "type", "veth", "peer", "name", vs},
                {"ip", "link", "set", vc, "netns", c},
                {"ip", "link", "set", vs, "netns", s},
                {"ip", "-n", c, "addr", "add", CLIENT_ADDR + "/30", "dev", vc},
                {"ip", "-n", s, "addr", "add", SERVER_ADDR + "/30", "dev", vs},
                {"ip", "-n", c, "link", "set", vc, "up"},
                {"ip", "-n", s, "link", "set", vs, "up"},
                {"ip", "-n", c, "link", "set", "lo", "up"},
                {"ip", "-n", s, "link", "set", "lo", "up"},
                {"ip", "netns", "exec", c, "sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=40000 40999"},
                {"ip", "netns", "exec", c, "sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=0"},
        };
        for (String[] step : steps) {
            Process p;
            try {
                p = new ProcessBuilder(step).redirectErrorStream(true).start();
            } catch (IOException e) {
                return String.join(" ", step) + ": " + e.getMessage();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return String.join(" ", step) + ": " + out.trim();
            }
        }
        return null;
    }

    private static Process java(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PortExhaustionHarness.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(20, TimeUnit.SECONDS);
        return out;
    }
}
