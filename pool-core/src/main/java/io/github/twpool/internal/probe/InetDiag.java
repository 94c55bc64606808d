package io.github.twpool.internal.probe;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The bytes of netlink sock_diag for TCP: the {@code SOCK_DIAG_BY_FAMILY} dump request with its kernel-side filter,
 * and the parser of the replies into {@link ProcNetTcpParser.Counts} by the {@code /proc} parser's rules. Plain Java
 * (no native calls), so it is tested and fuzzed on every Java version; {@code NetlinkCensusScanner} (Java 22+) only
 * moves these bytes through the socket. Layouts from linux/netlink.h, sock_diag.h and inet_diag.h; multi-byte
 * netlink fields are in host order, ports and addresses in network order. Not thread-safe: one per scanner.
 */
final class InetDiag {

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int IPPROTO_TCP = 6;

    static final int NLMSG_HDRLEN = 16;
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int SOCK_DIAG_BY_FAMILY = 20;
    /** The compat request (inet_diag_req): the kernel dumps it with no family, IPv4 and IPv6 in one walk. */
    static final int TCPDIAG_GETSOCK = 18;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_DUMP = 0x300;
    static final int INET_DIAG_REQ_BYTECODE = 1;
    static final int INET_DIAG_BC_JMP = 1;
    static final int INET_DIAG_BC_S_COND = 7;
    static final int INET_DIAG_BC_D_COND = 8;

    static final int TCP_ESTABLISHED = 1;
    static final int TCP_SYN_SENT = 2;
    static final int TCP_TIME_WAIT = 6;
    /** idiag_states of the client-socket sampler: sockets that still have an owner, connecting or connected. */
    static final int CLIENT_STATES = (1 << TCP_ESTABLISHED) | (1 << TCP_SYN_SENT);
    /** The rtattr after inet_diag_msg carrying the socket's cgroup v2 id (u64; Linux 5.7+, sent unasked). */
    static final int INET_DIAG_CGROUP_ID = 21;
    /** idiag_states: the bit of each state asked for. */
    static final int STATES = (1 << TCP_ESTABLISHED) | (1 << TCP_TIME_WAIT);

    static final int REQ_V2_LEN = 56;
    /** inet_diag_req: family, src_len, dst_len, ext, sockid (48), states, dbs. */
    static final int REQ_V1_LEN = 60;
    /** inet_diag_msg: family, state, timer, retrans, sockid (48), expires, rqueue, wqueue, uid, inode. */
    static final int DIAG_MSG_LEN = 72;
    static final int MSG_SPORT = 4;
    static final int MSG_DPORT = 6;
    static final int MSG_DST = 24;
    static final int MSG_EXPIRES = 52;
    static final int MSG_UID = 64;
    static final int MSG_INODE = 68;

    private static final ByteOrder HOST = ByteOrder.nativeOrder();

    private final int port;
    private final boolean local;
    private final byte[][] v4Addresses;
    private final byte[][] v6Addresses; // native and IPv4-mapped, as /proc/net/tcp6 would show them
    /** Receives the inode of each ESTABLISHED socket counted, or null; set by tests that check idiag_inode. */
    LongConsumer establishedInodes;

    InetDiag(Endpoint endpoint) {
        this.port = endpoint.port();
        this.local = endpoint.local();
        List<byte[]> v4 = new ArrayList<>();
        List<byte[]> v6 = new ArrayList<>();
        for (InetAddress a : endpoint.addresses()) {
            byte[] b = a.getAddress();
            if (a instanceof Inet4Address) {
                v4.add(b);
                v6.add(mapped(b));
            } else if (a instanceof Inet6Address) {
                v6.add(b);
            }
        }
        this.v4Addresses = v4.toArray(new byte[0][]);
        this.v6Addresses = v6.toArray(new byte[0][]);
    }

    /**
     * {@code nlmsghdr} + {@code inet_diag_req_v2} (TCP, ESTABLISHED and TIME_WAIT) + the {@link #filter} attribute;
     * {@link #setSequence} before each send.
     */
    byte[] request(int family) {
        return request(family, STATES, filter(family));
    }

