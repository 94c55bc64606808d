package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The netlink census and the {@code /proc} census on the same real sockets must be identical, and {@code ss} agrees
 * with both: IPv4 sockets, IPv6 sockets, IPv4-mapped IPv6 sockets; client side and server side; TIME_WAIT with its
 * age histogram, and ESTABLISHED. Each case has a listener on a port of its own, so other traffic on the host does
 * not matter.
 *
 * <p>Runs in the {@code pool-core-java22} module (JDK 22+, the packaged multi-release jar,
 * {@code --enable-native-access=ALL-UNNAMED}); under Java 17 it is reported as skipped with the reason.
 */
class NetlinkCensusSideBySideIntegrationTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void needsJava22() {
        // per test, not per class: each test is then reported as skipped with this reason, never as 0 tests run
        CensusMethodTest.assumeJava22Execution();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void ipv4SocketsClientAndServerSide() throws Exception {
        sideBySide(StandardProtocolFamily.INET, "127.0.0.1", 31, 17, 5);
    }

    @Test
    void ipv6SocketsClientAndServerSide() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/net/tcp6")), "IPv6 is disabled on this host");
        sideBySide(StandardProtocolFamily.INET6, "::1", 23, 13, 4);
    }

    @Test
    void ipv4MappedSocketsClientAndServerSide() throws Exception {
        // AF_INET6 sockets to and from 127.0.0.1: listed in tcp6 as ::ffff:127.0.0.1 (what Java does by default)
        assumeTrue(Files.exists(Path.of("/proc/net/tcp6")), "IPv6 is disabled on this host");
        sideBySide(StandardProtocolFamily.INET6, "127.0.0.1", 19, 11, 3);
    }

    @Test
    void anotherLocalAddressOnTheSamePortCountsOnlyTheServerSide() throws Exception {
        // clients connected to 127.0.0.1 are not clients of 127.0.0.2; the sockets on the local port are its server side
        Case c = churn(StandardProtocolFamily.INET, "127.0.0.1", 7, 5, 2);
        Endpoint otherAddress = new Endpoint("127.0.0.2:" + c.port, List.of(InetAddress.getByName("127.0.0.2")), c.port);
        SocketCensus[] both = stableSideBySide(otherAddress);
        assertThat(both[0].timeWaitClient()).isZero();
        assertThat(both[0].timeWaitServer()).isEqualTo(5);
        assertThat(both[0].establishedServer()).isEqualTo(2);
        assertIdentical(both[1], both[0]);
    }

    @Test
    void establishedInodesAreThoseOfProcAndOfThisProcessSockets() throws Exception {
        Case c = churn(StandardProtocolFamily.INET6, "127.0.0.1", 0, 0, 3);
        CensusSource netlink = AutoCensus.netlink(Endpoint.resolve("127.0.0.1", c.port));
        Set<Long> fromNetlink = new TreeSet<>();
        ((InetDiag) field(netlink, "diag")).establishedInodes = fromNetlink::add;
        SocketCensus n = netlink.scan();
        assertThat(n.established()).isEqualTo(6);
        // /proc/net/tcp6, column 10: the inode of each ESTABLISHED (01) socket on the port, either side
        Set<Long> fromProc = new TreeSet<>();
        String portHex = String.format("%04X", c.port);
        for (String line : Files.readAllLines(Path.of("/proc/net/tcp6"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 9 && f[3].equals("01") && (f[1].endsWith(":" + portHex) || f[2].endsWith(":" + portHex))) {
                fromProc.add(Long.parseLong(f[9]));
            }
        }
        assertThat(fromNetlink).hasSize(6).isEqualTo(fromProc);
        // and they are this process's sockets: /proc/self/fd/N -> socket:[inode]
        Set<Long> own = new TreeSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        own.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // the directory stream's own descriptor
                }
            }
        }
        assertThat(own).containsAll(fromNetlink);
    }

    @Test
    void aRequestTheKernelRefusesEndsInItsErrnoAndTheFallbackToProc() throws Exception {
        Case c = churn(StandardProtocolFamily.INET, "127.0.0.1", 3, 2, 1);
        Endpoint endpoint = Endpoint.resolve("127.0.0.1", c.port);
        CensusSource netlink = AutoCensus.netlink(endpoint);
        // The first filter op's "yes" jump: not a multiple of 4, inet_diag_bc_audit refuses. In the one-walk request
        // for both families (refused, it gives way to a request per family) and in the IPv4 one.
        byte[] both = (byte[]) field(netlink, "requestBoth");
        both[16 + 60 + 4 + 1] = 3;
        byte[] request = (byte[]) field(netlink, "requestV4");
        request[16 + 56 + 4 + 1] = 3;
        AutoCensus census = new AutoCensus(new CensusScanner(Path.of("/proc"), endpoint), netlink, null);
        SocketCensus s = census.scan();
        assertThat(census.procReason()).isEqualTo("netlink failed: SOCK_DIAG_BY_FAMILY request failed: EINVAL");
        assertThat(s.method()).isEqualTo("proc");
        assertThat(s.timeWaitClient()).isEqualTo(3);
        assertThat(s.timeWaitServer()).isEqualTo(2);
    }

    /** A field of the Java 22 scanner, which this Java 17 test code cannot name. */
    private static Object field(CensusSource netlink, String name) throws ReflectiveOperationException {
        Field f = netlink.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(netlink);
    }

    private void sideBySide(StandardProtocolFamily family, String host, int clientTw, int serverTw, int established)
            throws Exception {
        Case c = churn(family, host, clientTw, serverTw, established);
        Endpoint endpoint = Endpoint.resolve(host, c.port);
        SocketCensus[] both = stableSideBySide(endpoint);
        SocketCensus proc = both[0];
        SocketCensus netlink = both[1];
        assertThat(proc.method()).isEqualTo("proc");
        assertThat(netlink.method()).isEqualTo("netlink");
        assertThat(proc.timeWaitClient()).isEqualTo(clientTw);
        assertThat(proc.timeWaitServer()).isEqualTo(serverTw);
        assertThat(proc.establishedClient()).isEqualTo(established);
        assertThat(proc.establishedServer()).isEqualTo(established);
        assertIdentical(netlink, proc);
        // ss, the oracle, on the same sockets
        assertThat(Ss.count("time-wait", "dport = :" + c.port)).isEqualTo(netlink.timeWaitClient());
        assertThat(Ss.count("time-wait", "sport = :" + c.port)).isEqualTo(netlink.timeWaitServer());
        assertThat(Ss.count("established", "dport = :" + c.port)).isEqualTo(netlink.establishedClient());
        assertThat(Ss.count("established", "sport = :" + c.port)).isEqualTo(netlink.establishedServer());
        // the kernel filter let through the endpoint's sockets only
        assertThat(netlink.linesScanned()).isEqualTo(clientTw + serverTw + 2 * established);
    }

    static void assertIdentical(SocketCensus netlink, SocketCensus proc) {
        assertThat(netlink.timeWaitClient()).as("time_wait client").isEqualTo(proc.timeWaitClient());
        assertThat(netlink.timeWaitServer()).as("time_wait server").isEqualTo(proc.timeWaitServer());
        assertThat(netlink.establishedClient()).as("established client").isEqualTo(proc.establishedClient());
        assertThat(netlink.establishedServer()).as("established server").isEqualTo(proc.establishedServer());
        for (int s = 0; s <= SocketCensus.TIME_WAIT_SECONDS; s++) {
            Duration w = Duration.ofSeconds(s);
            assertThat(netlink.clientTimeWaitNewerThan(w)).as("client TIME_WAIT newer than %d s", s)
                    .isEqualTo(proc.clientTimeWaitNewerThan(w));
            assertThat(netlink.serverTimeWaitNewerThan(w)).as("server TIME_WAIT newer than %d s", s)
                    .isEqualTo(proc.serverTimeWaitNewerThan(w));
        }
    }

    /**
     * {proc, netlink} taken proc, netlink, proc: ages tick down between reads, so a socket may cross a whole second
     * between two scans. When both /proc reads agree, nothing crossed meanwhile and the netlink read between them must
     * equal them exactly; retried until the /proc reads agree.
     */
    static SocketCensus[] stableSideBySide(Endpoint endpoint) throws Exception {
        CensusScanner proc = new CensusScanner(Path.of("/proc"), endpoint);
        CensusSource netlink = AutoCensus.netlink(endpoint);
        for (int attempt = 0; attempt < 20; attempt++) {
            SocketCensus before = proc.scan();
            SocketCensus n = netlink.scan();
            SocketCensus after = proc.scan();
            if (same(before, after)) {
                return new SocketCensus[]{before, n};
            }
        }
        throw new AssertionError("two /proc scans back to back never agreed in 20 attempts");
    }

    private static boolean same(SocketCensus a, SocketCensus b) {
        if (a.timeWaitClient() != b.timeWaitClient() || a.timeWaitServer() != b.timeWaitServer()
                || a.establishedClient() != b.establishedClient() || a.establishedServer() != b.establishedServer()) {
            return false;
        }
        for (int s = 0; s <= SocketCensus.TIME_WAIT_SECONDS; s++) {
            Duration w = Duration.ofSeconds(s);
            if (a.clientTimeWaitNewerThan(w) != b.clientTimeWaitNewerThan(w)
                    || a.serverTimeWaitNewerThan(w) != b.serverTimeWaitNewerThan(w)) {
                return false;
            }
        }
        return true;
    }

    record Case(int port) {
    }

    /**
     * A listener on a port no socket uses: with SO_REUSEADDR (Java's default) bind may hand out a port whose
     * TIME_WAIT sockets from an earlier test, or another process, are still there for up to 60 s.
     */
    private ServerSocketChannel freshListener(StandardProtocolFamily family, String host) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            ServerSocketChannel listener = ServerSocketChannel.open(family);
            listener.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 200);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            Endpoint any = new Endpoint("any:" + port, List.of(InetAddress.getByName("127.0.0.1"),
                    InetAddress.getByName("::1")), port);
            SocketCensus c = new CensusScanner(Path.of("/proc"), any).scan();
            if (c.timeWait() == 0 && c.established() == 0) {
                open.add(listener);
                return listener;
            }
            listener.close();
        }
        throw new IllegalStateException("no loopback port without leftover sockets in 50 attempts");
    }

    /**
     * A listener of {@code family} on {@code host}, then: {@code clientTw} connections the client closes first
     * (TIME_WAIT client side), {@code serverTw} the server closes first (server side), {@code established} kept open.
     * Clients use the same family, so 127.0.0.1 with INET6 gives IPv4-mapped sockets on both ends.
     */
    private Case churn(StandardProtocolFamily family, String host, int clientTw, int serverTw, int established)
            throws IOException {
        ServerSocketChannel listener = freshListener(family, host);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host),
                ((InetSocketAddress) listener.getLocalAddress()).getPort());
        ByteBuffer one = ByteBuffer.allocate(1);
        for (int i = 0; i < clientTw + serverTw; i++) {
            try (SocketChannel client = SocketChannel.open(family)) {
                client.connect(target);
                try (SocketChannel server = listener.accept()) {
                    boolean clientFirst = i < clientTw;
                    (clientFirst ? client : server).close();
                    one.clear();
                    // wait for the FIN: the other side closes second and does not linger in TIME_WAIT
                    assertThat((clientFirst ? server : client).read(one)).isEqualTo(-1);
                }
            }
        }
        for (int i = 0; i < established; i++) {
            SocketChannel client = SocketChannel.open(family);
            open.add(client);
            client.connect(target);
            open.add(listener.accept());
        }
        return new Case(target.getPort());
    }
}
