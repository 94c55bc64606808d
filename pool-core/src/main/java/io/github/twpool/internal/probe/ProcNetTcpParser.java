package io.github.twpool.internal.probe;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Counts sockets to an {@link Endpoint} in {@code /proc/net/tcp} or {@code /proc/net/tcp6} content, byte by byte:
 * no regex, no String per line, one reused buffer. A line that is not a well-formed socket line is skipped, so
 * garbage, truncation or a format change never throws out of here. Not thread-safe: one per probe thread.
 *
 * <p>Line format (net/ipv4/tcp_ipv4.c, net/ipv6/tcp_ipv6.c):
 * {@code "  12: 0100007F:0CEA 0100007F:B5F6 06 00000000:00000000 03:0000127B 00000000 ..."}: slot, local address and
 * port, remote address and port, state (01 ESTABLISHED, 06 TIME_WAIT), queues, timer and its remaining ticks.
 */
public final class ProcNetTcpParser {

    static final int STATE_ESTABLISHED = 0x01;
    static final int STATE_TIME_WAIT = 0x06;
    /** /proc prints timers in clock_t, USER_HZ = 100 on every Linux architecture. */
    static final int USER_HZ = 100;

    private byte[] buf = new byte[64 * 1024];

    /** Mutable totals of one scan. */
    public static final class Counts {
        int timeWaitClient;
        int timeWaitServer;
        int establishedClient;
        int establishedServer;
        int lines;
        final int[] clientBySecondsLeft = new int[61];
        final int[] serverBySecondsLeft = new int[61];
        /** Where ESTABLISHED client-side inodes go; {@code null} (the default) parses no inode at all. */
        EstablishedInodeSink inodeSink;

        /** Sends the inode of every ESTABLISHED client-side socket to the endpoint to {@code sink}; {@code null} stops. */
        public void collectInodes(EstablishedInodeSink sink) {
            this.inodeSink = sink;
        }

        /** True when a census should read inodes: only then does it pay for parsing them. */
        boolean wantsInodes() {
            return inodeSink != null;
        }

        /**
         * The inode of one ESTABLISHED client-side socket to the endpoint (the {@code /proc} and a netlink census
         * alike call this); 0 or less (no owner, or not parsed) is dropped.
         */
        void establishedClientInode(long inode) {
            if (inodeSink != null && inode > 0) {
                inodeSink.established(inode);
            }
        }

        public void reset() {
            timeWaitClient = timeWaitServer = establishedClient = establishedServer = lines = 0;
            Arrays.fill(clientBySecondsLeft, 0);
            Arrays.fill(serverBySecondsLeft, 0);
        }

        /**
         * One TIME_WAIT socket to the endpoint, {@code secondsLeft} 0-60; client or server side. The one place both
         * census paths count, {@code /proc} and netlink ({@link InetDiag}).
         */
        void timeWait(boolean client, int secondsLeft) {
            if (client) {
                timeWaitClient++;
                clientBySecondsLeft[secondsLeft]++;
            } else {
                timeWaitServer++;
                serverBySecondsLeft[secondsLeft]++;
            }
        }

        /** One ESTABLISHED socket to the endpoint; client or server side. Both census paths count here. */
        void established(boolean client) {
            if (client) {
                establishedClient++;
            } else {
                establishedServer++;
            }
        }

        public int timeWaitClient() { return timeWaitClient; }
        public int timeWaitServer() { return timeWaitServer; }
        public int establishedClient() { return establishedClient; }
        public int establishedServer() { return establishedServer; }
        public int lines() { return lines; }
        int[] clientBySecondsLeft() { return clientBySecondsLeft; }
        int[] serverBySecondsLeft() { return serverBySecondsLeft; }
    }

