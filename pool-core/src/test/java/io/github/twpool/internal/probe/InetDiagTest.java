package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The netlink request, kernel filter and reply parser on crafted bytes (runs on every Java version; the real kernel
 * is in {@link NetlinkCensusSideBySideIntegrationTest}): multi-part replies, NLMSG_ERROR, a failed dump, foreign sequence
 * numbers, malformed and short messages, and a fuzz that only ever ends in {@link NetlinkUnavailableException}.
 */
class InetDiagTest {

    private static final ByteOrder HOST = ByteOrder.nativeOrder();
    private static final int PORT = 3306;
    private static final int SEQ = 77;

    private static Endpoint endpoint(String... hosts) throws Exception {
        InetAddress[] a = new InetAddress[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            a[i] = InetAddress.getByName(hosts[i]);
        }
        return new Endpoint(hosts[0] + ":" + PORT, List.of(a), PORT);
    }

    @Test
    void theRequestAsksForTcpEstablishedAndTimeWaitWithTheFilter() throws Exception {
        InetDiag d = new InetDiag(endpoint("127.0.0.1"));
        byte[] r = d.request(InetDiag.AF_INET6);
        InetDiag.setSequence(r, 42);
        ByteBuffer b = ByteBuffer.wrap(r).order(HOST);
        assertThat(b.getInt(0)).isEqualTo(r.length);
        assertThat(b.getShort(4)).isEqualTo((short) 20);             // SOCK_DIAG_BY_FAMILY
        assertThat(b.getShort(6)).isEqualTo((short) 0x301);          // NLM_F_REQUEST | NLM_F_DUMP
        assertThat(b.getInt(8)).isEqualTo(42);
        assertThat(r[16]).isEqualTo((byte) 10);                      // AF_INET6
        assertThat(r[17]).isEqualTo((byte) 6);                       // IPPROTO_TCP
        assertThat(b.getInt(20)).isEqualTo((1 << 1) | (1 << 6));     // ESTABLISHED | TIME_WAIT
        byte[] filter = d.filter(InetDiag.AF_INET6);
        assertThat(b.getShort(72)).isEqualTo((short) (4 + filter.length));
        assertThat(b.getShort(74)).isEqualTo((short) 1);             // INET_DIAG_REQ_BYTECODE
        assertThat(r).hasSize(72 + 4 + filter.length);
    }

    @Test
    void theFilterIsAnOrOfHostConditionsWithJumpsTheKernelAccepts() throws Exception {
        // 127.0.0.1 in IPv6: ::ffff:127.0.0.1, then the local-port condition
        byte[] f = new InetDiag(endpoint("127.0.0.1")).filter(InetDiag.AF_INET6);
        ByteBuffer b = ByteBuffer.wrap(f).order(HOST);
        int d = 4 + 8 + 16;
        int s = 4 + 8;
        assertThat(f).hasSize(d + 4 + s);
        assertThat(f[0]).isEqualTo((byte) 8);                        // D_COND
        assertThat(f[1] & 0xff).isEqualTo(d);                        // yes: on to the JMP
        assertThat(b.getShort(2)).isEqualTo((short) (d + 4));        // no: past the JMP
        assertThat(f[4]).isEqualTo((byte) 10);                       // AF_INET6
        assertThat(f[5] & 0xff).isEqualTo(128);                      // prefix
        assertThat(b.getInt(8)).isEqualTo(PORT);
        assertThat(f[8 + 4 + 10]).isEqualTo((byte) 0xff);            // ::ffff:
        assertThat(f[8 + 4 + 12]).isEqualTo((byte) 127);
        assertThat(f[d]).isEqualTo((byte) 1);                        // JMP
        assertThat(b.getShort(d + 2)).isEqualTo((short) (4 + s));    // to the end: accept
        assertThat(f[d + 4]).isEqualTo((byte) 7);                    // S_COND
        assertThat(f[d + 4 + 4]).isEqualTo((byte) 0);               // any family
        assertThat(b.getShort(d + 4 + 2)).isEqualTo((short) (s + 4)); // last no: 4 past the end, reject
        // every op in the kernel's "yes" chain (inet_diag_bc_audit's valid_cc)
        int off = 0;
        while (off < f.length) {
            int yes = f[off + 1] & 0xff;
            assertThat(yes % 4).isZero();
            off += yes;
        }
        assertThat(off).isEqualTo(f.length);
    }