    /**
     * The client-socket sampler's request: SYN_SENT and ESTABLISHED sockets whose remote end is the endpoint (the
     * {@link #clientFilter}), each reported with its uid, inode and, where the kernel has cgroup v2, its cgroup id.
     */
    byte[] clientRequest(int family) {
        return request(family, CLIENT_STATES, clientFilter(family));
    }

    /**
     * The client-socket sampler's request for both address families at once: a {@code SOCK_DIAG_BY_FAMILY} dump names
     * one family, and each dump walks the kernel's whole TCP hash table (milliseconds on a host with a large one), so
     * IPv4 and IPv6 cost two walks; the compat {@code TCPDIAG_GETSOCK} request is dumped with no family, both in one
     * walk, with the same states, filter ({@link #clientFilterBothFamilies}) and reply records (of its own type).
     */
    byte[] clientRequestBothFamilies() {
        return compatRequest(CLIENT_STATES, clientFilterBothFamilies());
    }

    /**
     * The census's {@link #request} for both address families in one walk of the kernel's TCP hash table, as
     * {@link #clientRequestBothFamilies} does for the client sampler: ESTABLISHED and TIME_WAIT sockets through the
     * {@link #filter} of both families. Its replies are parsed with {@link #AF_UNSPEC}.
     */
    byte[] requestBothFamilies() {
        return compatRequest(STATES, or(List.of(AF_INET, AF_INET6), local));
    }

    /** {@code nlmsghdr} + {@code inet_diag_req} (the compat request, dumped with no family) + the bytecode attribute. */
    private static byte[] compatRequest(int states, byte[] bytecode) {
        int attrLen = 4 + bytecode.length;
        int total = NLMSG_HDRLEN + REQ_V1_LEN + attrLen;
        ByteBuffer r = ByteBuffer.allocate(total).order(HOST);
        r.putInt(total).putShort((short) TCPDIAG_GETSOCK).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
                .putInt(0).putInt(0);
        r.put((byte) AF_INET); // idiag_family: a compat dump ignores it (AF_UNSPEC)
        r.position(NLMSG_HDRLEN + 4 + 48); // inet_diag_sockid: zeros, no socket named
        r.putInt(states).putInt(0); // idiag_states, idiag_dbs
        r.putShort((short) attrLen).putShort((short) INET_DIAG_REQ_BYTECODE).put(bytecode);
        return r.array();
    }

    private static byte[] request(int family, int states, byte[] bytecode) {
        int attrLen = 4 + bytecode.length;
        int total = NLMSG_HDRLEN + REQ_V2_LEN + attrLen;
        ByteBuffer r = ByteBuffer.allocate(total).order(HOST);
        r.putInt(total).putShort((short) SOCK_DIAG_BY_FAMILY).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
                .putInt(0).putInt(0);
        r.put((byte) family).put((byte) IPPROTO_TCP).put((byte) 0).put((byte) 0).putInt(states);
        r.position(NLMSG_HDRLEN + REQ_V2_LEN); // inet_diag_sockid: zeros, no socket named
        r.putShort((short) attrLen).putShort((short) INET_DIAG_REQ_BYTECODE).put(bytecode);
        return r.array();
    }

    static void setSequence(byte[] request, int seq) {
        ByteBuffer.wrap(request).order(HOST).putInt(8, seq);
    }

    /**
     * The kernel-side filter, laid out as {@code ss} compiles an OR (inet_diag_bc_audit accepts it): each condition's
     * "yes" goes on to a JMP to the end (accept), its "no" skips that JMP to the next condition; the last condition's
     * "no" jumps 4 bytes past the end (reject). Conditions: remote address = an endpoint address and remote port =
     * the port; when the database is local, also local port = the port (any address). It only narrows what the kernel
     * sends: {@link #parse} classifies exactly as the /proc parser does.
     */
    byte[] filter(int family) {
        return or(family, local);
    }

    /** As {@link #filter}, without the server side: only remote address = an endpoint address and port = its port. */
    byte[] clientFilter(int family) {
        return or(family, false);
    }

    /**
     * {@link #clientFilter} of both families in one: each condition names its family, so an IPv4 socket is compared
     * with the IPv4 addresses and an IPv6 one with the IPv6 addresses (IPv4-mapped included).
     */
    byte[] clientFilterBothFamilies() {
        return or(List.of(AF_INET, AF_INET6), false);
    }

