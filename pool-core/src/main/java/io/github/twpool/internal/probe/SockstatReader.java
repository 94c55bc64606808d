package io.github.twpool.internal.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reads the host-wide (network namespace wide) TIME_WAIT count from {@code /proc/net/sockstat}: the kernel keeps it
 * as a counter, so this costs microseconds however many sockets exist. Line: {@code TCP: inuse 5 orphan 0 tw 12 ...}.
 */
public final class SockstatReader {

    private final Path file;
    private final byte[] buf = new byte[4096];

    public SockstatReader(Path procRoot) {
        this.file = procRoot.resolve("net/sockstat");
    }

    /** The {@code tw} value, or -1 when the file has no well-formed TCP line (a count no kernel writes included). */
    public long timeWait() throws IOException {
        int n = 0;
        // Only the first 4 KiB are read (sockstat is ~300 bytes); the type check keeps a FIFO from blocking open().
        try (InputStream in = ProcFiles.open(file, ProcFiles.SMALL_FILE_MAX_BYTES,
                System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ProcFiles.SCAN_DEADLINE_MILLIS))) {
            int r;
            while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
            }
        }
        return parseTimeWait(buf, n);
    }

    static long parseTimeWait(byte[] b, int len) {
        int i = 0;
        while (i < len) {
            int lineEnd = i;
            while (lineEnd < len && b[lineEnd] != '\n') {
                lineEnd++;
            }
            if (startsWith(b, i, lineEnd, "TCP:")) {
                for (int k = i + 4; k + 3 < lineEnd; k++) {
                    if (b[k] == ' ' && b[k + 1] == 't' && b[k + 2] == 'w' && b[k + 3] == ' ') {
                        long v = 0;
                        int d = k + 4;
                        int digits = 0;
                        while (d < lineEnd && b[d] >= '0' && b[d] <= '9' && digits <= 10) {
                            v = v * 10 + (b[d] - '0');
                            d++;
                            digits++;
                        }
                        // the kernel keeps the count in an int and ends it with a blank or the line
                        boolean ended = d == lineEnd || b[d] == ' ';
                        return digits > 0 && ended && v <= Integer.MAX_VALUE ? v : -1;
                    }
                }
                return -1;
            }
            i = lineEnd + 1;
        }
        return -1;
    }

    private static boolean startsWith(byte[] b, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (b[from + k] != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
