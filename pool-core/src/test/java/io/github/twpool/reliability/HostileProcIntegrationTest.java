package io.github.twpool.reliability;

import ch.qos.logback.classic.Level;
import io.github.twpool.ChurnReport;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.internal.probe.HostileProcFixtures;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool whose {@code probe.proc-root} is hostile: {@code /dev/zero} or a 10 MB of garbage as {@code net/tcp}, a FIFO
 * as {@code net/tcp} or as a sysctl. The probe says why it is unavailable, the pool serves, and {@code close()}
 * stops the probe thread at once. Before: the thread spun a core or blocked in {@code open()} forever, the status
 * stayed "starting", and close() waited 5 s and left the thread behind.
 */
class HostileProcIntegrationTest {

    @TempDir
    Path root;

    private static TwPoolDataSource pool(String name, Path proc) {
        return TwPoolDataSource.fromProperties(TestDatabase.get().twpoolProperties("twpool.name", name,
                "twpool.pool-size", "1", "twpool.probe.enabled", "true", "twpool.probe.interval", "1s",
                "twpool.probe.scan-every", "1", "twpool.probe.proc-root", proc.toString()));
    }

    private static String awaitStatus(TwPoolDataSource ds, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String status = ds.churnReport().probeStatus();
        while (!status.startsWith(prefix) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = ds.churnReport().probeStatus();
        }
        return status;
    }

    private static boolean probeThreadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("twpool-" + name + "-probe"));
    }

    /** Serves a query, closes within a second, and leaves no probe thread. */
    private static void servesAndClosesPromptly(TwPoolDataSource ds, String name) throws Exception {
        try (Connection c = ds.getConnection()) {
            assertThat(c.isValid(1)).isTrue();
        }
        assertThat(probeThreadAlive(name)).isTrue();
        long start = System.nanoTime();
        ds.close();
        long closeMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(closeMillis).as("close() took %d ms", closeMillis).isLessThan(1_000);
        assertThat(probeThreadAlive(name)).as("probe thread after close()").isFalse();
    }

    @Test
    void devZeroAsTheSocketTable() throws Exception {
        Path proc = HostileProcFixtures.procWith(root.resolve("zero"), "net/tcp", Path.of("/dev/zero"));
        try (LogCapture log = LogCapture.of("io.github.twpool.probe")) {
            TwPoolDataSource ds = pool("hostile-zero", proc);
            try {
                assertThat(awaitStatus(ds, "unavailable")).isEqualTo("unavailable: " + proc.resolve("net/tcp")
                        + " is not a regular file (a character device); probe.proc-root must point at a procfs mount such as /proc");
                Thread.sleep(2_500); // a few more ticks: still one line
                assertThat(log.messages(Level.WARN)).hasSize(1).first().asString().contains("TIME_WAIT probe unavailable");
            } finally {
                servesAndClosesPromptly(ds, "hostile-zero");
            }
        }
    }

    @Test
    void aFifoAsTheSocketTable() throws Exception {
        Path proc = HostileProcFixtures.procWith(root.resolve("fifo"), "net/tcp", null);
        TwPoolDataSource ds = pool("hostile-fifo", proc);
        try {
            assertThat(awaitStatus(ds, "unavailable")).contains(proc.resolve("net/tcp") + " is not a regular file (a FIFO)");
        } finally {
            servesAndClosesPromptly(ds, "hostile-fifo");
        }
    }

    @Test
    void aFifoAsASysctlLeavesTheProbeRunning() throws Exception {
        Path proc = HostileProcFixtures.procWith(root.resolve("sysctl"), "sys/net/ipv4/tcp_tw_reuse", null);
        TwPoolDataSource ds = pool("hostile-sysctl", proc);
        try {
            assertThat(awaitStatus(ds, "running")).isEqualTo("running");
            ChurnReport r = ds.churnReport();
            assertThat(r.kernel().tcpTwReuse()).isEqualTo(-1);
            assertThat(r.census()).isNotNull();
        } finally {
            servesAndClosesPromptly(ds, "hostile-sysctl");
        }
    }

    @Test
    void tenMegabytesOfGarbageAreReported() throws Exception {
        Path proc = HostileProcFixtures.procWith(root.resolve("junk"), "net/tcp", HostileProcFixtures.garbage(root, 10 * 1024 * 1024));
        TwPoolDataSource ds = pool("hostile-junk", proc);
        try {
            assertThat(awaitStatus(ds, "unavailable")).startsWith("unavailable: no socket lines parsed from " + proc.resolve("net/tcp"));
        } finally {
            servesAndClosesPromptly(ds, "hostile-junk");
        }
    }
}
