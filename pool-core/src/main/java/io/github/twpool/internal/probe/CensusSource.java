package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;

import java.io.IOException;

/**
 * One way of taking the census of sockets to an {@link Endpoint}: {@code /proc/net/tcp*} ({@link CensusScanner}) or
 * netlink sock_diag on Java 22+ ({@code NetlinkCensusScanner}, in the jar's {@code META-INF/versions/22}). No
 * logging: the doctor runs without SLF4J, so failures escape as exceptions for the caller to report.
 */
public interface CensusSource {

    /** Census method names, as {@link SocketCensus#method()} and the pool's start line print them. */
    String PROC = "proc";
    String NETLINK = "netlink";

    /** A census now; what cannot be read escapes as an {@link IOException}. */
    SocketCensus scan() throws IOException;

    /**
     * As {@link #scan()}, also sending the inode of every ESTABLISHED client-side socket to the endpoint to
     * {@code inodes} (when not {@code null}). A census that cannot read inodes fails rather than send none.
     */
    default SocketCensus scan(EstablishedInodeSink inodes) throws IOException {
        if (inodes != null) {
            throw new IOException("the " + method() + " census does not read socket inodes");
        }
        return scan();
    }

    /** {@link #PROC} or {@link #NETLINK}. */
    String method();
}
