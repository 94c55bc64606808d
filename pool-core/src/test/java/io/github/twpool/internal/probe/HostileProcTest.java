package io.github.twpool.internal.probe;

import ch.qos.logback.classic.Level;
import io.github.twpool.KernelSettings;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A {@code probe.proc-root} whose files never end ({@code /dev/zero}), block in {@code open()} (a FIFO) or hold
 * garbage: every reader returns promptly, says why, and logs one line per kind of failure. Before, the probe thread
 * spun a core forever on {@code /dev/zero} and blocked forever on a FIFO.
 */
class HostileProcTest {

    private static final Duration LIMIT = Duration.ofSeconds(15);

    @TempDir
    Path root;

    private TimeWaitProbe probe(Path proc) throws Exception {
        return new TimeWaitProbe(proc, ProcNetTcpParserTest.endpoint(3306, "127.0.0.1"), 1, 0);
    }

    @Test
    void devZeroAsTheSocketTableIsRefusedAtOnceWithOneWarning() throws Exception {
        for (String device : new String[] {"/dev/zero", "/dev/urandom"}) {
            Path proc = HostileProcFixtures.procWith(root.resolve(device.substring(5)), "net/tcp", Path.of(device));
            try (LogCapture log = LogCapture.of("io.github.twpool.probe")) {
                TimeWaitProbe probe = probe(proc);
                assertTimeoutPreemptively(LIMIT, () -> {
                    for (int i = 0; i < 5; i++) {
                        probe.tick();
                    }
                });
                assertThat(probe.available()).isFalse();
                assertThat(probe.unavailableReason()).isEqualTo(proc.resolve("net/tcp")
                        + " is not a regular file (a character device); probe.proc-root must point at a procfs mount such as /proc");
                assertThat(log.lines()).hasSize(1);
                assertThat(log.messages(Level.WARN)).hasSize(1);
            }
        }
    }

    @Test
    void aFifoAtAnyProbedPathNeverBlocks() throws Exception {
        for (String path : new String[] {"net/sockstat", "net/tcp", "net/tcp6"}) {
            Path proc = HostileProcFixtures.procWith(root.resolve(path.replace('/', '_')), path, null);
            TimeWaitProbe probe = probe(proc);
            assertTimeoutPreemptively(LIMIT, () -> {
                probe.tick();
                probe.tick();
            });
            assertThat(probe.available()).as(path).isFalse();
            assertThat(probe.unavailableReason()).as(path).contains(proc.resolve(path) + " is not a regular file (a FIFO)");
        }
    }

    @Test
    void aFifoOrDeviceAsASysctlReadsAsUnknownWithoutBlocking() throws Exception {
        Path fifo = HostileProcFixtures.procWith(root.resolve("fifo"), "sys/net/ipv4/tcp_tw_reuse", null);
        KernelSettings k = assertTimeoutPreemptively(LIMIT, () -> KernelSettingsReader.read(fifo));
        assertThat(k.tcpTwReuse()).isEqualTo(-1);
        assertThat(k.tcpFinTimeout()).isEqualTo(KernelSettingsReader.read(Path.of("/proc")).tcpFinTimeout());
        Path zero = HostileProcFixtures.procWith(root.resolve("zero"), "sys/kernel/osrelease", Path.of("/dev/zero"));
        assertThat(assertTimeoutPreemptively(LIMIT, () -> KernelSettingsReader.read(zero)).kernelRelease()).isEqualTo("unknown");
    }

    @Test
    void tenMegabytesOfGarbageAreReportedNotCalledRunning() throws Exception {
        Path proc = HostileProcFixtures.procWith(root.resolve("garbage"), "net/tcp", HostileProcFixtures.garbage(root, 10 * 1024 * 1024));
        try (LogCapture log = LogCapture.of("io.github.twpool.probe")) {
            TimeWaitProbe probe = probe(proc);
            assertTimeoutPreemptively(LIMIT, () -> {
                for (int i = 0; i < 4; i++) {
                    probe.tick();
                }
            });
            assertThat(probe.available()).isFalse();
            assertThat(probe.unavailableReason()).startsWith("no socket lines parsed from " + proc.resolve("net/tcp") + " (10485760 bytes)");
            assertThat(log.messages(Level.WARN)).hasSize(1).first().asString().contains("no socket lines parsed from");
        }
    }

    @Test
    void aSocketTableLargerThanAnyRealOneIsCutOff() throws Exception {
        Path big = root.resolve("big");
        Files.writeString(big, "x".repeat(100));
        try (var in = ProcFiles.open(big, 10, System.nanoTime() + TimeUnit.SECONDS.toNanos(5))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(in::readAllBytes).isInstanceOf(ProcFileException.class)
                    .hasMessageContaining("holds more than 10 bytes");
        }
        try (var in = ProcFiles.open(big, 1000, System.nanoTime() - 1)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(in::readAllBytes).isInstanceOf(ProcFileException.class)
                    .hasMessageContaining("deadline passed");
        }
    }

    @Test
    void theDoctorDoesNotHangEither() throws Exception {
        Path zero = HostileProcFixtures.procWith(root.resolve("zero"), "net/tcp", Path.of("/dev/zero"));
        Path fifo = HostileProcFixtures.procWith(root.resolve("fifo"), "net/sockstat", null);
        Path junk = HostileProcFixtures.procWith(root.resolve("junk"), "net/tcp", HostileProcFixtures.garbage(root, 2 * 1024 * 1024));
        for (Path proc : new Path[] {zero, fifo, junk}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = assertTimeoutPreemptively(LIMIT, () -> Doctor.run(new String[] {"--port", "3306", "--proc", proc.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
            String said = err.toString(StandardCharsets.UTF_8);
            if (proc == fifo) {
                assertThat(said).contains(proc.resolve("net/sockstat") + " is not a regular file (a FIFO)");
                assertThat(out.toString(StandardCharsets.UTF_8)).contains("host time_wait=-1");
            } else {
                assertThat(code).isEqualTo(1);
                assertThat(said).contains(proc == zero ? "is not a regular file (a character device)" : "no socket lines parsed from");
            }
        }
    }
}
