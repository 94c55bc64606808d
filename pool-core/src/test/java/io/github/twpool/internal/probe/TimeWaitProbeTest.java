package io.github.twpool.internal.probe;

import ch.qos.logback.classic.Level;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TimeWaitProbeTest {

    @TempDir
    Path root;

    @Test
    void aMissingProcMakesTheProbeUnavailableWithOneInfoLine() throws Exception {
        Path missing = root.resolve("no-proc");
        try (LogCapture log = LogCapture.of("io.github.twpool.probe")) {
            TimeWaitProbe probe = new TimeWaitProbe(missing, ProcNetTcpParserTest.endpoint(3306, "127.0.0.1"), 2, 10);
            for (int i = 0; i < 5; i++) {
                ProbeSample s = probe.tick();
                assertThat(s.census()).isNull();
                assertThat(s.hostTimeWait()).isEqualTo(-1);
            }
            assertThat(probe.available()).isFalse();
            assertThat(probe.unavailableReason()).contains("sockstat");
            assertThat(log.messages(Level.INFO)).hasSize(1).first().asString().contains("TIME_WAIT probe unavailable");
        }
    }

    @Test
    void unreadableSocketTablesAreReportedOnceToo() throws Exception {
        Files.createDirectories(root.resolve("net"));
        Files.writeString(root.resolve("net/sockstat"), "TCP: inuse 1 orphan 0 tw 5 alloc 1 mem 1\n");
        Files.createDirectories(root.resolve("net/tcp")); // a directory where a file should be
        try (LogCapture log = LogCapture.of("io.github.twpool.probe")) {
            TimeWaitProbe probe = new TimeWaitProbe(root, ProcNetTcpParserTest.endpoint(3306, "127.0.0.1"), 1, 0);
            probe.tick();
            probe.tick();
            assertThat(probe.available()).isFalse();
            assertThat(probe.unavailableReason()).contains("net/tcp is not a regular file (a directory)");
            assertThat(log.lines()).hasSize(1);
        }
    }

    @Test
    void scansOnTheFirstTickOnThresholdAndEveryNTicksOnly() throws Exception {
        Files.createDirectories(root.resolve("net"));
        Files.copy(ProcNetTcpParserTest.sample("sample1").resolve("net/tcp"), root.resolve("net/tcp"));
        Files.copy(ProcNetTcpParserTest.sample("sample1").resolve("net/tcp6"), root.resolve("net/tcp6"));
        TimeWaitProbe probe = new TimeWaitProbe(root, ProcNetTcpParserTest.endpoint(ProcNetTcpParserTest.SAMPLE1_PORT, "127.0.0.1"), 4, 10);
        long[] tw = {100, 105, 95, 120, 121, 119, 118, 118, 118};
        List<Boolean> scanned = new ArrayList<>();
        for (long t : tw) {
            Files.writeString(root.resolve("net/sockstat"), "sockets: used 10\nTCP: inuse 3 orphan 0 tw " + t + " alloc 5 mem 1\n");
            ProbeSample s = probe.tick();
            scanned.add(s.scanned());
            assertThat(s.hostTimeWait()).isEqualTo(t);
            assertThat(s.census().timeWaitServer()).isEqualTo(30);
        }
        // first tick; 120 is >10 away from 100; then 4 ticks later (121,119,118 are within 10 of 120)
        assertThat(scanned).containsExactly(true, false, false, true, false, false, false, true, false);
    }

    @Test
    void sockstatFuzzNeverThrowsAndFindsTheWellFormedLine() {
        java.util.Random random = new java.util.Random(4711);
        for (int round = 0; round < 2000; round++) {
            byte[] noise = new byte[random.nextInt(600)];
            random.nextBytes(noise);
            String tail = round % 2 == 0 ? "\nTCP: inuse 1 orphan 0 tw " + round + " alloc 2 mem 0\n" : "";
            byte[] head = new String(noise, java.nio.charset.StandardCharsets.ISO_8859_1).replace("TCP:", "tcp:")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            byte[] all = (new String(head, java.nio.charset.StandardCharsets.ISO_8859_1) + tail)
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            int cut = round % 3 == 0 ? all.length : random.nextInt(all.length + 1);
            long tw = SockstatReader.parseTimeWait(all, cut);
            if (round % 2 == 0 && cut == all.length) {
                assertThat(tw).isEqualTo(round);
            } else if (round % 2 == 1) {
                assertThat(tw).isEqualTo(-1);
            }
        }
    }

    @Test
    void sockstatParsing() {
        byte[] b = "sockets: used 291\nTCP: inuse 27 orphan 0 tw 13579 alloc 40 mem 3\nUDP: inuse 2 mem 0\n".getBytes();
        assertThat(SockstatReader.parseTimeWait(b, b.length)).isEqualTo(13579);
        byte[] bad = "TCP: inuse 27 orphan 0 tw x\n".getBytes();
        assertThat(SockstatReader.parseTimeWait(bad, bad.length)).isEqualTo(-1);
    }

    /**
     * Adversarial pass: the kernel keeps tw in an int. A count that overflows it, or digits run into garbage, is
     * not a count: before, 20 nines read as 999999999999999999 (cut at 18 digits) and "12x" as 12.
     */
    @Test
    void sockstatCountsThatNoKernelWritesAreNotCounts() {
        for (String tw : new String[] {"99999999999999999999", "2147483648", "12x", "1-1", "-5"}) {
            byte[] b = ("TCP: inuse 99999999999999999999 orphan 0 tw " + tw + " alloc 40 mem 3\n").getBytes();
            assertThat(SockstatReader.parseTimeWait(b, b.length)).as(tw).isEqualTo(-1);
        }
        byte[] max = "TCP: inuse 1 orphan 0 tw 2147483647\n".getBytes();
        assertThat(SockstatReader.parseTimeWait(max, max.length)).isEqualTo(2147483647L);
        byte[] last = "TCP: inuse 1 orphan 0 tw 7".getBytes();
        assertThat(SockstatReader.parseTimeWait(last, last.length)).isEqualTo(7);
    }
}
