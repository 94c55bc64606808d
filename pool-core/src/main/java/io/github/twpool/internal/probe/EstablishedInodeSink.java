package io.github.twpool.internal.probe;

/**
 * Receives the inode of each ESTABLISHED client-side socket to the endpoint a census finds (the {@code inode} column
 * of {@code /proc/net/tcp*}), for mapping sockets to the processes that hold them ({@code /proc/<pid>/fd} links read
 * {@code socket:[inode]}). Only asked for by callers that name processes: a census without a sink parses nothing past
 * the timer column. Called on the scanning thread, once per socket; inode 0 (no owner) is never passed.
 */
@FunctionalInterface
public interface EstablishedInodeSink {

    void established(long inode);
}
