package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** One full census of {@code net/tcp} and {@code net/tcp6} for an endpoint. No logging: the doctor runs without SLF4J. */
public final class CensusScanner {

    private final Path procRoot;
    private final Endpoint endpoint;
    private final ProcNetTcpParser parser = new ProcNetTcpParser();
    private final ProcNetTcpParser.Counts counts = new ProcNetTcpParser.Counts();

    public CensusScanner(Path procRoot, Endpoint endpoint) {
        this.procRoot = procRoot;
        this.endpoint = endpoint;
    }

    /** Scans both files; I/O errors (no such file, no permission) escape for the caller to report. */
    public SocketCensus scan() throws IOException {
        return scan(null);
    }

    /**
     * As {@link #scan()}, also sending the inode of every ESTABLISHED client-side socket to the endpoint to
     * {@code inodes} (when not {@code null}).
     */
    public SocketCensus scan(EstablishedInodeSink inodes) throws IOException {
        long start = System.nanoTime();
        counts.reset();
        counts.collectInodes(inodes);
        try {
            scanFile(procRoot.resolve("net/tcp"), false);
            scanFile(procRoot.resolve("net/tcp6"), true);
        } finally {
            counts.collectInodes(null);
        }
        return new SocketCensus(Instant.now(), counts.timeWaitClient(), counts.timeWaitServer(),
                counts.establishedClient(), counts.establishedServer(), System.nanoTime() - start, counts.lines(),
                counts.clientBySecondsLeft(), counts.serverBySecondsLeft());
    }

    private void scanFile(Path file, boolean v6) throws IOException {
        if (v6 && !Files.exists(file)) {
            return; // IPv6 disabled: nothing to count there
        }
        try (InputStream in = Files.newInputStream(file)) {
            parser.scan(in, v6, endpoint, counts);
        }
    }

    public Endpoint endpoint() {
        return endpoint;
    }
}
