package io.github.twpool.internal.connect;

import io.github.twpool.internal.probe.ClientSocketSampler;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Splits the endpoint's new client-side connections on this host by owner: this process or another one. One sample
 * lists this process's socket inodes ({@code /proc/self/fd}), lists the endpoint's client sockets that have an owner
 * (SYN_SENT, ESTABLISHED) with their inodes ({@link ClientSocketSampler}, the sidecar's sampler too), and lists this
 * process's inodes again. A socket not seen on the previous sample is new;
 * it is this process's when either list holds it. One that neither holds is another process's only when the two
 * lists are at most {@link #DECISIVE_NANOS} apart: one of this process's own connections opened and closed between
 * them would be missing from both too, and no JDBC connect with its handshake is that short. Past that (a slow
 * {@code /proc/net/tcp} on a host with a large connection table) such a socket stays unresolved.
 *
 * <p>Holds inodes (numbers) of the last sample only. Not thread-safe: the sampler thread owns it.
 */
final class EndpointSockets {

    /** How far apart the two listings of this process's sockets may be for a socket missing from both to be another's. */
    static final long DECISIVE_NANOS = 2_000_000L;

    /** New sockets in one sample, by owner, and how long the census between the listings took. */
    record Sample(int own, int other, int unresolved, long windowNanos) {
    }

    private final ClientSocketSampler census;
    private final OwnSockets ownSockets;
    private Set<Long> previous;
    private Set<Long> current = new HashSet<>();
    private final Set<Long> ownBefore = new HashSet<>();
    private final Set<Long> ownAfter = new HashSet<>();

    private final LongSupplier nanoTime;

    EndpointSockets(ClientSocketSampler census, OwnSockets ownSockets) {
        this(census, ownSockets, System::nanoTime);
    }

    /** With the clock that times the census between the two listings (tests give one that a busy host cannot slow). */
    EndpointSockets(ClientSocketSampler census, OwnSockets ownSockets, LongSupplier nanoTime) {
        this.census = census;
        this.ownSockets = ownSockets;
        this.nanoTime = nanoTime;
    }

    /** One sample; {@code null} on the first (nothing to compare with yet). I/O failures escape. */
    Sample sample() throws IOException {
        long start = nanoTime.getAsLong();
        ownSockets.read(ownBefore);
        Set<Long> seen = current;
        seen.clear();
        census.sample((inode, uid, cgroupId, connecting) -> seen.add(inode));
        ownSockets.read(ownAfter);
        long window = nanoTime.getAsLong() - start;
        Set<Long> before = previous;
        current = before == null ? new HashSet<>() : before;
        previous = seen;
        if (before == null) {
            return null;
        }
        int own = 0;
        int other = 0;
        int unresolved = 0;
        for (Long inode : seen) {
            if (before.contains(inode)) {
                continue;
            }
            if (ownBefore.contains(inode) || ownAfter.contains(inode)) {
                own++;
            } else if (window <= DECISIVE_NANOS && !ownSockets.truncated()) {
                other++;
            } else {
                unresolved++;
            }
        }
        return new Sample(own, other, unresolved, window);
    }
}
