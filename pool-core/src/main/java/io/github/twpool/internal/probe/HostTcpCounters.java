package io.github.twpool.internal.probe;

/**
 * The host's TCP counters (of this network namespace) at one moment, from {@code /proc/net/snmp} and
 * {@code /proc/net/netstat}. They count every connection of the host, to any endpoint: on their own they cannot say
 * which endpoint or process a change belongs to (see the README on how the detector narrows them down). A counter
 * the kernel does not report is -1.
 *
 * @param activeOpens   {@code Tcp: ActiveOpens}: connections this host opened (connect)
 * @param passiveOpens  {@code Tcp: PassiveOpens}: connections this host accepted (a local server's clients)
 * @param outRsts       {@code Tcp: OutRsts}: resets sent, e.g. by Connector/J's close of a TLS connection
 * @param estabResets   {@code Tcp: EstabResets}: established connections ended by a reset
 * @param abortOnData   {@code TcpExt: TCPAbortOnData}: connections closed with unread data, which sends a reset
 * @param abortOnClose  {@code TcpExt: TCPAbortOnClose}: connections closed by the application with data in flight
 */
public record HostTcpCounters(long activeOpens, long passiveOpens, long outRsts, long estabResets,
                              long abortOnData, long abortOnClose) {

    public static final HostTcpCounters UNKNOWN = new HostTcpCounters(-1, -1, -1, -1, -1, -1);

    /** Connections that ended in a reset rather than a FIN handshake (and so left no TIME_WAIT), or -1. */
    public long resets() {
        return outRsts < 0 ? -1 : outRsts;
    }
}
