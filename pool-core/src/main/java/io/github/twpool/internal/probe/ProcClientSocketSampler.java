package io.github.twpool.internal.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@link ClientSocketSampler} from {@code /proc/net/tcp} and {@code tcp6}: the {@code st} (01 ESTABLISHED, 02
 * SYN_SENT), {@code uid} and {@code inode} columns of the lines whose remote end is the endpoint. No cgroup: the file
 * does not have it. Read through {@link ProcFiles} (regular files only, bounded in bytes and time).
 */
final class ProcClientSocketSampler implements ClientSocketSampler {

    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Path tcp;
    private final Path tcp6;
    private final Endpoint endpoint;
    private byte[] buf = new byte[64 * 1024];

    ProcClientSocketSampler(Path procRoot, Endpoint endpoint) {
        this.tcp = procRoot.resolve("net/tcp");
        this.tcp6 = procRoot.resolve("net/tcp6");
        this.endpoint = endpoint;
    }

    @Override
    public void sample(ClientSocketSink sink) throws IOException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        read(tcp, false, sink, deadline);
        if (Files.exists(tcp6)) {
            read(tcp6, true, sink, deadline);
        }
    }

    private void read(Path file, boolean v6, ClientSocketSink sink, long deadline) throws IOException {
        int filled = 0;
        try (InputStream in = ProcFiles.open(file, ProcFiles.SOCKET_TABLE_MAX_BYTES, deadline)) {
            while (true) {
                if (filled == buf.length) {
                    if (buf.length >= (1 << 20)) {
                        filled = 0; // not a socket line: drop it
                    } else {
                        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    }
                }
                int n = in.read(buf, filled, buf.length - filled);
                if (n < 0) {
                    if (filled > 0) {
                        line(buf, 0, filled, v6, sink);
                    }
                    return;
                }
                int end = filled + n;
                int start = 0;
                for (int i = filled; i < end; i++) {
                    if (buf[i] == '\n') {
                        line(buf, start, i, v6, sink);
                        start = i + 1;
                    }
                }
                filled = end - start;
                if (start > 0 && filled > 0) {
                    System.arraycopy(buf, start, buf, 0, filled);
                }
            }
        }
    }

    /**
     * {@code sl: local rem st tx:rx tr:when retrnsmt uid timeout inode ...}; a line not in that form is skipped.
     * Package-private for tests.
     */
    void line(byte[] b, int from, int to, boolean v6, ClientSocketSink sink) {
        int addrLen = v6 ? 32 : 8;
        int[] field = new int[10];
        int n = 0;
        int i = from;
        while (n < field.length) {
            while (i < to && b[i] == ' ') {
                i++;
            }
            if (i >= to) {
                return;
            }
            field[n++] = i;
            while (i < to && b[i] != ' ') {
                i++;
            }
        }
        int rem = field[2];
        if (rem + addrLen + 5 > to || b[rem + addrLen] != ':') {
            return;
        }
        int st = hex(b, field[3], 2);
        if (st != InetDiag.TCP_ESTABLISHED && st != InetDiag.TCP_SYN_SENT) {
            return;
        }
        if (hex(b, rem + addrLen + 1, 4) != endpoint.port()
                || !(v6 ? endpoint.matchesV6(b, rem) : endpoint.matchesV4(b, rem))) {
            return;
        }
        long uid = decimal(b, field[7], to);
        long inode = decimal(b, field[9], to);
        if (uid < 0 || inode <= 0) {
            return;
        }
        sink.socket(inode, uid, ClientSocketSink.NO_CGROUP, st == InetDiag.TCP_SYN_SENT);
    }

    private static int hex(byte[] b, int at, int len) {
        int v = 0;
        for (int i = at; i < at + len; i++) {
            if (i >= b.length) {
                return -1;
            }
            int d = Character.digit(b[i], 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static long decimal(byte[] b, int at, int to) {
        long v = 0;
        int i = at;
        while (i < to && b[i] >= '0' && b[i] <= '9' && i - at < 19) {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        return i == at || (i < to && b[i] != ' ') ? -1 : v;
    }

    @Override
    public String method() {
        return CensusSource.PROC;
    }

    @Override
    public boolean reportsCgroup() {
        return false;
    }

    @Override
    public void close() {
        // nothing held between samples
    }
}
