package io.github.twpool.internal.probe;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Opens and reads {@code /proc} files so that a hostile or mistaken {@code probe.proc-root} cannot hang or spin the
 * thread reading them: the file must be a regular file after following links (procfs files are, with size 0), so a
 * FIFO never blocks {@code open()} and {@code /dev/zero} is never read; every read is bounded in bytes and time, and
 * stops when the thread is interrupted. Failures are {@link ProcFileException}s naming the file and why.
 */
public final class ProcFiles {

    /** The longest a real sockstat or sysctl file is by far (sockstat is ~300 bytes). */
    public static final int SMALL_FILE_MAX_BYTES = 16 * 1024;
    /** net/tcp6 lines are 178 bytes: this holds 4 million sockets, far past any host's ephemeral ports. */
    public static final long SOCKET_TABLE_MAX_BYTES = 4L * 1024 * 1024 * 200;
    /** A full scan takes ~30 ms at 30k sockets; one that takes this long is not a socket table worth waiting for. */
    public static final long SCAN_DEADLINE_MILLIS = 10_000;

    private ProcFiles() {
    }

    /** Throws unless the path, after following links, is a regular file. Costs one stat. */
    public static void requireRegularFile(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            throw new ProcFileException(ProcFileException.Kind.NOT_REGULAR, file + " is not a regular file (" + kindOf(file, a)
                    + "); probe.proc-root must point at a procfs mount such as /proc");
        }
    }

    /** The whole of a small file (sockstat, a sysctl value); more than {@code maxBytes} is refused. */
    public static byte[] readSmall(Path file, int maxBytes) throws IOException {
        byte[] buf = new byte[Math.min(maxBytes + 1, 4096)];
        int n = 0;
        try (InputStream in = open(file, maxBytes, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SCAN_DEADLINE_MILLIS))) {
            int r;
            while ((r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, Math.min(maxBytes + 1, buf.length * 2));
                }
            }
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /**
     * A stream over a regular file that fails once more than {@code maxBytes} were read, once {@link System#nanoTime()}
     * passes {@code deadlineNanos}, or when the reading thread is interrupted.
     */
    public static InputStream open(Path file, long maxBytes, long deadlineNanos) throws IOException {
        requireRegularFile(file);
        return new Bounded(Files.newInputStream(file), file, maxBytes, deadlineNanos);
    }

    private static String kindOf(Path file, BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a directory";
        }
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            switch (mode & 0170000) {
                case 0010000: return "a FIFO";
                case 0020000: return "a character device";
                case 0060000: return "a block device";
                case 0140000: return "a socket";
                default: break;
            }
        } catch (IOException | RuntimeException e) {
            // no unix attribute view: the generic description below
        }
        return "a device, FIFO or socket";
    }

    private static final class Bounded extends FilterInputStream {
        private final Path file;
        private final long maxBytes;
        private final long deadlineNanos;
        private long read;

        Bounded(InputStream in, Path file, long maxBytes, long deadlineNanos) {
            super(in);
            this.file = file;
            this.maxBytes = maxBytes;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while reading " + file);
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new ProcFileException(ProcFileException.Kind.TOO_SLOW, file + " was still being read when the scan's "
                        + "deadline passed (" + read + " bytes read); a real /proc file is read in milliseconds");
            }
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
                if (read > maxBytes) {
                    throw new ProcFileException(ProcFileException.Kind.TOO_LARGE, file + " holds more than " + maxBytes
                            + " bytes, more than any real file of its kind; it is not what procfs provides");
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skip is not supported on " + file);
        }

        long bytesRead() {
            return read;
        }
    }

    /** Bytes read so far through a stream {@link #open} returned, or -1 for any other stream. */
    public static long bytesRead(InputStream in) {
        return in instanceof Bounded b ? b.bytesRead() : -1;
    }
}
