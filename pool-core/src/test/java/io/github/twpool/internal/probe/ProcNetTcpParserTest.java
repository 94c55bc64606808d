package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser on /proc captures from this kind of machine. sample1 was captured with a listener on 127.0.0.1 and ::1
 * port 46079 after: 40 IPv4 connections closed by the client, 25 over a dual-stack socket to ::ffff:127.0.0.1,
 * 15 to ::1, 30 closed by the server side, and 3 left open. {@code ss} counted, at capture time (see EXPECTED):
 * TIME_WAIT dport 80, sport 30; ESTABLISHED dport 3, sport 3.
 */
class ProcNetTcpParserTest {

    static final int SAMPLE1_PORT = 46079;

    static Path sample(String name) throws URISyntaxException {
        return Path.of(ProcNetTcpParserTest.class.getResource("/proc/" + name + "/net/tcp").toURI()).getParent().getParent();
    }

    static Endpoint endpoint(int port, String... addresses) throws Exception {
        InetAddress[] a = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            a[i] = InetAddress.getByName(addresses[i]);
        }
        return new Endpoint("test:" + port, List.of(a), port);
    }

    @Test
    void countsBothSidesInTcpAndTcp6LikeSs() throws Exception {
        SocketCensus c = new CensusScanner(sample("sample1"), endpoint(SAMPLE1_PORT, "127.0.0.1", "::1")).scan();
        assertThat(c.timeWaitClient()).isEqualTo(80);
        assertThat(c.timeWaitServer()).isEqualTo(30);
        assertThat(c.establishedClient()).isEqualTo(3);
        assertThat(c.establishedServer()).isEqualTo(3);
        assertThat(c.linesScanned()).isEqualTo(90 + 43);
    }

    @Test
    void ipv4EndpointMatchesIpv4MappedSocketsInTcp6ButNotNativeIpv6() throws Exception {
        SocketCensus c = new CensusScanner(sample("sample1"), endpoint(SAMPLE1_PORT, "127.0.0.1")).scan();
        assertThat(c.timeWaitClient()).isEqualTo(40 + 25);
        // the server side counts by local port, whatever the address
        assertThat(c.timeWaitServer()).isEqualTo(30);
        SocketCensus v6 = new CensusScanner(sample("sample1"), endpoint(SAMPLE1_PORT, "::1")).scan();
        assertThat(v6.timeWaitClient()).isEqualTo(15);
    }

    @Test
    void timeWaitAgesComeFromTheTimerColumn() throws Exception {
        SocketCensus c = new CensusScanner(sample("sample1"), endpoint(SAMPLE1_PORT, "127.0.0.1", "::1")).scan();
        // Captured within a second of the churn: every socket had ~59-60 s left.
        assertThat(c.clientTimeWaitNewerThan(Duration.ofSeconds(60))).isEqualTo(80);
        assertThat(c.clientTimeWaitNewerThan(Duration.ofSeconds(3))).isEqualTo(80);
        assertThat(c.serverTimeWaitNewerThan(Duration.ofSeconds(3))).isEqualTo(30);
        assertThat(c.clientTimeWaitNewerThan(Duration.ZERO)).isZero();
    }

    @Test
    void parsesTheTimerOfAKnownLine() throws Exception {
        String tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + "  13: 0100007F:0CEA 0100007F:B5F6 06 00000000:00000000 03:0000127B 00000000     0        0 0 3 00000000dd68f8f3\n"
                + "  14: 0100007F:B5F8 0100007F:0CEA 06 00000000:00000000 03:00000300 00000000     0        0 0 3 00000000dd68f8f3\n"
                + "  15: 0100007F:B5FA 0100007F:0CEA 06 00000000:00000000 03:FFFFFFFFFFFFFFF0 00000000     0        0 0 3 0\n"
                + "  16: 0100007F:B5FC 0100007F:0CEA 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0\n";
        ProcNetTcpParser.Counts counts = scan(tcp, false, endpoint(3306, "127.0.0.1"));
        assertThat(counts.timeWaitServer()).isEqualTo(1);  // 0x127B = 4731 ticks = 47 s left
        assertThat(counts.serverBySecondsLeft()[47]).isEqualTo(1);
        assertThat(counts.timeWaitClient()).isEqualTo(2);
        assertThat(counts.clientBySecondsLeft()[7]).isEqualTo(1);  // 0x300 = 768 ticks
        assertThat(counts.clientBySecondsLeft()[0]).isEqualTo(1);  // expired, negative clock_t
        assertThat(counts.establishedClient()).isEqualTo(1);
    }

    @Test
    void malformedLinesAreSkippedNeverThrown() throws Exception {
        String good = "   1: 0100007F:D000 0100007F:0CEA 06 00000000:00000000 03:00001000 00000000     0        0 0 3 0\n";
        String tcp = "garbage\n" + good + "   2: 0100007G:D000 0100007F:0CEA 06 00000000:00000000 03:00001000 0\n"
                + "   3: 0100007F:D000 0100007F:0CEA 06\n" + "   4: 0100007F:D0\n" + "\n\n" + "::::\n" + good
                + "   5: 0100007F:D000 0100007F:0CEA 06 00000000:00000000 03:00001000"; // last line without newline
        ProcNetTcpParser.Counts counts = scan(tcp, false, endpoint(3306, "127.0.0.1"));
        assertThat(counts.timeWaitClient()).isEqualTo(3);
        assertThat(counts.lines()).isEqualTo(3);
    }

    @Test
    void fuzzedInputNeverThrowsAndWellFormedLinesAreCountedExactly() throws Exception {
        Random random = new Random(20261124L);
        Endpoint e = endpoint(3306, "127.0.0.1");
        for (int round = 0; round < 200; round++) {
            StringBuilder sb = new StringBuilder();
            int expected = 0;
            int lines = random.nextInt(300);
            for (int i = 0; i < lines; i++) {
                switch (random.nextInt(5)) {
                    case 0 -> {
                        sb.append(String.format("%4d: 0100007F:%04X 0100007F:0CEA 06 00000000:00000000 03:%08X 00000000 0 0 0 3 0%n",
                                i, 32768 + random.nextInt(28000), random.nextInt(6001)));
                        expected++;
                    }
                    case 1 -> sb.append(String.format("%4d: 0100007F:%04X 0A00000A:0CEA 06 00000000:00000000 03:00000001 0%n",
                            i, 32768 + i));
                    case 2 -> {
                        // a well-formed line cut short at a random point: never counted
                        String l = String.format("%4d: 0100007F:8000 0100007F:0CEA 06 00000000:00000000 03:00000100 0", i);
                        sb.append(l, 0, random.nextInt(l.length() - 12)).append('\n');
                    }
                    case 3 -> {
                        byte[] noise = new byte[random.nextInt(200)];
                        random.nextBytes(noise);
                        sb.append(new String(noise, StandardCharsets.ISO_8859_1).replace('\n', ' ')).append('\n');
                    }
                    default -> sb.append(" ".repeat(random.nextInt(5000))).append('\n');
                }
            }
            ProcNetTcpParser.Counts counts = scan(sb.toString(), false, e);
            assertThat(counts.timeWaitClient()).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void aHugeLineOrFileDoesNotBreakTheParser() throws Exception {
        String good = "   1: 0100007F:D000 0100007F:0CEA 06 00000000:00000000 03:00001000 00000000     0        0 0 3 0\n";
        String huge = "x".repeat(3 << 20) + "\n";
        ProcNetTcpParser.Counts counts = scan(good + huge + good, false, endpoint(3306, "127.0.0.1"));
        assertThat(counts.timeWaitClient()).isEqualTo(2);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            many.append(good);
        }
        assertThat(scan(many.toString(), false, endpoint(3306, "127.0.0.1")).timeWaitClient()).isEqualTo(100_000);
    }

    private static ProcNetTcpParser.Counts scan(String content, boolean v6, Endpoint e) throws Exception {
        ProcNetTcpParser.Counts counts = new ProcNetTcpParser.Counts();
        // small reads so that lines straddle buffer refills
        InputStream in = new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 977));
            }
        };
        new ProcNetTcpParser().scan(in, v6, e, counts);
        return counts;
    }

    @Test
    void inodesOfEstablishedClientSocketsOnlyWhenAsked() throws Exception {
        CensusScanner scanner = new CensusScanner(sample("sample1"), endpoint(SAMPLE1_PORT, "127.0.0.1", "::1"));
        List<Long> inodes = new java.util.ArrayList<>();
        SocketCensus withSink = scanner.scan(inodes::add);
        // The three client-side sockets (remote port B3FF); the server side (local port B3FF) and TIME_WAIT are not passed.
        assertThat(inodes).containsExactlyInAnyOrder(18042L, 18044L, 18046L);
        assertThat(withSink.establishedClient()).isEqualTo(3);
        inodes.clear();
        scanner.scan();
        assertThat(inodes).as("a census without a sink sends nothing, and the sink does not stick").isEmpty();
    }

    @Test
    void inodeColumnOfAKnownLineAndMalformedTails() throws Exception {
        String good = "  16: 0100007F:B5FC 0100007F:0CEA 01 00000000:00000000 00:00000000 00000000  1000        0 987654321 1 0\n";
        String[] bad = {
                "  17: 0100007F:B5FE 0100007F:0CEA 01 00000000:00000000 00:00000000 00000000  1000        0\n",
                "  18: 0100007F:B600 0100007F:0CEA 01 00000000:00000000 00:00000000 00000000  1000        0 12x4 1 0\n",
                "  19: 0100007F:B602 0100007F:0CEA 01 00000000:00000000 00:00000000 00000000  1000\n",
                "  20: 0100007F:B604 0100007F:0CEA 01 00000000:00000000 00:00000000 00000000  1000        0 0 1 0\n",
                "  21: 0100007F:B606 0100007F:0CEA 01 00000000:00000000 00:00000000\n",
        };
        List<Long> inodes = new java.util.ArrayList<>();
        ProcNetTcpParser.Counts counts = new ProcNetTcpParser.Counts();
        counts.collectInodes(inodes::add);
        String all = good + String.join("", bad);
        new ProcNetTcpParser().scan(new ByteArrayInputStream(all.getBytes(StandardCharsets.ISO_8859_1)), false,
                endpoint(3306, "127.0.0.1"), counts);
        assertThat(inodes).containsExactly(987654321L);
        // a malformed inode column still counts the socket: the census never depends on it
        assertThat(counts.establishedClient()).isEqualTo(1 + bad.length);
    }

    @Test
    void inodeParsingSurvivesRandomTails() throws Exception {
        Random r = new Random(15);
        String head = "  16: 0100007F:B5FC 0100007F:0CEA 01 00000000:00000000 00:00000000 ";
        List<Long> inodes = new java.util.ArrayList<>();
        for (int n = 0; n < 20_000; n++) {
            byte[] tail = new byte[r.nextInt(60)];
            for (int i = 0; i < tail.length; i++) {
                tail[i] = (byte) " 0123456789ABCDEF\u0000\u00ff-x".charAt(r.nextInt(21));
            }
            ProcNetTcpParser.Counts counts = new ProcNetTcpParser.Counts();
            counts.collectInodes(inodes::add);
            byte[] line = (head + new String(tail, StandardCharsets.ISO_8859_1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
            new ProcNetTcpParser().scan(new ByteArrayInputStream(line), false, endpoint(3306, "127.0.0.1"), counts);
        }
        assertThat(inodes).allMatch(i -> i > 0);
    }
}
