package io.github.twpool.internal.churn;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnOrigins;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@link ChurnDetector} decided, with the numbers behind it; {@link ChurnWarnings} renders the words. Keeping
 * the two apart lets the rules be tested on numbers and the messages on wording.
 */
sealed interface Finding {

    ChurnCause cause();

    default String reason() {
        return null;
    }

    /** How connections to the endpoint end, as the host's counters show it. */
    enum Ending {
        /** A FIN handshake: one socket in TIME_WAIT per connection, holding a port for 60 s. */
        TIME_WAIT,
        /** A reset (Connector/J over TLS): no TIME_WAIT, but a TCP and TLS handshake per connection. */
        RESET,
        /** Not known (no census and no host counters). */
        UNKNOWN
    }

    /**
     * Churn towards the endpoint from this host that this pool did not cause.
     *
     * @param rate          new connections/s outside this pool, the largest of the estimates below
     * @param poolOpenRate  this pool's opens/s
     * @param timeWait      sockets to the endpoint in TIME_WAIT now (-1 without a census), client and server side
     * @param timeWaitRate  connections that entered TIME_WAIT/s over {@code timeWaitWindow}, NaN without a census window
     * @param origins       who opens them (this JVM with its call sites, another process), as sampled, with the rate given to
     *                      whom the samples name
     * @param serverLocalRate connects/s the server accepted from this host beyond this pool (NaN without a server
     *                      window), bounded by the host's own TCP counters
     * @param ending        how the connections end
     * @param resetRate     resets/s this host sent (host-wide), NaN if unknown
     */
    /** {@code poolSize} 0: seen by a watcher without a pool (the sidecar). */
    record OutsidePool(String pool, String endpoint, int port, int poolSize, double rate, double poolOpenRate,
                       Duration window, int timeWait, int timeWaitClient, int timeWaitServer, double timeWaitRate,
                       Duration timeWaitWindow, ChurnOrigins origins, double serverLocalRate,
                       Ending ending, double resetRate) implements Finding {
        public ChurnCause cause() {
            return ChurnCause.OUTSIDE_POOL;
        }
    }

    /** This pool opens and closes connections fast; {@code reason} is recycle, overflow or failures. */
    record PoolChurn(String pool, String reason, long opened, Duration elapsed, double openRate, int maxPoolSize,
                     double healthyRate, Duration recycle, boolean recycleShortened, String recycleDescribed, int total, double recycleRate, Duration overflowIdleTimeout,
                     int peak, int poolSize, int maxOverflow, long failed, Duration keepalive) implements Finding {
        public ChurnCause cause() {
            return ChurnCause.POOL;
        }
    }

    /** Sockets towards the endpoint hold a large share of the ephemeral port range. */
    record PortExhaustion(String pool, String endpoint, int used, int range, double usage, int timeWaitClient,
                          int establishedClient, double clientRate, int tcpTwReuse, int portLow, int portHigh)
            implements Finding {
        public ChurnCause cause() {
            return ChurnCause.PORT_EXHAUSTION;
        }
    }

    /** How the server-side rate is attributed to hosts. */
    enum Attribution {
        /** The server's per-client-host counts. */
        PER_HOST,
        /** This host's TCP counters bound how much of it can come from here. */
        HOST_COUNTERS,
        /** Neither is available. */
        UNKNOWN
    }

    /**
     * The server accepts new connections faster than this host explains.
     *
     * @param thisHostRate  connects/s from this host beyond this pool (NaN when it cannot be told)
     * @param otherHostsRate connects/s that this host cannot have made (a lower bound with host counters)
     * @param otherHosts    per other client host, connects/s (with per-host statistics), most first
     * @param missing       what the server lacks for per-host counts, or null
     */
    record ServerChurn(String pool, String endpoint, double serverRate, long accepted, long seconds, double poolRate,
                       double thisHostRate, double otherHostsRate, Map<String, Double> otherHosts,
                       Attribution attribution, String missing) implements Finding {
        public ChurnCause cause() {
            return ChurnCause.SERVER_CHURN;
        }
    }

    record ServerCapacity(String pool, String endpoint, long threadsConnected, long maxConnections, int maxPoolSize)
            implements Finding {
        public ChurnCause cause() {
            return ChurnCause.SERVER_CAPACITY;
        }
    }

    record AbortedClients(String pool, String endpoint, long aborted, long seconds, long waitTimeoutSeconds)
            implements Finding {
        public ChurnCause cause() {
            return ChurnCause.ABORTED_CLIENTS;
        }
    }
}
