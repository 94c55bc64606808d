package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The census over netlink sock_diag (Java 22+, Foreign Function &amp; Memory API): one
 * {@code SOCK_DIAG_BY_FAMILY} dump per address family with an {@code inet_diag_req_v2} asking only for
 * ESTABLISHED and TIME_WAIT sockets, and an {@code INET_DIAG_REQ_BYTECODE} filter that lets through only sockets
 * whose remote end is the endpoint or whose local port is its port. Sockets that do not match are never formatted,
 * copied or parsed; what does match arrives as fixed binary records ({@code inet_diag_msg}), no text.
 *
 * <p>Classification is the {@code /proc} parser's, on the same {@link ProcNetTcpParser.Counts}: the kernel filter only
 * narrows what is read. TIME_WAIT ages come from {@code idiag_expires} (milliseconds left, the kernel clamps at 0),
 * ESTABLISHED inodes from {@code idiag_inode}. Bounded: at most {@link #MAX_BYTES} read and {@link #MAX_NANOS} spent
 * per scan, each {@code recv} times out after 1 s ({@code SO_RCVTIMEO}); past a bound the scan fails and the caller
 * falls back to {@code /proc}. Package-private and only in {@code META-INF/versions/22}: {@link AutoCensus} finds it
 * by name. No logging (the doctor runs without SLF4J). Not thread-safe: one per probe thread.
 */
final class NetlinkCensusScanner implements CensusSource {

    // linux/netlink.h, linux/sock_diag.h, linux/inet_diag.h, linux/socket.h, asm-generic/socket.h
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int IPPROTO_TCP = 6;
    private static final int MSG_TRUNC = 0x20;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    private static final int NLMSG_HDRLEN = 16;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int SOCK_DIAG_BY_FAMILY = 20;
    private static final int NLM_F_REQUEST = 0x1;
    private static final int NLM_F_DUMP = 0x300;
    private static final int INET_DIAG_REQ_BYTECODE = 1;
    private static final int INET_DIAG_BC_JMP = 1;
    private static final int INET_DIAG_BC_S_COND = 7;
    private static final int INET_DIAG_BC_D_COND = 8;

    private static final int TCP_ESTABLISHED = 1;
    private static final int TCP_TIME_WAIT = 6;
    private static final int STATES = (1 << TCP_ESTABLISHED) | (1 << TCP_TIME_WAIT);

    private static final int REQ_V2_LEN = 56;
    /** inet_diag_msg: family, state, timer, retrans, sockid (48), expires, rqueue, wqueue, uid, inode. */
    private static final int DIAG_MSG_LEN = 72;
    private static final int MSG_SPORT = 4;
    private static final int MSG_DPORT = 6;
    private static final int MSG_SRC = 8;
    private static final int MSG_DST = 24;
    private static final int MSG_EXPIRES = 52;
    private static final int MSG_INODE = 68;

    /** A dump's datagrams are at most 32 KiB (netlink_dump); twice that leaves room, MSG_TRUNC tells if not. */
    private static final int RECV_BUFFER = 64 * 1024;
    static final long MAX_BYTES = 256L << 20;
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private final Endpoint endpoint;
    private final int port;
    private final boolean local;
    private final byte[][] v4Addresses;
    private final byte[][] v6Addresses; // native and IPv4-mapped, as /proc/net/tcp6 would show them
    private final Native lib;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment errno;
    private final MemorySegment buffer;
    private final MemorySegment requestV4;
    private final MemorySegment requestV6;
    private final MemorySegment kernelAddress;
    private final ProcNetTcpParser.Counts counts = new ProcNetTcpParser.Counts();
    private final byte[] address = new byte[16];
    private int seq = (int) (System.nanoTime() & 0x3fffffff);

    private NetlinkCensusScanner(Endpoint endpoint, Native lib) {
        this.endpoint = endpoint;
        this.port = endpoint.port();
        this.local = endpoint.local();
        this.lib = lib;
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
        this.errno = arena.allocate(CALL_STATE);
        this.buffer = arena.allocate(RECV_BUFFER, 8);
        this.requestV4 = request(AF_INET, filter(v4Addresses, v6Addresses, port, local, AF_INET));
        this.requestV6 = request(AF_INET6, filter(v4Addresses, v6Addresses, port, local, AF_INET6));
        this.kernelAddress = arena.allocate(12, 4); // sockaddr_nl: family, pad, pid 0 (the kernel), groups 0
        kernelAddress.set(SHORT, 0, (short) AF_NETLINK);
    }

    /** Called by {@link AutoCensus} by reflection: the scanner, or why netlink cannot be used here. */
    static CensusSource open(Endpoint endpoint) throws NetlinkUnavailableException {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new NetlinkUnavailableException("not Linux");
        }
        if (!nativeAccessEnabled()) {
            throw new NetlinkUnavailableException("native access is not enabled (--enable-native-access=ALL-UNNAMED)");
        }
        Native lib;
        try {
            lib = Native.get();
        } catch (RuntimeException | LinkageError e) {
            throw new NetlinkUnavailableException("libc functions not found (" + e + ")", e);
        }
        return new NetlinkCensusScanner(endpoint, lib);
    }

    /** True when this code may call restricted methods without the JVM's warning (or, on later JDKs, refusal). */
    static boolean nativeAccessEnabled() {
        return NetlinkCensusScanner.class.getModule().isNativeAccessEnabled();
    }

    @Override
    public String method() {
        return NETLINK;
    }

    @Override
    public SocketCensus scan() throws IOException {
        long start = System.nanoTime();
        counts.reset();
        int fd = lib.socket(errno, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0) {
            throw failure("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", errno());
        }
        try {
            setReceiveTimeout(fd);
            long deadline = start + MAX_NANOS;
            long[] budget = {MAX_BYTES};
            dump(fd, requestV4, AF_INET, deadline, budget);
            dump(fd, requestV6, AF_INET6, deadline, budget);
        } finally {
            lib.close(fd);
        }
        return new SocketCensus(Instant.now(), counts.timeWaitClient(), counts.timeWaitServer(),
                counts.establishedClient(), counts.establishedServer(), System.nanoTime() - start, counts.lines(),
                counts.clientBySecondsLeft(), counts.serverBySecondsLeft(), NETLINK);
    }

    private void setReceiveTimeout(int fd) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment timeval = a.allocate(16, 8); // struct timeval {long tv_sec; long tv_usec;} on LP64
            timeval.set(ValueLayout.JAVA_LONG, 0, 1);
            if (lib.setsockopt(errno, fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16) != 0) {
                throw failure("setsockopt(SO_RCVTIMEO)", errno());
            }
        }
    }

    /** Sends one dump request and reads its replies up to NLMSG_DONE. */
    private void dump(int fd, MemorySegment request, int family, long deadline, long[] budget) throws IOException {
        int mySeq = ++seq;
        request.set(INT, 8, mySeq);
        long sent;
        do {
            sent = lib.sendto(errno, fd, request, request.byteSize(), 0, kernelAddress, (int) kernelAddress.byteSize());
        } while (sent < 0 && errno() == EINTR);
        if (sent != request.byteSize()) {
            throw failure("sendto(SOCK_DIAG_BY_FAMILY)", sent < 0 ? errno() : 0);
        }
        while (true) {
            if (System.nanoTime() - deadline > 0) {
                throw new NetlinkUnavailableException("netlink dump took longer than "
                        + TimeUnit.NANOSECONDS.toMillis(MAX_NANOS) + " ms");
            }
            long n = lib.recv(errno, fd, buffer, RECV_BUFFER, MSG_TRUNC);
            if (n < 0) {
                int err = errno();
                if (err == EINTR) {
                    continue;
                }
                throw failure(err == EAGAIN ? "recv (no reply within 1 s)" : "recv", err);
            }
            if (n > RECV_BUFFER) {
                throw new NetlinkUnavailableException("netlink reply of " + n + " bytes exceeds the "
                        + RECV_BUFFER + " byte buffer");
            }
            budget[0] -= n;
            if (budget[0] < 0) {
                throw new NetlinkUnavailableException("netlink dump exceeded " + (MAX_BYTES >> 20) + " MiB");
            }
            if (n == 0) {
                throw new NetlinkUnavailableException("netlink socket closed before NLMSG_DONE");
            }
            if (parse(buffer, (int) n, family, mySeq)) {
                return;
            }
        }
    }

    /** Parses one datagram of replies into {@link #counts}; true at NLMSG_DONE. */
    boolean parse(MemorySegment b, int length, int family, int mySeq) throws NetlinkUnavailableException {
        int off = 0;
        while (off + NLMSG_HDRLEN <= length) {
            int len = b.get(INT, off);
            int type = b.get(SHORT, off + 4) & 0xffff;
            int msgSeq = b.get(INT, off + 8);
            if (len < NLMSG_HDRLEN || len > length - off) {
                throw new NetlinkUnavailableException("malformed netlink reply (nlmsg_len " + len + " at " + off
                        + " of " + length + ")");
            }
            if (msgSeq == mySeq) {
                switch (type) {
                    case NLMSG_DONE -> {
                        // a dump's DONE carries the dump's status; negative is an errno
                        int status = len >= NLMSG_HDRLEN + 4 ? b.get(INT, off + NLMSG_HDRLEN) : 0;
                        if (status < 0) {
                            throw failure("SOCK_DIAG_BY_FAMILY dump", -status);
                        }
                        return true;
                    }
                    case NLMSG_ERROR -> {
                        int error = len >= NLMSG_HDRLEN + 4 ? b.get(INT, off + NLMSG_HDRLEN) : -1;
                        if (error != 0) { // 0 is an acknowledgement
                            throw failure("SOCK_DIAG_BY_FAMILY request", -error);
                        }
                    }
                    case SOCK_DIAG_BY_FAMILY -> {
                        if (len < NLMSG_HDRLEN + DIAG_MSG_LEN) {
                            throw new NetlinkUnavailableException("short inet_diag_msg (" + len + " bytes)");
                        }
                        count(b, off + NLMSG_HDRLEN, family);
                    }
                    default -> {
                        // NLMSG_NOOP, NLMSG_OVERRUN or a type a newer kernel adds: not a socket
                    }
                }
            }
            off += (len + 3) & ~3;
        }
        return false;
    }

    /** The /proc parser's rules (ProcNetTcpParser.parseLine) on one inet_diag_msg at {@code m}. */
    private void count(MemorySegment b, int m, int family) throws NetlinkUnavailableException {
        int msgFamily = b.get(ValueLayout.JAVA_BYTE, m) & 0xff;
        if (msgFamily != family) {
            throw new NetlinkUnavailableException("inet_diag_msg of family " + msgFamily + " in a dump of " + family);
        }
        ProcNetTcpParser.Counts c = counts;
        c.lines++;
        int state = b.get(ValueLayout.JAVA_BYTE, m + 1) & 0xff;
        if (state != TCP_TIME_WAIT && state != TCP_ESTABLISHED) {
            return;
        }
        int localPort = b.get(SHORT_BE, m + MSG_SPORT) & 0xffff;
        int remotePort = b.get(SHORT_BE, m + MSG_DPORT) & 0xffff;
        boolean client = remotePort == port && matches(b, m + MSG_DST, family == AF_INET ? v4Addresses : v6Addresses);
        boolean server = !client && local && localPort == port;
        if (!client && !server) {
            return;
        }
        if (state == TCP_TIME_WAIT) {
            long msLeft = b.get(INT, m + MSG_EXPIRES) & 0xffffffffL;
            int secondsLeft = (int) Math.min(60, msLeft / 1000);
            if (client) {
                c.timeWaitClient++;
                c.clientBySecondsLeft[secondsLeft]++;
            } else {
                c.timeWaitServer++;
                c.serverBySecondsLeft[secondsLeft]++;
            }
        } else {
            // idiag_inode, the number /proc/<pid>/fd/* links to as socket:[inode]; ESTABLISHED attribution
            // (ProcNetTcpParser's inode collection) takes it from here: long inode = inode(b, m);
            if (client) {
                c.establishedClient++;
            } else {
                c.establishedServer++;
            }
        }
    }

    /** {@code idiag_inode} of the inet_diag_msg at {@code m}: 0 for TIME_WAIT, the socket's inode otherwise. */
    static long inode(MemorySegment b, int m) {
        return b.get(INT, m + MSG_INODE) & 0xffffffffL;
    }

    private boolean matches(MemorySegment b, int off, byte[][] addresses) {
        int len = addresses == v4Addresses ? 4 : 16;
        MemorySegment.copy(b, ValueLayout.JAVA_BYTE, off, address, 0, len);
        outer:
        for (byte[] a : addresses) {
            for (int i = 0; i < len; i++) {
                if (a[i] != address[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * {@code nlmsghdr} + {@code inet_diag_req_v2} (TCP, ESTABLISHED and TIME_WAIT) + the bytecode attribute. The
     * sequence number is set per dump.
     */
    private MemorySegment request(int family, byte[] bytecode) {
        int attrLen = 4 + bytecode.length;
        int total = NLMSG_HDRLEN + REQ_V2_LEN + attrLen;
        MemorySegment r = arena.allocate(total, 4);
        r.set(INT, 0, total);
        r.set(SHORT, 4, (short) SOCK_DIAG_BY_FAMILY);
        r.set(SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
        int q = NLMSG_HDRLEN;
        r.set(ValueLayout.JAVA_BYTE, q, (byte) family);
        r.set(ValueLayout.JAVA_BYTE, q + 1, (byte) IPPROTO_TCP);
        r.set(INT, q + 4, STATES);
        int a = q + REQ_V2_LEN;
        r.set(SHORT, a, (short) attrLen);
        r.set(SHORT, a + 2, (short) INET_DIAG_REQ_BYTECODE);
        MemorySegment.copy(bytecode, 0, r, ValueLayout.JAVA_BYTE, a + 4, bytecode.length);
        return r;
    }

    /**
     * The kernel-side filter, in the layout {@code ss} compiles an OR into (inet_diag_bc_audit accepts it): each
     * condition's "yes" goes on to a JMP to the end (accept), its "no" skips that JMP to the next condition; the last
     * condition's "no" jumps 4 bytes past the end (reject). Conditions: remote address = each endpoint address and
     * remote port = the port; when the database is local, also local port = the port (any address). It only narrows
     * what the kernel sends: {@link #count} classifies exactly as the /proc parser does.
     */
    static byte[] filter(byte[][] v4, byte[][] v6, int port, boolean local, int family) {
        List<byte[]> conditions = new ArrayList<>();
        if (family == AF_INET) {
            for (byte[] a : v4) {
                conditions.add(hostCondition(INET_DIAG_BC_D_COND, AF_INET, a, port));
            }
        } else {
            for (byte[] a : v6) {
                conditions.add(hostCondition(INET_DIAG_BC_D_COND, AF_INET6, a, port));
            }
        }
        if (local) {
            conditions.add(hostCondition(INET_DIAG_BC_S_COND, 0, new byte[0], port));
        }
        if (conditions.isEmpty()) {
            // nothing can match (an unresolvable remote host): a filter that rejects everything
            conditions.add(hostCondition(INET_DIAG_BC_D_COND, 0, new byte[0], -2));
        }
        int total = 0;
        for (byte[] c : conditions) {
            total += c.length + 4;
        }
        total -= 4; // no JMP after the last condition
        java.nio.ByteBuffer bc = java.nio.ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        for (int i = 0; i < conditions.size(); i++) {
            byte[] c = conditions.get(i);
            boolean last = i == conditions.size() - 1;
            bc.put(c, 0, 2);              // code, yes = its own length: go on to the JMP (or the end)
            bc.putShort((short) (c.length + 4)); // no: skip the JMP to the next condition (or reject)
            bc.put(c, 4, c.length - 4);
            if (!last) {
                int remaining = total - bc.position();
                bc.put((byte) INET_DIAG_BC_JMP).put((byte) 4).putShort((short) remaining); // JMP: to the end, accept
            }
        }
        return bc.array();
    }

    /** {@code inet_diag_bc_op} + {@code inet_diag_hostcond} (+ address): yes = own length, no filled in later. */
    private static byte[] hostCondition(int code, int family, byte[] addr, int port) {
        int len = 4 + 8 + addr.length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.put((byte) code).put((byte) len).putShort((short) 0);
        b.put((byte) family).put((byte) (addr.length * 8)).putShort((short) 0).putInt(port);
        b.put(addr);
        return b.array();
    }

    private static byte[] mapped(byte[] v4) {
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(v4, 0, m, 12, 4);
        return m;
    }

    private int errno() {
        return errno.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    private static NetlinkUnavailableException failure(String call, int errno) {
        return new NetlinkUnavailableException(call + " failed: " + errnoName(errno));
    }

    private static String errnoName(int errno) {
        return switch (errno) {
            case 1 -> "EPERM";
            case 13 -> "EACCES";
            case 22 -> "EINVAL";
            case 93 -> "EPROTONOSUPPORT";
            case 97 -> "EAFNOSUPPORT";
            case 2 -> "ENOENT";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 24 -> "EMFILE";
            case 38 -> "ENOSYS";
            default -> "errno " + errno;
        };
    }

    @Override
    public String toString() {
        return "netlink census of " + endpoint;
    }

    /** The libc functions, bound once per JVM; errno captured by the linker, not read after the fact. */
    private static final class Native {

        private static volatile Native instance;

        private final MethodHandle socket;
        private final MethodHandle sendto;
        private final MethodHandle recv;
        private final MethodHandle setsockopt;
        private final MethodHandle close;

        private Native() {
            Linker linker = Linker.nativeLinker();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            ValueLayout.OfInt i = ValueLayout.JAVA_INT;
            ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
            ValueLayout p = ValueLayout.ADDRESS;
            socket = bind(linker, "socket", FunctionDescriptor.of(i, i, i, i), errno);
            sendto = bind(linker, "sendto", FunctionDescriptor.of(l, i, p, l, i, p, i), errno);
            recv = bind(linker, "recv", FunctionDescriptor.of(l, i, p, l, i), errno);
            setsockopt = bind(linker, "setsockopt", FunctionDescriptor.of(i, i, i, i, p, i), errno);
            close = bind(linker, "close", FunctionDescriptor.of(i, i));
        }

        static Native get() {
            Native n = instance;
            if (n == null) {
                synchronized (Native.class) {
                    n = instance;
                    if (n == null) {
                        instance = n = new Native();
                    }
                }
            }
            return n;
        }

        private static MethodHandle bind(Linker linker, String name, FunctionDescriptor d, Linker.Option... options) {
            MemorySegment symbol = linker.defaultLookup().find(name)
                    .orElseThrow(() -> new IllegalStateException("libc has no " + name));
            return linker.downcallHandle(symbol, d, options);
        }

        int socket(MemorySegment errno, int domain, int type, int protocol) {
            try {
                return (int) socket.invokeExact(errno, domain, type, protocol);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        long sendto(MemorySegment errno, int fd, MemorySegment buf, long len, int flags, MemorySegment to, int toLen) {
            try {
                return (long) sendto.invokeExact(errno, fd, buf, len, flags, to, toLen);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        long recv(MemorySegment errno, int fd, MemorySegment buf, long len, int flags) {
            try {
                return (long) recv.invokeExact(errno, fd, buf, len, flags);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        int setsockopt(MemorySegment errno, int fd, int level, int name, MemorySegment value, int len) {
            try {
                return (int) setsockopt.invokeExact(errno, fd, level, name, value, len);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        void close(int fd) {
            try {
                int ignored = (int) close.invokeExact(fd);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        private static RuntimeException rethrow(Throwable t) {
            if (t instanceof RuntimeException r) {
                return r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            return new IllegalStateException(t);
        }
    }
}
