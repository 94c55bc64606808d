package io.github.twpool.internal.connect;

import io.github.twpool.ChurnOrigins;
import io.github.twpool.internal.probe.CensusSource;
import io.github.twpool.internal.probe.ClientSocketSampler;
import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.internal.probe.NetlinkUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/** The socket samples' census, with censuses the test gives (no socket, no netlink). */
class ConnectSamplerTest {

    @TempDir
    Path proc;

    /** A census of the given method that fails, or reports one new inode per sample. */
    private static ClientSocketSampler census(String method, boolean fails) {
        ScriptedCensus c = new ScriptedCensus(method);
        if (fails) {
            c.failure = new NetlinkUnavailableException("recv failed: ENOBUFS", 105);
        } else {
            long[] next = {100};
            c.during = v -> c.inodes = List.of(next[0]++);
        }
        return c;
    }

    @Test
    void aNetlinkCensusThatFailsGivesWayToProcOnceInsteadOfEndingTheSocketSamples() throws Exception {
        // As the probe's census does: netlink failing is a reason to read /proc from then on, not to stop splitting
        // this JVM's connections from another process's.
        Files.createDirectories(proc.resolve("self/fd"));
        List<Boolean> asked = new ArrayList<>();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        try {
            ConnectSampler sampler = new ConnectSampler(executor, proc, Endpoint.fromJdbcUrl("jdbc:mysql://127.0.0.1:3306/test"),
                    netlinkFailed -> {
                        asked.add(netlinkFailed);
                        return netlinkFailed ? census(CensusSource.PROC, false) : census(CensusSource.NETLINK, true);
                    });
            sampler.sampleSockets(); // netlink fails
            sampler.sampleSockets(); // /proc: the baseline
            sampler.sampleSockets(); // /proc: a new socket, not this process's
            ChurnOrigins o = sampler.origins(System.nanoTime(), Double.NaN);
            assertThat(asked).containsExactly(false, true);
            assertThat(o.socketSamples()).as(o.toString()).isEqualTo(1);
            assertThat(o.splitMethod()).contains("census over proc");
            assertThat(o.otherSockets() + o.unresolvedSockets()).as(o.toString()).isEqualTo(1);

            // /proc failing too ends the socket samples, and the report says why.
            ConnectSampler failing = new ConnectSampler(executor, proc, Endpoint.fromJdbcUrl("jdbc:mysql://127.0.0.1:3306/test"),
                    netlinkFailed -> census(netlinkFailed ? CensusSource.PROC : CensusSource.NETLINK, true));
            failing.sampleSockets();
            failing.sampleSockets();
            failing.sampleStacks();
            ChurnOrigins f = failing.origins(System.nanoTime(), Double.NaN);
            assertThat(f.undecided()).as(f.toString()).contains("cannot be sampled", "ENOBUFS");
        } finally {
            executor.shutdownNow();
        }
    }
}
