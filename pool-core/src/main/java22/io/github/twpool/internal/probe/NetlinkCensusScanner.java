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
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The census over netlink sock_diag (Java 22+, Foreign Function &amp; Memory API): one
 * {@code SOCK_DIAG_BY_FAMILY} dump per address family with an {@code inet_diag_req_v2} asking only for
 * ESTABLISHED and TIME_WAIT sockets, and an {@code INET_DIAG_REQ_BYTECODE} filter that lets through only sockets
 * whose remote end is the endpoint or whose local port is its port. Sockets that do not match are never formatted,
 * copied or parsed; what does match arrives as fixed binary records ({@code inet_diag_msg}), no text.
 *
 * <p>The request, the filter and the parsing of replies are {@link InetDiag}'s (plain Java, tested on every version);
 * this class only makes the system calls: socket, sendto, recv, close. Bounded: at most {@link #MAX_BYTES} read and {@link #MAX_NANOS} spent
 * per scan, each {@code recv} times out after 1 s ({@code SO_RCVTIMEO}); past a bound the scan fails and the caller
 * falls back to {@code /proc}. Package-private and only in {@code META-INF/versions/22}: {@link AutoCensus} finds it
 * by name. No logging (the doctor runs without SLF4J). Not thread-safe: one per probe thread.
 */
final class NetlinkCensusScanner implements CensusSource {

    // linux/socket.h, asm-generic/socket.h, asm-generic/errno-base.h
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_TRUNC = 0x20;
    private static final int ENOENT = 2;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    /** A dump's datagrams are at most 32 KiB (netlink_dump); twice that leaves room, MSG_TRUNC tells if not. */
    private static final int RECV_BUFFER = 64 * 1024;
    static final long MAX_BYTES = 256L << 20;
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private final Endpoint endpoint;
    private final InetDiag diag;
    private final Native lib;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment errno;
    private final MemorySegment buffer;
    private final byte[] heap = new byte[RECV_BUFFER];
    private final byte[] requestV4;
    private final byte[] requestV6;
    private final byte[] requestBoth;
    /** One walk for both families until the kernel refuses the compat request; once it has answered one, its errors are real. */
    private boolean bothFamilies = true;
    private boolean bothAnswered;
    private final MemorySegment request;
    private final MemorySegment kernelAddress;
    private final ProcNetTcpParser.Counts counts = new ProcNetTcpParser.Counts();
    private int seq = (int) (System.nanoTime() & 0x3fffffff);

    private NetlinkCensusScanner(Endpoint endpoint, Native lib) {
        this.endpoint = endpoint;
        this.diag = new InetDiag(endpoint);
        this.lib = lib;
        this.errno = arena.allocate(CALL_STATE);
        this.buffer = arena.allocate(RECV_BUFFER, 8);
        this.requestV4 = diag.request(InetDiag.AF_INET);
        this.requestV6 = diag.request(InetDiag.AF_INET6);
        this.requestBoth = diag.requestBothFamilies();
        this.request = arena.allocate(Math.max(requestBoth.length, Math.max(requestV4.length, requestV6.length)), 8);
        this.kernelAddress = arena.allocate(12, 4); // sockaddr_nl: family, pad, pid 0 (the kernel), groups 0
        kernelAddress.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
    }

    /** Called by {@link AutoCensus} by reflection: the scanner, or why netlink cannot be used here. */
    static CensusSource open(Endpoint endpoint) throws NetlinkUnavailableException {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new NetlinkUnavailableException("not Linux");
        }
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            // SO_RCVTIMEO's number and struct timeval's layout are those of x86-64 and arm64 (asm-generic, LP64)
            throw new NetlinkUnavailableException("architecture " + arch + " is not one the netlink census knows");
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
        return scan(null);
    }

    @Override
    public SocketCensus scan(EstablishedInodeSink inodes) throws IOException {
        counts.reset();
        counts.collectInodes(inodes);
        try {
            return dumpBoth();
        } finally {
            counts.collectInodes(null);
        }
    }

    private SocketCensus dumpBoth() throws IOException {
        long start = System.nanoTime();
        int fd = lib.socket(errno, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0) {
            throw failure("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", errno());
        }
        try {
            setReceiveTimeout(fd);
            long deadline = start + MAX_NANOS;
            long[] budget = {MAX_BYTES};
            if (bothFamilies) {
                try {
                    dump(fd, requestBoth, InetDiag.AF_UNSPEC, deadline, budget);
                    bothAnswered = true;
                    return census(start);
                } catch (NetlinkUnavailableException e) {
                    if (bothAnswered || e.errno() == 0) {
                        throw e;
                    }
                    // refused (a kernel without the compat request): a dump per family from now on, on a fresh socket
                    bothFamilies = false;
                    lib.close(fd);
                    fd = -1; // closed: the finally must not close a number the process may have reused meanwhile
                    fd = lib.socket(errno, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
                    if (fd < 0) {
                        throw failure("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", errno());
                    }
                    setReceiveTimeout(fd);
                    counts.reset();
                }
            }
            dump(fd, requestV4, InetDiag.AF_INET, deadline, budget);
            try {
                dump(fd, requestV6, InetDiag.AF_INET6, deadline, budget);
            } catch (NetlinkUnavailableException e) {
                if (e.errno() != ENOENT) {
                    throw e;
                }
                // no inet6_diag: IPv6 is disabled, so there are no tcp6 sockets (as /proc/net/tcp6 is then absent)
            }
        } finally {
            if (fd >= 0) {
                lib.close(fd);
            }
        }
        return census(start);
    }

    private SocketCensus census(long start) {
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

    /** Sends one dump request and reads its replies up to NLMSG_DONE; EINTR retried, everything else bounded. */
    private void dump(int fd, byte[] req, int family, long deadline, long[] budget) throws IOException {
        int mySeq = ++seq;
        InetDiag.setSequence(req, mySeq);
        MemorySegment.copy(req, 0, request, ValueLayout.JAVA_BYTE, 0, req.length);
        long sent;
        do {
            sent = lib.sendto(errno, fd, request, req.length, 0, kernelAddress, (int) kernelAddress.byteSize());
        } while (sent < 0 && errno() == EINTR);
        if (sent != req.length) {
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
            if (n == 0) {
                throw new NetlinkUnavailableException("netlink socket closed before NLMSG_DONE");
            }
            if (n > RECV_BUFFER) {
                throw new NetlinkUnavailableException("netlink reply of " + n + " bytes exceeds the "
                        + RECV_BUFFER + " byte buffer");
            }
            budget[0] -= n;
            if (budget[0] < 0) {
                throw new NetlinkUnavailableException("netlink dump exceeded " + (MAX_BYTES >> 20) + " MiB");
            }
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, heap, 0, (int) n);
            if (diag.parse(heap, (int) n, family, mySeq, counts)) {
                return;
            }
        }
    }

    private int errno() {
        return errno.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    private static NetlinkUnavailableException failure(String call, int errno) {
        return new NetlinkUnavailableException(call + " failed: " + InetDiag.errnoName(errno), errno);
    }

    @Override
    public String toString() {
        return "netlink census of " + endpoint;
    }

    /** The libc functions, bound once per JVM; errno captured by the linker, not read after the fact (shared with the client-socket sampler). */
    static final class Native {

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

        /** Restricted (native access): only reached when {@link #nativeAccessEnabled()}, so the JVM never warns. */
        @SuppressWarnings("restricted")
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
