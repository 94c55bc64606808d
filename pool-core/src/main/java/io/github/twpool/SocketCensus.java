package io.github.twpool;

import java.time.Duration;
import java.time.Instant;

/**
 * Sockets to the database endpoint at one moment, from {@code /proc/net/tcp} and {@code /proc/net/tcp6} or, on
 * Java 22+, from the kernel over netlink ({@link #method()}).
 * Client side: the remote end is the database ({@code ip:port}); each such socket holds an ephemeral port.
 * Server side: the local port is the database's, when the database runs on this host.
 *
 * <p>TIME_WAIT sockets carry the time they have left, so the census also tells how many entered TIME_WAIT
 * recently: {@link #clientTimeWaitNewerThan(Duration)}.
 */
public final class SocketCensus {

    /** Linux keeps a socket in TIME_WAIT for 60 s; buckets are whole seconds left, 0 to 60. */
    public static final int TIME_WAIT_SECONDS = 60;

    private final Instant at;
    private final int timeWaitClient;
    private final int timeWaitServer;
    private final int establishedClient;
    private final int establishedServer;
    private final long scanNanos;
    private final int linesScanned;
    private final int[] clientBySecondsLeft;
    private final int[] serverBySecondsLeft;
    private final String method;

    /** A census read from {@code /proc} ({@link #method()} {@code proc}). */
    public SocketCensus(Instant at, int timeWaitClient, int timeWaitServer, int establishedClient, int establishedServer,
                        long scanNanos, int linesScanned, int[] clientBySecondsLeft, int[] serverBySecondsLeft) {
        this(at, timeWaitClient, timeWaitServer, establishedClient, establishedServer, scanNanos, linesScanned,
                clientBySecondsLeft, serverBySecondsLeft, "proc");
    }

    /** {@code method}: how it was taken, {@code proc} or {@code netlink}. */
    public SocketCensus(Instant at, int timeWaitClient, int timeWaitServer, int establishedClient, int establishedServer,
                        long scanNanos, int linesScanned, int[] clientBySecondsLeft, int[] serverBySecondsLeft,
                        String method) {
        this.method = method;
        this.at = at;
        this.timeWaitClient = timeWaitClient;
        this.timeWaitServer = timeWaitServer;
        this.establishedClient = establishedClient;
        this.establishedServer = establishedServer;
        this.scanNanos = scanNanos;
        this.linesScanned = linesScanned;
        this.clientBySecondsLeft = histogram(clientBySecondsLeft);
        this.serverBySecondsLeft = histogram(serverBySecondsLeft);
    }

    private static int[] histogram(int[] h) {
        int[] copy = new int[TIME_WAIT_SECONDS + 1];
        if (h != null) {
            System.arraycopy(h, 0, copy, 0, Math.min(h.length, copy.length));
        }
        return copy;
    }

    public Instant at() { return at; }
    /** Client-side sockets to the endpoint in TIME_WAIT. */
    public int timeWaitClient() { return timeWaitClient; }
    /** Server-side sockets (local port = the database's) in TIME_WAIT. */
    public int timeWaitServer() { return timeWaitServer; }
    /** Both sides. */
    public int timeWait() { return timeWaitClient + timeWaitServer; }
    public int establishedClient() { return establishedClient; }
    public int establishedServer() { return establishedServer; }
    /** Both sides. */
    public int established() { return establishedClient + establishedServer; }
    /** What the scan cost. */
    public long scanNanos() { return scanNanos; }
    /**
     * Sockets read: for {@code proc} every socket of the network namespace (one line each); for {@code netlink}
     * only those the kernel's filter let through (ESTABLISHED or TIME_WAIT, to or from the endpoint's port).
     */
    public int linesScanned() { return linesScanned; }
    /**
     * How the census was taken: {@code netlink} (Java 22+, the kernel filters and sends binary records) or
     * {@code proc} (the kernel formats every socket of the namespace as text in {@code /proc/net/tcp*}).
     */
    public String method() { return method; }

    /** Client-side sockets that entered TIME_WAIT less than {@code window} ago (at most 60 s back). */
    public int clientTimeWaitNewerThan(Duration window) {
        return newerThan(clientBySecondsLeft, window);
    }

    /** Server-side sockets that entered TIME_WAIT less than {@code window} ago (at most 60 s back). */
    public int serverTimeWaitNewerThan(Duration window) {
        return newerThan(serverBySecondsLeft, window);
    }

    private static int newerThan(int[] bySecondsLeft, Duration window) {
        // A socket w seconds into TIME_WAIT has 60 - w seconds left.
        long minLeft = TIME_WAIT_SECONDS - Math.min(TIME_WAIT_SECONDS, (window.toMillis() + 999) / 1000);
        int n = 0;
        for (int s = (int) minLeft; s <= TIME_WAIT_SECONDS; s++) {
            n += bySecondsLeft[s];
        }
        return n;
    }

    @Override
    public String toString() {
        return "time_wait client=" + timeWaitClient + " server=" + timeWaitServer
                + " established=" + established() + " method=" + method;
    }
}