    @Test
    void aRemoteEndpointOfTheOtherFamilyMatchesNothing() throws Exception {
        // 192.0.2.10 (TEST-NET, only compared, never contacted) is not local: no server side, and no IPv6 address
        // is native, but IPv4-mapped ones are
        InetDiag d = new InetDiag(endpoint("192.0.2.10"));
        ByteBuffer v4 = ByteBuffer.wrap(d.filter(InetDiag.AF_INET)).order(HOST);
        assertThat(v4.capacity()).isEqualTo(16);
        assertThat(v4.getShort(2)).isEqualTo((short) 20);            // its "no" rejects
        assertThat(d.filter(InetDiag.AF_INET6)).hasSize(28);         // ::ffff:192.0.2.10
    }

    @Test
    void countsLikeTheProcParserAcrossAMultiPartReply() throws Exception {
        InetDiag d = new InetDiag(endpoint("127.0.0.1"));
        ProcNetTcpParser.Counts c = new ProcNetTcpParser.Counts();
        byte[] part1 = concat(
                diagMsg(SEQ, 10, 6, "::ffff:127.0.0.1", 40000, "::ffff:127.0.0.1", PORT, 59_999, 0), // client TW, 59 s
                diagMsg(SEQ, 10, 6, "::ffff:127.0.0.1", PORT, "::ffff:127.0.0.1", 40001, 0, 0),      // server TW, expired
                diagMsg(SEQ + 1, 10, 6, "::1", 1, "::ffff:127.0.0.1", PORT, 1000, 0));               // another dump's
        byte[] part2 = concat(
                diagMsg(SEQ, 10, 1, "::ffff:127.0.0.1", 40002, "::ffff:127.0.0.1", PORT, 0, 12345),  // client ESTABLISHED
                diagMsg(SEQ, 10, 1, "::1", 40003, "::1", PORT, 0, 12346),                            // not the endpoint
                header(16, InetDiag.NLMSG_NOOP, SEQ, 16),
                done(SEQ, 0));
        assertThat(d.parse(part1, part1.length, InetDiag.AF_INET6, SEQ, c)).isFalse();
        assertThat(d.parse(part2, part2.length, InetDiag.AF_INET6, SEQ, c)).isTrue();
        SocketCensus s = new SocketCensus(Instant.EPOCH, c.timeWaitClient(), c.timeWaitServer(), c.establishedClient(),
                c.establishedServer(), 0, c.lines(), c.clientBySecondsLeft(), c.serverBySecondsLeft(), "netlink");
        assertThat(s.timeWaitClient()).isEqualTo(1);
        assertThat(s.timeWaitServer()).isEqualTo(1);
        assertThat(s.establishedClient()).isEqualTo(1);
        assertThat(s.establishedServer()).isZero();
        assertThat(s.clientTimeWaitNewerThan(Duration.ofSeconds(1))).isEqualTo(1);  // 59 s left: 1 s old
        assertThat(s.serverTimeWaitNewerThan(Duration.ofSeconds(59))).isZero();     // 0 s left
        assertThat(s.serverTimeWaitNewerThan(Duration.ofSeconds(60))).isEqualTo(1);
        assertThat(c.lines()).isEqualTo(4);
    }

