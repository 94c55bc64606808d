package io.github.twpool.internal.probe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class HostTcpCountersReaderTest {

    private static final String SNMP = """
            Ip: Forwarding DefaultTTL InReceives
            Ip: 1 64 25350
            Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
            Tcp: 1 200 120000 -1 856 808 11 32 16 25350 23350 5 0 81 0
            Udp: InDatagrams NoPorts
            Udp: 10 0
            """;
    private static final String NETSTAT = """
            TcpExt: SyncookiesSent TW TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory
            TcpExt: 0 812 29 3 0
            IpExt: InNoRoutes InTruncatedPkts
            IpExt: 0 0
            """;

    private static Path proc(Path dir, String snmp, String netstat) throws Exception {
        Files.createDirectories(dir.resolve("net"));
        Files.writeString(dir.resolve("net/snmp"), snmp);
        Files.writeString(dir.resolve("net/netstat"), netstat);
        return dir;
    }

    @Test
    void readsTheTcpAndTcpExtCounters(@TempDir Path dir) throws Exception {
        HostTcpCounters c = new HostTcpCountersReader(proc(dir, SNMP, NETSTAT)).read();
        assertThat(c).isEqualTo(new HostTcpCounters(856, 808, 81, 32, 29, 3));
    }

    @Test
    void theRealProcIsReadable() {
        HostTcpCounters c = new HostTcpCountersReader(Path.of("/proc")).read();
        assertThat(c.activeOpens()).isNotNegative();
        assertThat(c.outRsts()).isNotNegative();
        assertThat(c.abortOnData()).isNotNegative();
    }

    @Test
    void malformedOrMissingInputIsUnknownNeverAnException(@TempDir Path dir) throws Exception {
        assertThat(new HostTcpCountersReader(dir.resolve("nothing")).read()).isEqualTo(HostTcpCounters.UNKNOWN);
        assertThat(new HostTcpCountersReader(proc(dir.resolve("a"), "Tcp: ActiveOpens\nTcp: x\n", "")).read())
                .isEqualTo(HostTcpCounters.UNKNOWN);
        HostTcpCounters partial = new HostTcpCountersReader(proc(dir.resolve("b"),
                "Tcp: ActiveOpens PassiveOpens\nTcp: 5 99999999999999999999999\n", "garbage")).read();
        assertThat(partial.activeOpens()).isEqualTo(5);
        assertThat(partial.passiveOpens()).isEqualTo(-1);
        assertThat(partial.abortOnData()).isEqualTo(-1);
    }

    @Test
    void anEndlessFileIsReadOnlyUpToTheBound(@TempDir Path dir) throws Exception {
        String huge = "Tcp: " + "ActiveOpens ".repeat(100_000) + "\n";
        Path root = proc(dir, huge, NETSTAT);
        assertThat(new HostTcpCountersReader(root).read()).isEqualTo(HostTcpCounters.UNKNOWN);
        assertThat(HostTcpCountersReader.readBounded(root.resolve("net/snmp"))).hasSize(HostTcpCountersReader.MAX_BYTES);
    }

    @Test
    void aFifoDoesNotBlockTheProbe(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("net"));
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("net/snmp").toString()).start();
        assertThat(mkfifo.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        CompletableFuture<HostTcpCounters> read = CompletableFuture.supplyAsync(() -> new HostTcpCountersReader(dir).read());
        assertThat(read.get(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(HostTcpCounters.UNKNOWN);
    }
}