    /** Adds the sockets of one file's content to {@code counts}; {@code v6} for tcp6. Only I/O errors escape. */
    public void scan(InputStream in, boolean v6, Endpoint endpoint, Counts counts) throws IOException {
        int filled = 0;
        boolean skippingLongLine = false;
        while (true) {
            if (filled == buf.length) {
                if (buf.length < (1 << 20)) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                } else {
                    // A "line" over 1 MiB is not a socket line: drop what we have and skip to its end.
                    filled = 0;
                    skippingLongLine = true;
                }
            }
            int n = in.read(buf, filled, buf.length - filled);
            if (n < 0) {
                if (filled > 0 && !skippingLongLine) {
                    parseLine(buf, 0, filled, v6, endpoint, counts);
                }
                return;
            }
            int end = filled + n;
            int lineStart = 0;
            for (int i = filled; i < end; i++) {
                if (buf[i] == '\n') {
                    if (!skippingLongLine) {
                        parseLine(buf, lineStart, i, v6, endpoint, counts);
                    }
                    skippingLongLine = false;
                    lineStart = i + 1;
                }
            }
            filled = end - lineStart;
            if (lineStart > 0 && filled > 0) {
                System.arraycopy(buf, lineStart, buf, 0, filled);
            }
        }
    }

    /** Parses one line in {@code b[from, to)}; returns false when it is not a well-formed socket line. */
    static boolean parseLine(byte[] b, int from, int to, boolean v6, Endpoint e, Counts c) {
        int addrLen = v6 ? 32 : 8;
        int i = skipSpaces(b, from, to);
        int digits = i;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        if (i == digits || i >= to || b[i] != ':') {
            return false; // the header, or garbage
        }
        i = skipSpaces(b, i + 1, to);
        int localAddr = i;
        if (!hexRun(b, i, addrLen, to) || b[i + addrLen] != ':') {
            return false;
        }
        i += addrLen + 1;
        int localPort = hex(b, i, 4, to);
        if (localPort < 0) {
            return false;
        }
        i += 4;
        if (i >= to || b[i] != ' ') {
            return false;
        }
        i = skipSpaces(b, i, to);
        int remoteAddr = i;
        if (!hexRun(b, i, addrLen, to) || b[i + addrLen] != ':') {
            return false;
        }
        i += addrLen + 1;
        int remotePort = hex(b, i, 4, to);
        if (remotePort < 0) {
            return false;
        }
        i += 4;
        if (i >= to || b[i] != ' ') {
            return false;
        }
        i = skipSpaces(b, i, to);
        int state = hex(b, i, 2, to);
        if (state < 0 || i + 2 >= to || b[i + 2] != ' ') {
            return false;
        }
        i = skipSpaces(b, i + 2, to);
        // tx_queue:rx_queue
        if (!hexRun(b, i, 8, to) || b[i + 8] != ':' || !hexRun(b, i + 9, 8, to)) {
            return false;
        }
        i = skipSpaces(b, i + 17, to);
        // timer:ticks left
        if (!hexRun(b, i, 2, to) || b[i + 2] != ':') {
            return false;
        }
        i += 3;
        long ticks = 0;
        int start = i;
        while (i < to && i - start < 16 && hexValue(b[i]) >= 0) {
            ticks = (ticks << 4) | hexValue(b[i]);
            i++;
        }
        if (i - start < 8 || (i < to && b[i] != ' ')) {
            return false;
        }
        c.lines++;
        if (state != STATE_TIME_WAIT && state != STATE_ESTABLISHED) {
            return true;
        }
        boolean client = remotePort == e.port() && (v6 ? e.matchesV6(b, remoteAddr) : e.matchesV4(b, remoteAddr));
        boolean server = !client && e.local() && localPort == e.port();
        if (!client && !server) {
            return true;
        }
        if (state == STATE_TIME_WAIT) {
            // An expired timer not yet reaped prints as a negative clock_t.
            c.timeWait(client, ticks < 0 ? 0 : (int) Math.min(60, ticks / USER_HZ));
        } else {
            c.established(client);
            if (client && c.wantsInodes()) {
                c.establishedClientInode(inode(b, i, to));
            }
        }
        return true;
    }

    /**
     * The inode column after the timer: {@code retrnsmt} (hex), {@code uid}, {@code timeout}, {@code inode} (decimal).
     * Returns -1 when the rest of the line is not in that form.
     */
    static long inode(byte[] b, int i, int to) {
        i = skipSpaces(b, i, to);
        int start = i;
        while (i < to && hexValue(b[i]) >= 0) {
            i++;
        }
        if (i == start) {
            return -1;
        }
        for (int field = 0; field < 2; field++) { // uid, timeout
            i = skipSpaces(b, i, to);
            start = i;
            while (i < to && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == start) {
                return -1;
            }
        }
        i = skipSpaces(b, i, to);
        long v = 0;
        start = i;
        while (i < to && b[i] >= '0' && b[i] <= '9' && i - start < 19) {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        return i == start || (i < to && b[i] != ' ') ? -1 : v;
    }

    private static int skipSpaces(byte[] b, int i, int to) {
        while (i < to && b[i] == ' ') {
            i++;
        }
        return i;
    }

    private static boolean hexRun(byte[] b, int i, int len, int to) {
        if (i + len >= to) {
            return false;
        }
        for (int k = i; k < i + len; k++) {
            if (hexValue(b[k]) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int hex(byte[] b, int i, int len, int to) {
        if (i + len > to) {
            return -1;
        }
        int v = 0;
        for (int k = i; k < i + len; k++) {
            int h = hexValue(b[k]);
            if (h < 0) {
                return -1;
            }
            v = (v << 4) | h;
        }
        return v;
    }

    private static int hexValue(byte ch) {
        if (ch >= '0' && ch <= '9') return ch - '0';
        if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
        if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
        return -1;
    }
}
