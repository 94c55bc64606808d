package io.github.twpool.internal.probe;

/**
 * Receives each client-side socket to the endpoint that still has an owner (SYN_SENT or ESTABLISHED, inode not 0)
 * a {@link ClientSocketSampler} finds: what the kernel says about the socket itself, for naming its process after it
 * has closed. Called on the sampling thread, once per socket per sample.
 */
@FunctionalInterface
public interface ClientSocketSink {

    /** The cgroup id when the sampler cannot tell it (no cgroup v2 in the kernel, or {@code /proc/net/tcp}). */
    long NO_CGROUP = -1;

    /**
     * @param inode      the socket's inode ({@code socket:[inode]} in its process's {@code /proc/<pid>/fd})
     * @param uid        the uid that created it (the socket's owner, as {@code ss -e} shows)
     * @param cgroupId   its cgroup v2 id (the inode of the cgroup's directory in the cgroup2 file system), or
     *                   {@link #NO_CGROUP}
     * @param connecting true in SYN_SENT, false in ESTABLISHED
     */
    void socket(long inode, long uid, long cgroupId, boolean connecting);
}