    private byte[] or(int family, boolean serverSide) {
        return or(List.of(family), serverSide);
    }

    private byte[] or(List<Integer> families, boolean serverSide) {
        List<byte[]> conditions = new ArrayList<>();
        for (int family : families) {
            for (byte[] a : family == AF_INET ? v4Addresses : v6Addresses) {
                conditions.add(hostCondition(INET_DIAG_BC_D_COND, family, a, port));
            }
        }
        if (serverSide) {
            conditions.add(hostCondition(INET_DIAG_BC_S_COND, 0, new byte[0], port));
        }
        if (conditions.isEmpty()) {
            // no address of this family and not local: a port no socket has, so nothing matches
            conditions.add(hostCondition(INET_DIAG_BC_D_COND, 0, new byte[0], -2));
        }
        int total = -4; // no JMP after the last condition
        for (byte[] c : conditions) {
            total += c.length + 4;
        }
        ByteBuffer bc = ByteBuffer.allocate(total).order(HOST);
        for (int i = 0; i < conditions.size(); i++) {
            byte[] c = conditions.get(i);
            bc.put(c, 0, 2);                       // code; yes = its own length: on to the JMP (or the end)
            bc.putShort((short) (c.length + 4));   // no: past the JMP, to the next condition (or reject)
            bc.put(c, 4, c.length - 4);
            if (i < conditions.size() - 1) {
                int remaining = total - bc.position();
                bc.put((byte) INET_DIAG_BC_JMP).put((byte) 4).putShort((short) remaining); // to the end: accept
            }
        }
        return bc.array();
    }

    /** {@code inet_diag_bc_op} + {@code inet_diag_hostcond} (+ address); the op's "no" is set by {@link #filter}. */
    private static byte[] hostCondition(int code, int family, byte[] addr, int port) {
        int len = 4 + 8 + addr.length;
        ByteBuffer b = ByteBuffer.allocate(len).order(HOST);
        b.put((byte) code).put((byte) len).putShort((short) 0);
        b.put((byte) family).put((byte) (addr.length * 8)).putShort((short) 0).putInt(port);
        b.put(addr);
        return b.array();
    }

    /**
     * Parses one datagram of replies ({@code b[0, length)}) to the dump of {@code family} with sequence {@code seq}
     * into {@code counts}; true at its NLMSG_DONE. Messages of another sequence are skipped. A malformed message or
     * an error reply throws: the caller falls back to {@code /proc} rather than trust a partial census.
     */
    boolean parse(byte[] b, int length, int family, int seq, ProcNetTcpParser.Counts counts)
            throws NetlinkUnavailableException {
        ByteBuffer buf = ByteBuffer.wrap(b, 0, length).order(HOST);
        int off = 0;
        while (off < length) {
            if (length - off < NLMSG_HDRLEN) {
                throw new NetlinkUnavailableException("malformed netlink reply (" + (length - off)
                        + " bytes left, less than a header)");
            }
            int len = buf.getInt(off);
            int type = buf.getShort(off + 4) & 0xffff;
            int msgSeq = buf.getInt(off + 8);
            if (len < NLMSG_HDRLEN || len > length - off) {
                throw new NetlinkUnavailableException("malformed netlink reply (nlmsg_len " + len + " at " + off
                        + " of " + length + ")");
            }
            if (msgSeq == seq) {
                switch (type) {
                    case NLMSG_DONE -> {
                        // a dump's DONE carries the dump's status; negative is an errno
                        int status = len >= NLMSG_HDRLEN + 4 ? buf.getInt(off + NLMSG_HDRLEN) : 0;
                        if (status < 0) {
                            throw new NetlinkUnavailableException("SOCK_DIAG_BY_FAMILY dump failed: "
                                    + errnoName(-status), -status);
                        }
                        return true;
                    }
                    case NLMSG_ERROR -> {
                        if (len < NLMSG_HDRLEN + 4) {
                            throw new NetlinkUnavailableException("malformed NLMSG_ERROR (" + len + " bytes)");
                        }
                        int error = buf.getInt(off + NLMSG_HDRLEN);
                        if (error != 0) { // 0 is an acknowledgement
                            throw new NetlinkUnavailableException("SOCK_DIAG_BY_FAMILY request failed: "
                                    + errnoName(-error), -error);
                        }
                    }
                    case SOCK_DIAG_BY_FAMILY, TCPDIAG_GETSOCK -> {
                        if (len < NLMSG_HDRLEN + DIAG_MSG_LEN) {
                            throw new NetlinkUnavailableException("short inet_diag_msg (" + len + " bytes)");
                        }
                        count(buf, b, off + NLMSG_HDRLEN, family, counts);
                    }
                    default -> {
                        // NLMSG_NOOP, NLMSG_OVERRUN or a type a newer kernel adds: not a socket
                    }
                }
            }
            int next = off + ((len + 3) & ~3);
            if (next <= off) {
                throw new NetlinkUnavailableException("malformed netlink reply (nlmsg_len " + len + ")");
            }
            off = next;
        }
        return false;
    }

