package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One full census of {@code net/tcp} and {@code net/tcp6} for an endpoint. Both files are read through
 * {@link ProcFiles}: regular files only, bounded in bytes, and within one deadline for the whole scan. No logging:
 * the doctor runs without SLF4J.
 */
public final class CensusScanner implements CensusSource {

    /** More than this and not one socket line: the file is not a socket table (the header alone is ~150 bytes). */
    static final long GARBAGE_MIN_BYTES = 1024;

    private final Path procRoot;
    private final Endpoint endpoint;
    private final ProcNetTcpParser parser = new ProcNetTcpParser();
    private final ProcNetTcpParser.Counts counts = new ProcNetTcpParser.Counts();

    public CensusScanner(Path procRoot, Endpoint endpoint) {
        this.procRoot = procRoot;
        this.endpoint = endpoint;
    }

    /**
     * Scans both files; I/O errors (no such file, no permission) and {@link ProcFileException}s (not a regular file,
     * too large, too slow, no socket line in it) escape for the caller to report.
     */
    @Override
    public SocketCensus scan() throws IOException {
        return scan(null);
    }

    /**
     * As {@link #scan()}, also sending the inode of every ESTABLISHED client-side socket to the endpoint to
     * {@code inodes} (when not {@code null}).
     */
    @Override
    public SocketCensus scan(EstablishedInodeSink inodes) throws IOException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(ProcFiles.SCAN_DEADLINE_MILLIS);
        counts.reset();
        counts.collectInodes(inodes);
        try {
            scanFile(procRoot.resolve("net/tcp"), false, deadline);
            scanFile(procRoot.resolve("net/tcp6"), true, deadline);
        } finally {
            counts.collectInodes(null);
        }
        return new SocketCensus(Instant.now(), counts.timeWaitClient(), counts.timeWaitServer(),
                counts.establishedClient(), counts.establishedServer(), System.nanoTime() - start, counts.lines(),
                counts.clientBySecondsLeft(), counts.serverBySecondsLeft());
    }

    private void scanFile(Path file, boolean v6, long deadline) throws IOException {
        if (v6 && !Files.exists(file)) {
            return; // IPv6 disabled: nothing to count there
        }
        int linesBefore = counts.lines();
        long bytes;
        try (InputStream in = ProcFiles.open(file, ProcFiles.SOCKET_TABLE_MAX_BYTES, deadline)) {
            parser.scan(in, v6, endpoint, counts);
            bytes = ProcFiles.bytesRead(in);
        }
        if (counts.lines() == linesBefore && bytes > GARBAGE_MIN_BYTES) {
            throw new ProcFileException(ProcFileException.Kind.NO_SOCKET_LINES, "no socket lines parsed from " + file
                    + " (" + bytes + " bytes): it is not a /proc/net/" + (v6 ? "tcp6" : "tcp") + " socket table");
        }
    }

    @Override
    public String method() {
        return PROC;
    }

    public Endpoint endpoint() {
        return endpoint;
    }
}