    @Test
    void anErrorReplyADumpFailureOrAMalformedMessageThrowsWithTheReason() throws Exception {
        InetDiag d = new InetDiag(endpoint("127.0.0.1"));
        ProcNetTcpParser.Counts c = new ProcNetTcpParser.Counts();
        byte[] eperm = concat(header(36, InetDiag.NLMSG_ERROR, SEQ, 36), new byte[0]);
        ByteBuffer.wrap(eperm).order(HOST).putInt(16, -1);
        assertThatThrownBy(() -> d.parse(eperm, eperm.length, 10, SEQ, c))
                .isInstanceOf(NetlinkUnavailableException.class).hasMessageContaining("EPERM")
                .extracting(e -> ((NetlinkUnavailableException) e).errno()).isEqualTo(1);
        byte[] ack = header(36, InetDiag.NLMSG_ERROR, SEQ, 36);
        assertThat(d.parse(ack, ack.length, 10, SEQ, c)).isFalse(); // error 0: an acknowledgement
        byte[] failedDump = done(SEQ, -22);
        assertThatThrownBy(() -> d.parse(failedDump, failedDump.length, 10, SEQ, c))
                .hasMessageContaining("EINVAL");
        byte[] tooLong = header(100, InetDiag.SOCK_DIAG_BY_FAMILY, SEQ, 40);
        assertThatThrownBy(() -> d.parse(tooLong, tooLong.length, 10, SEQ, c)).hasMessageContaining("nlmsg_len 100");
        byte[] tooShort = header(12, InetDiag.SOCK_DIAG_BY_FAMILY, SEQ, 16);
        assertThatThrownBy(() -> d.parse(tooShort, tooShort.length, 10, SEQ, c)).hasMessageContaining("nlmsg_len 12");
        byte[] shortMsg = header(40, InetDiag.SOCK_DIAG_BY_FAMILY, SEQ, 40);
        assertThatThrownBy(() -> d.parse(shortMsg, shortMsg.length, 10, SEQ, c)).hasMessageContaining("short inet_diag_msg");
        byte[] wrongFamily = diagMsg(SEQ, 2, 6, "127.0.0.1", 1, "127.0.0.1", PORT, 0, 0);
        assertThatThrownBy(() -> d.parse(wrongFamily, wrongFamily.length, 10, SEQ, c)).hasMessageContaining("family 2");
        byte[] trailing = concat(done(SEQ + 5, 0), new byte[7]);
        assertThatThrownBy(() -> d.parse(trailing, trailing.length, 10, SEQ, c)).hasMessageContaining("less than a header");
    }