    /**
     * Parses one datagram of replies to a {@link #clientRequest} dump, as {@link #parse} does, sending each client-side
     * socket to the endpoint with an owner (inode not 0) to {@code sink}; true at its NLMSG_DONE. {@code family}
     * {@link #AF_UNSPEC}: the replies to {@link #clientRequestBothFamilies}, of either family.
     */
    boolean parseClients(byte[] b, int length, int family, int seq, ClientSocketSink sink)
            throws NetlinkUnavailableException {
        ByteBuffer buf = ByteBuffer.wrap(b, 0, length).order(HOST);
        int off = 0;
        while (off < length) {
            if (length - off < NLMSG_HDRLEN) {
                throw new NetlinkUnavailableException("malformed netlink reply (" + (length - off)
                        + " bytes left, less than a header)");
            }
            int len = buf.getInt(off);
            int type = buf.getShort(off + 4) & 0xffff;
            int msgSeq = buf.getInt(off + 8);
            if (len < NLMSG_HDRLEN || len > length - off) {
                throw new NetlinkUnavailableException("malformed netlink reply (nlmsg_len " + len + " at " + off
                        + " of " + length + ")");
            }
            if (msgSeq == seq) {
                switch (type) {
                    case NLMSG_DONE -> {
                        int status = len >= NLMSG_HDRLEN + 4 ? buf.getInt(off + NLMSG_HDRLEN) : 0;
                        if (status < 0) {
                            throw new NetlinkUnavailableException("SOCK_DIAG_BY_FAMILY dump failed: "
                                    + errnoName(-status), -status);
                        }
                        return true;
                    }
                    case NLMSG_ERROR -> {
                        if (len < NLMSG_HDRLEN + 4) {
                            throw new NetlinkUnavailableException("malformed NLMSG_ERROR (" + len + " bytes)");
                        }
                        int error = buf.getInt(off + NLMSG_HDRLEN);
                        if (error != 0) {
                            throw new NetlinkUnavailableException("SOCK_DIAG_BY_FAMILY request failed: "
                                    + errnoName(-error), -error);
                        }
                    }
                    case SOCK_DIAG_BY_FAMILY, TCPDIAG_GETSOCK -> {
                        if (len < NLMSG_HDRLEN + DIAG_MSG_LEN) {
                            throw new NetlinkUnavailableException("short inet_diag_msg (" + len + " bytes)");
                        }
                        client(buf, b, off + NLMSG_HDRLEN, off + len, family, sink);
                    }
                    default -> {
                        // not a socket
                    }
                }
            }
            int next = off + ((len + 3) & ~3);
            if (next <= off) {
                throw new NetlinkUnavailableException("malformed netlink reply (nlmsg_len " + len + ")");
            }
            off = next;
        }
        return false;
    }

