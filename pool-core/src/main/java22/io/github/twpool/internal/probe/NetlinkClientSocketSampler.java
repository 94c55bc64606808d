package io.github.twpool.internal.probe;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * {@link ClientSocketSampler} over netlink sock_diag (Java 22+): per sample one dump asking for SYN_SENT and
 * ESTABLISHED sockets, with a kernel-side filter on the endpoint's address and port ({@link InetDiag}): sockets to
 * anything else are never copied out of the kernel. What a dump costs is the kernel's walk of its whole TCP hash table,
 * whatever the filter (milliseconds on a host with a large table), so both address families come from one walk: the
 * compat request {@link InetDiag#clientRequestBothFamilies}. Where a kernel refuses it, a {@code SOCK_DIAG_BY_FAMILY}
 * dump per family: IPv4 every sample, IPv6 every sample while it finds new sockets, else every {@link #V6_EVERY}-th.
 * The netlink socket stays open between samples (one socket per sampler, closed by {@link #close}). Bounded as the
 * census is: {@link #MAX_BYTES} and {@link #MAX_NANOS} per sample, 1 s per {@code recv}. Found by name from
 * {@link ClientSocketSampler#open}; only in {@code META-INF/versions/22}.
 */
final class NetlinkClientSocketSampler implements ClientSocketSampler {

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
    private static final int RECV_BUFFER = 64 * 1024;
    static final long MAX_BYTES = 64L << 20;
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final int V6_EVERY = 8;
    static final int V6_STICKY = 1000;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private final InetDiag diag;
    private final NetlinkCensusScanner.Native lib;
    /** Freed by the GC once the sampler is dropped: a pool's connect sampler opens one per churn episode. */
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment errno;
    private final MemorySegment buffer;
    private final byte[] heap = new byte[RECV_BUFFER];
    private final byte[] requestV4;
    private final byte[] requestV6;
    private final byte[] requestBoth;
    private final MemorySegment request;
    private final MemorySegment kernelAddress;
    private int seq = (int) (System.nanoTime() & 0x3fffffff);
    private int fd = -1;
    private boolean noV6;
    private long samples;
    private long v6SeenAt = Long.MIN_VALUE / 2;
    /** The IPv6 dump's sockets last time: one that stays open (a pool's, the sidecar's own) is not a reason to walk again. */
    private java.util.Set<Long> v6Inodes = java.util.Set.of();
    /** One dump for both families until the kernel refuses it; once it has answered one, its errors are real ones. */
    private boolean bothFamilies = true;
    private boolean bothAnswered;

    private NetlinkClientSocketSampler(Endpoint endpoint, NetlinkCensusScanner.Native lib) {
        this.diag = new InetDiag(endpoint);
        this.lib = lib;
        this.errno = arena.allocate(CALL_STATE);
        this.buffer = arena.allocate(RECV_BUFFER, 8);
        this.requestV4 = diag.clientRequest(InetDiag.AF_INET);
        this.requestV6 = diag.clientRequest(InetDiag.AF_INET6);
        this.requestBoth = diag.clientRequestBothFamilies();
        this.request = arena.allocate(Math.max(requestBoth.length, Math.max(requestV4.length, requestV6.length)), 8);
        this.kernelAddress = arena.allocate(12, 4);
        kernelAddress.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
    }

    /** Called by {@link ClientSocketSampler#open} by reflection. */
    static ClientSocketSampler open(Endpoint endpoint) throws NetlinkUnavailableException {
        // the census's checks: Linux, a known architecture, native access
        NetlinkCensusScanner.open(endpoint);
        NetlinkCensusScanner.Native lib;
        try {
            lib = NetlinkCensusScanner.Native.get();
        } catch (RuntimeException | LinkageError e) {
            throw new NetlinkUnavailableException("libc functions not found (" + e + ")", e);
        }
        return new NetlinkClientSocketSampler(endpoint, lib);
    }

    @Override
    public void sample(ClientSocketSink sink) throws IOException {
        openSocket();
        long deadline = System.nanoTime() + MAX_NANOS;
        long[] budget = {MAX_BYTES};
        try {
            if (bothFamilies) {
                try {
                    dump(requestBoth, InetDiag.AF_UNSPEC, sink, deadline, budget);
                    bothAnswered = true;
                    return;
                } catch (NetlinkUnavailableException e) {
                    if (bothAnswered || e.errno() == 0) {
                        throw e;
                    }
                    // refused (the compat request gone from a kernel): a dump per family from now on, on a fresh socket
                    bothFamilies = false;
                    close();
                    openSocket();
                }
            }
            dump(requestV4, InetDiag.AF_INET, sink, deadline, budget);
            samples++;
            if (!noV6 && (samples - v6SeenAt < V6_STICKY || samples % V6_EVERY == 0)) {
                try {
                    java.util.Set<Long> found = new java.util.HashSet<>();
                    dump(requestV6, InetDiag.AF_INET6, (inode, uid, cgroup, connecting) -> {
                        found.add(inode);
                        sink.socket(inode, uid, cgroup, connecting);
                    }, deadline, budget);
                    if (!v6Inodes.containsAll(found)) {
                        v6SeenAt = samples;
                    }
                    v6Inodes = found;
                } catch (NetlinkUnavailableException e) {
                    if (e.errno() != ENOENT) {
                        throw e;
                    }
                    noV6 = true; // no inet6_diag: IPv6 is off
                }
            }
        } catch (IOException | RuntimeException e) {
            close(); // a half-read dump leaves replies queued: the next sample starts on a fresh socket
            throw e;
        }
    }

    /** Opens the netlink socket unless open, with its receive timeout. */
    private void openSocket() throws IOException {
        if (fd >= 0) {
            return;
        }
        fd = lib.socket(errno, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0) {
            throw failure("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", errno());
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment timeval = a.allocate(16, 8);
            timeval.set(ValueLayout.JAVA_LONG, 0, 1);
            if (lib.setsockopt(errno, fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16) != 0) {
                IOException e = failure("setsockopt(SO_RCVTIMEO)", errno());
                close();
                throw e;
            }
        }
    }

    private void dump(byte[] req, int family, ClientSocketSink sink, long deadline, long[] budget) throws IOException {
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
            if (diag.parseClients(heap, (int) n, family, mySeq, sink)) {
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
    public String method() {
        return CensusSource.NETLINK;
    }

    @Override
    public boolean reportsCgroup() {
        return true;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            lib.close(fd);
            fd = -1;
        }
    }
}