    @Test
    void fuzzedRepliesEndInAReasonNeverAnotherException() throws Exception {
        InetDiag d = new InetDiag(endpoint("127.0.0.1", "::1"));
        Random random = new Random(17);
        byte[] good = concat(
                diagMsg(SEQ, 10, 6, "::ffff:127.0.0.1", 40000, "::ffff:127.0.0.1", PORT, 30_000, 0),
                diagMsg(SEQ, 10, 1, "::1", PORT, "::1", 40001, 0, 99),
                done(SEQ, 0));
        for (int i = 0; i < 20_000; i++) {
            byte[] b = good.clone();
            int flips = 1 + random.nextInt(8);
            for (int k = 0; k < flips; k++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            int length = random.nextInt(5) == 0 ? random.nextInt(b.length + 1) : b.length;
            ProcNetTcpParser.Counts c = new ProcNetTcpParser.Counts();
            try {
                d.parse(b, length, 10, SEQ, c);
            } catch (NetlinkUnavailableException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
            assertThat(c.lines()).isLessThanOrEqualTo(length / (16 + 72));
        }
    }

    // --- reply builders ---

    private static byte[] header(int len, int type, int seq, int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(HOST);
        b.putInt(0, len).putShort(4, (short) type).putShort(6, (short) InetDiag.NLM_F_MULTI).putInt(8, seq);
        return b.array();
    }

    private static byte[] done(int seq, int status) {
        byte[] b = header(20, InetDiag.NLMSG_DONE, seq, 20);
        ByteBuffer.wrap(b).order(HOST).putInt(16, status);
        return b;
    }

    @Test
    void theClientRequestAsksForSynSentAndEstablishedToTheEndpointOnly() throws Exception {
        InetDiag d = new InetDiag(endpoint("127.0.0.1"));
        byte[] r = d.clientRequest(InetDiag.AF_INET);
        ByteBuffer b = ByteBuffer.wrap(r).order(HOST);
        assertThat(b.getInt(20)).isEqualTo((1 << 1) | (1 << 2));     // ESTABLISHED | SYN_SENT
        byte[] filter = d.clientFilter(InetDiag.AF_INET);
        // one condition: remote 127.0.0.1:3306; no local-port condition even though the endpoint is local
        assertThat(filter).hasSize(4 + 8 + 4);
        assertThat(filter[0]).isEqualTo((byte) InetDiag.INET_DIAG_BC_D_COND);
        assertThat(ByteBuffer.wrap(filter).order(HOST).getInt(8)).isEqualTo(PORT);
        assertThat(r).hasSize(72 + 4 + filter.length);
    }

    @Test
    void parsesClientSocketsWithUidInodeAndCgroupId() throws Exception {
        InetDiag d = new InetDiag(endpoint("127.0.0.1"));
        byte[] established = diagMsg(SEQ, 2, 1, "127.0.0.1", 40000, "127.0.0.1", PORT, 0, 777);
        ByteBuffer.wrap(established).order(HOST).putInt(16 + 64, 1000);              // idiag_uid
        byte[] withCgroup = concat(established, new byte[0]);
        // a second message: SYN_SENT, uid 0, with an INET_DIAG_CGROUP_ID attribute (u64) after the shutdown one
        byte[] syn = diagMsg(SEQ, 2, 2, "127.0.0.1", 40001, "127.0.0.1", PORT, 0, 778);
        byte[] synCg = new byte[syn.length + 12];
        System.arraycopy(syn, 0, synCg, 0, syn.length);
        ByteBuffer sb = ByteBuffer.wrap(synCg).order(HOST);
        sb.putInt(0, synCg.length);
        sb.putShort(syn.length, (short) 12).putShort(syn.length + 2, (short) InetDiag.INET_DIAG_CGROUP_ID)
                .putLong(syn.length + 4, 4242L);
        byte[] closed = diagMsg(SEQ, 2, 1, "127.0.0.1", 40002, "127.0.0.1", PORT, 0, 0);      // no owner any more
        byte[] other = diagMsg(SEQ, 2, 1, "127.0.0.1", 40003, "127.0.0.1", PORT + 1, 0, 779); // another port
        byte[] all = concat(withCgroup, synCg, closed, other, done(SEQ, 0));
        java.util.List<long[]> got = new java.util.ArrayList<>();
        assertThat(d.parseClients(all, all.length, InetDiag.AF_INET, SEQ,
                (inode, uid, cgroup, connecting) -> got.add(new long[] {inode, uid, cgroup, connecting ? 1 : 0}))).isTrue();
        assertThat(got).hasSize(2);
        assertThat(got.get(0)).containsExactly(777, 1000, ClientSocketSink.NO_CGROUP, 0);
        assertThat(got.get(1)).containsExactly(778, 0, 4242, 1);
    }

    @Test
    void theClientRequestForBothFamiliesIsOneCompatDumpWithAConditionPerFamily() throws Exception {
        // One walk of the kernel's TCP table instead of one per family: TCPDIAG_GETSOCK with inet_diag_req, whose
        // idiag_states sit after the socket id, and a filter whose conditions name their family.
        InetDiag d = new InetDiag(endpoint("127.0.0.1"));
        byte[] r = d.clientRequestBothFamilies();
        InetDiag.setSequence(r, 43);
        ByteBuffer b = ByteBuffer.wrap(r).order(HOST);
        assertThat(b.getInt(0)).isEqualTo(r.length);
        assertThat(b.getShort(4)).isEqualTo((short) 18);             // TCPDIAG_GETSOCK
        assertThat(b.getShort(6)).isEqualTo((short) 0x301);          // NLM_F_REQUEST | NLM_F_DUMP
        assertThat(b.getInt(8)).isEqualTo(43);
        assertThat(b.getInt(16 + 52)).isEqualTo((1 << 1) | (1 << 2)); // ESTABLISHED | SYN_SENT
        assertThat(b.getInt(16 + 56)).isZero();                      // idiag_dbs
        byte[] f = d.clientFilterBothFamilies();
        assertThat(b.getShort(76)).isEqualTo((short) (4 + f.length));
        assertThat(b.getShort(78)).isEqualTo((short) 1);             // INET_DIAG_REQ_BYTECODE
        assertThat(r).hasSize(16 + 60 + 4 + f.length);
        // 127.0.0.1:3306 for IPv4 sockets, then ::ffff:127.0.0.1:3306 for IPv6 ones (Java's dual-stack sockets)
        int v4 = 4 + 8 + 4;
        int v6 = 4 + 8 + 16;
        ByteBuffer fb = ByteBuffer.wrap(f).order(HOST);
        assertThat(f).hasSize(v4 + 4 + v6);
        assertThat(f[0]).isEqualTo((byte) InetDiag.INET_DIAG_BC_D_COND);
        assertThat(f[4]).isEqualTo((byte) InetDiag.AF_INET);
        assertThat(fb.getShort(2)).isEqualTo((short) (v4 + 4));      // no: past the JMP, to the IPv6 condition
        assertThat(f[v4]).isEqualTo((byte) InetDiag.INET_DIAG_BC_JMP);
        assertThat(f[v4 + 4]).isEqualTo((byte) InetDiag.INET_DIAG_BC_D_COND);
        assertThat(f[v4 + 4 + 4]).isEqualTo((byte) InetDiag.AF_INET6);
        assertThat(f[v4 + 4 + 12 + 10]).isEqualTo((byte) 0xff);     // ::ffff:
        assertThat(fb.getShort(v4 + 4 + 2)).isEqualTo((short) (v6 + 4)); // last no: reject
    }

    @Test
    void theRepliesToTheCompatDumpCarryEitherFamily() throws Exception {
        InetDiag d = new InetDiag(endpoint("127.0.0.1"));
        byte[] v4 = diagMsg(SEQ, 2, 1, "127.0.0.1", 40000, "127.0.0.1", PORT, 0, 801);
        byte[] v6 = diagMsg(SEQ, 10, 2, "127.0.0.1", 40001, "127.0.0.1", PORT, 0, 802);   // ::ffff:127.0.0.1
        byte[] elsewhere = diagMsg(SEQ, 10, 1, "::1", 40002, "::1", PORT, 0, 803);      // not the endpoint
        for (byte[] m : List.of(v4, v6, elsewhere)) {
            ByteBuffer.wrap(m).order(HOST).putShort(4, (short) InetDiag.TCPDIAG_GETSOCK);
        }
        byte[] all = concat(v4, v6, elsewhere, done(SEQ, 0));
        java.util.List<Long> got = new java.util.ArrayList<>();
        assertThat(d.parseClients(all, all.length, InetDiag.AF_UNSPEC, SEQ, (inode, uid, cgroup, connecting) -> got.add(inode)))
                .isTrue();
        assertThat(got).containsExactly(801L, 802L);
        // a family that is neither is a malformed reply, not a socket
        byte[] odd = diagMsg(SEQ, 7, 1, "127.0.0.1", 40000, "127.0.0.1", PORT, 0, 804);
        assertThatThrownBy(() -> d.parseClients(odd, odd.length, InetDiag.AF_UNSPEC, SEQ, (i, u, c, s) -> { }))
                .isInstanceOf(NetlinkUnavailableException.class).hasMessageContaining("family 7");
    }

    @Test
    void theCensusForBothFamiliesIsOneCompatDumpCountedAsTheTwoDumpsWere() throws Exception {
        // The probe's census every tick: one walk of the kernel's TCP table instead of two (IPv4, then IPv6), with
        // the states and the filter of the per-family requests, server side included for a local database.
        InetDiag d = new InetDiag(endpoint("127.0.0.1"));
        byte[] r = d.requestBothFamilies();
        ByteBuffer b = ByteBuffer.wrap(r).order(HOST);
        assertThat(b.getShort(4)).isEqualTo((short) InetDiag.TCPDIAG_GETSOCK);
        assertThat(b.getInt(16 + 52)).isEqualTo((1 << 1) | (1 << 6)); // ESTABLISHED | TIME_WAIT
        byte[] v4Filter = d.filter(InetDiag.AF_INET);
        byte[] v6Filter = d.filter(InetDiag.AF_INET6);
        // a condition per family and one for the server side (local port), which each per-family filter also has
        int serverSide = 4 + 8;
        assertThat(b.getShort(76) - 4).isEqualTo(v4Filter.length + v6Filter.length - serverSide);
        assertThat(r[r.length - serverSide]).isEqualTo((byte) InetDiag.INET_DIAG_BC_S_COND);

        ProcNetTcpParser.Counts one = new ProcNetTcpParser.Counts();
        byte[][] msgs = {
                diagMsg(SEQ, 2, 6, "127.0.0.1", 40000, "127.0.0.1", PORT, 59_999, 0),              // v4 client TW
                diagMsg(SEQ, 2, 1, "127.0.0.1", PORT, "127.0.0.1", 40001, 0, 901),                 // v4 server ESTABLISHED
                diagMsg(SEQ, 10, 1, "::ffff:127.0.0.1", 40002, "::ffff:127.0.0.1", PORT, 0, 902),  // v6 client ESTABLISHED
                diagMsg(SEQ, 10, 6, "::1", 40003, "::1", PORT, 30_000, 0)};                        // v6, not the endpoint
        for (byte[] m : msgs) {
            ByteBuffer.wrap(m).order(HOST).putShort(4, (short) InetDiag.TCPDIAG_GETSOCK);
        }
        byte[] all = concat(concat(msgs), done(SEQ, 0));
        java.util.List<Long> inodes = new java.util.ArrayList<>();
        one.collectInodes(inodes::add);
        assertThat(d.parse(all, all.length, InetDiag.AF_UNSPEC, SEQ, one)).isTrue();
        assertThat(one.timeWaitClient()).isEqualTo(1);
        assertThat(one.establishedServer()).isEqualTo(1);
        assertThat(one.establishedClient()).isEqualTo(1);
        assertThat(one.timeWaitServer()).isZero();
        assertThat(inodes).containsExactly(902L);
        assertThat(one.lines()).isEqualTo(4);
        // a family that is neither is a malformed reply
        byte[] odd = diagMsg(SEQ, 7, 1, "127.0.0.1", 40000, "127.0.0.1", PORT, 0, 804);
        assertThatThrownBy(() -> d.parse(odd, odd.length, InetDiag.AF_UNSPEC, SEQ, new ProcNetTcpParser.Counts()))
                .isInstanceOf(NetlinkUnavailableException.class).hasMessageContaining("family 7");
    }

    @Test
    void aMalformedAttributeInAClientReplyThrows() throws Exception {
        InetDiag d = new InetDiag(endpoint("127.0.0.1"));
        byte[] m = diagMsg(SEQ, 2, 1, "127.0.0.1", 40000, "127.0.0.1", PORT, 0, 777);
        ByteBuffer.wrap(m).order(HOST).putShort(16 + 72, (short) 200); // rtattr longer than the message
        assertThatThrownBy(() -> d.parseClients(m, m.length, InetDiag.AF_INET, SEQ, (i, u, c, s) -> { }))
                .isInstanceOf(NetlinkUnavailableException.class).hasMessageContaining("rtattr");
    }

    /** One SOCK_DIAG_BY_FAMILY message with an inet_diag_msg and a trailing attribute, as the kernel sends them. */
    private static byte[] diagMsg(int seq, int family, int state, String src, int sport, String dst, int dport,
                                  int expiresMs, int inode) throws Exception {
        int len = 16 + 72 + 8;
        byte[] b = header(len, InetDiag.SOCK_DIAG_BY_FAMILY, seq, len);
        ByteBuffer buf = ByteBuffer.wrap(b).order(HOST);
        int m = 16;
        b[m] = (byte) family;
        b[m + 1] = (byte) state;
        buf.order(ByteOrder.BIG_ENDIAN).putShort(m + 4, (short) sport).putShort(m + 6, (short) dport).order(HOST);
        put(b, m + 8, src, family);
        put(b, m + 24, dst, family);
        buf.putInt(m + 52, expiresMs);
        buf.putInt(m + 68, inode);
        buf.putShort(m + 72, (short) 5).putShort(m + 74, (short) 8); // INET_DIAG_SHUTDOWN, padded
        return b;
    }

    private static void put(byte[] b, int off, String address, int family) throws Exception {
        byte[] a = InetAddress.getByName(address).getAddress();
        if (family == 10 && a.length == 4) { // Java turns ::ffff:a.b.c.d into an IPv4 address
            b[off + 10] = (byte) 0xff;
            b[off + 11] = (byte) 0xff;
            System.arraycopy(a, 0, b, off + 12, 4);
        } else {
            System.arraycopy(a, 0, b, off, a.length);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