    private void client(ByteBuffer buf, byte[] b, int m, int end, int family, ClientSocketSink sink)
            throws NetlinkUnavailableException {
        int msgFamily = b[m] & 0xff;
        if (family == AF_UNSPEC ? msgFamily != AF_INET && msgFamily != AF_INET6 : msgFamily != family) {
            throw new NetlinkUnavailableException("inet_diag_msg of family " + msgFamily + " in the dump of " + family);
        }
        int state = b[m + 1] & 0xff;
        if (state != TCP_ESTABLISHED && state != TCP_SYN_SENT) {
            return;
        }
        int remotePort = ((b[m + MSG_DPORT] & 0xff) << 8) | (b[m + MSG_DPORT + 1] & 0xff);
        boolean v4 = msgFamily == AF_INET;
        if (remotePort != port || !matches(b, m + MSG_DST, v4 ? v4Addresses : v6Addresses, v4 ? 4 : 16)) {
            return;
        }
        long inode = inode(buf, m);
        if (inode == 0) {
            return; // closed by its process already: no owner left to name
        }
        long uid = buf.getInt(m + MSG_UID) & 0xffffffffL;
        long cgroup = ClientSocketSink.NO_CGROUP;
        // rtattrs: u16 len (header included), u16 type, payload, each aligned to 4 bytes
        int a = m + DIAG_MSG_LEN;
        while (a + 4 <= end) {
            int alen = buf.getShort(a) & 0xffff;
            int atype = buf.getShort(a + 2) & 0x3fff; // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
            if (alen < 4 || a + alen > end) {
                throw new NetlinkUnavailableException("malformed rtattr (length " + alen + ") in inet_diag_msg");
            }
            if (atype == INET_DIAG_CGROUP_ID && alen >= 12) {
                cgroup = buf.getLong(a + 4);
            }
            a += (alen + 3) & ~3;
        }
        sink.socket(inode, uid, cgroup, state == TCP_SYN_SENT);
    }

    /** The /proc parser's rules (ProcNetTcpParser.parseLine) on the inet_diag_msg at {@code m}. */
    private void count(ByteBuffer buf, byte[] b, int m, int family, ProcNetTcpParser.Counts c)
            throws NetlinkUnavailableException {
        int msgFamily = b[m] & 0xff;
        if (family == AF_UNSPEC ? msgFamily != AF_INET && msgFamily != AF_INET6 : msgFamily != family) {
            throw new NetlinkUnavailableException("inet_diag_msg of family " + msgFamily + " in the dump of " + family);
        }
        family = msgFamily;
        c.lines++;
        int state = b[m + 1] & 0xff;
        if (state != TCP_TIME_WAIT && state != TCP_ESTABLISHED) {
            return;
        }
        int localPort = ((b[m + MSG_SPORT] & 0xff) << 8) | (b[m + MSG_SPORT + 1] & 0xff);
        int remotePort = ((b[m + MSG_DPORT] & 0xff) << 8) | (b[m + MSG_DPORT + 1] & 0xff);
        boolean client = remotePort == port
                && matches(b, m + MSG_DST, family == AF_INET ? v4Addresses : v6Addresses, family == AF_INET ? 4 : 16);
        boolean server = !client && local && localPort == port;
        if (!client && !server) {
            return;
        }
        if (state == TCP_TIME_WAIT) {
            long msLeft = buf.getInt(m + MSG_EXPIRES) & 0xffffffffL; // the kernel clamps an expired timer at 0
            c.timeWait(client, (int) Math.min(60, msLeft / 1000));
        } else {
            // idiag_inode is the number /proc/<pid>/fd/* links to as socket:[inode], as in /proc/net/tcp*.
            c.established(client);
            if (client && c.wantsInodes()) {
                c.establishedClientInode(inode(buf, m));
            }
            if (establishedInodes != null) {
                establishedInodes.accept(inode(buf, m));
            }
        }
    }

    /** {@code idiag_inode} of the inet_diag_msg at {@code m}: the socket's inode (0 for TIME_WAIT). */
    static long inode(ByteBuffer buf, int m) {
        return buf.getInt(m + MSG_INODE) & 0xffffffffL;
    }

    private static boolean matches(byte[] b, int off, byte[][] addresses, int len) {
        outer:
        for (byte[] a : addresses) {
            for (int i = 0; i < len; i++) {
                if (a[i] != b[off + i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(v4, 0, m, 12, 4);
        return m;
    }

    static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 4 -> "EINTR";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 16 -> "EBUSY";
            case 22 -> "EINVAL";
            case 24 -> "EMFILE";
            case 38 -> "ENOSYS";
            case 93 -> "EPROTONOSUPPORT";
            case 95 -> "EOPNOTSUPP";
            case 97 -> "EAFNOSUPPORT";
            default -> "errno " + errno;
        };
    }
}
