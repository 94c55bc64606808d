package io.github.twpool.internal.probe;

import ch.qos.logback.classic.Level;
import io.github.twpool.SocketCensus;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A netlink census that fails (here: the kernel refusing with EPERM) costs the probe one INFO line, then /proc. */
class CensusMethodFallbackLogTest {

    @Test
    void theProbeLogsTheFallbackOnceAndKeepsCounting() throws Exception {
        Endpoint endpoint = Endpoint.resolve("127.0.0.1", 3306);
        CensusSource refused = new CensusSource() {
            @Override
            public SocketCensus scan() throws IOException {
                throw new NetlinkUnavailableException("socket(AF_NETLINK, NETLINK_SOCK_DIAG) failed: EPERM");
            }

            @Override
            public String method() {
                return NETLINK;
            }
        };
        Path proc = Path.of("/proc");
        AutoCensus census = new AutoCensus(new CensusScanner(proc, endpoint), refused, null);
        try (LogCapture log = LogCapture.of("io.github.twpool.probe")) {
            TimeWaitProbe probe = new TimeWaitProbe(proc, endpoint, 1, 0, census);
            for (int i = 0; i < 3; i++) {
                ProbeSample s = probe.tick();
                assertThat(s.census()).isNotNull();
                assertThat(s.census().method()).isEqualTo("proc");
            }
            assertThat(probe.available()).isTrue();
            assertThat(log.messages(Level.INFO)).containsExactly("TIME_WAIT probe: netlink failed: "
                    + "socket(AF_NETLINK, NETLINK_SOCK_DIAG) failed: EPERM; the census reads /proc/net/tcp* from now on"
                    + " (slower on hosts with many sockets).");
            assertThat(probe.censusMethod()).isEqualTo("proc (netlink failed: socket(AF_NETLINK, NETLINK_SOCK_DIAG) failed: EPERM)");
        }
    }
}
