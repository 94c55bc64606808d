package io.github.twpool.internal.churn;

import io.github.twpool.ChurnCause;
import io.github.twpool.CloseReason;

import java.time.Duration;
import java.util.Map;

/**
 * What {@link ChurnDetector} decided, with the numbers behind it; {@link ChurnMessages} renders the words. Keeping
 * the two apart lets the rules be tested on numbers and the messages on wording.
 */
public sealed interface Finding {

    ChurnCause cause();

    /** The watcher's name: the pool's, or the sidecar's for an endpoint. */
    String pool();

    default String reason() {
        return null;
    }

    /** A finding that says who opens the connections; the pipeline may name them after the detector decided. */
    sealed interface Attributed extends Finding {
        Attribution local();

        Attributed withLocal(Attribution local);
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
     * @param pooled        whether a pool watches (else the sidecar: every connection is outside)
     * @param poolSize      the pool's size, 0 without a pool
     * @param rate          new connections/s outside this pool, the largest of the estimates below
     * @param poolOpenRate  this pool's opens/s
     * @param timeWait      sockets to the endpoint in TIME_WAIT now (-1 without a census), client and server side
     * @param timeWaitRate  connections that entered TIME_WAIT/s over {@code timeWaitWindow}, NaN without a census window
     * @param local         who on this host opened them, as far as it could be told
     * @param serverLocalRate connects/s the server accepted from this host beyond this pool (NaN without a server
     *                      window), bounded by the host's own TCP counters
     * @param ending        how the connections end
     * @param resetRate     resets/s this host sent (host-wide), NaN if unknown
     */
    record OutsidePool(String pool, String endpoint, int port, boolean pooled, int poolSize, double rate,
                       double poolOpenRate, Duration window, int timeWait, int timeWaitClient, int timeWaitServer,
                       double timeWaitRate, Duration timeWaitWindow, Attribution local, double serverLocalRate,
                       Ending ending, double resetRate) implements Attributed {
        public ChurnCause cause() {
            return ChurnCause.OUTSIDE_POOL;
        }

        public OutsidePool withLocal(Attribution local) {
            return new OutsidePool(pool, endpoint, port, pooled, poolSize, rate, poolOpenRate, window, timeWait,
                    timeWaitClient, timeWaitServer, timeWaitRate, timeWaitWindow, local, serverLocalRate, ending, resetRate);
        }

        /** Connects/s from this JVM outside twpool's pools, NaN when not measured. */
        public double jvmRate() {
            return local.thisJvmRate();
        }
    }

    /**
     * This pool opens and closes connections fast; {@code reason} is recycle, overflow or failures.
     *
     * @param recycle           the lifetime the pool replaces connections after now
     * @param configuredRecycle the configured one (longer where the pool shortened it under wait_timeout)
     * @param closedByReason    the pool's closes over {@code elapsed} by why it closed them (empty when not counted)
     */
    record PoolChurn(String pool, String reason, long opened, Duration elapsed, double openRate, int maxPoolSize,
                     double healthyRate, Duration recycle, Duration configuredRecycle, int total, double recycleRate,
                     Duration overflowIdleTimeout, int peak, int poolSize, int maxOverflow, long failed,
                     Duration keepalive, Map<CloseReason, Long> closedByReason) implements Finding {
        public ChurnCause cause() {
            return ChurnCause.POOL;
        }

        /** True when the pool runs with a shorter recycle than configured. */
        public boolean recycleShortened() {
            return !recycle.isZero() && (configuredRecycle.isZero() || recycle.compareTo(configuredRecycle) < 0);
        }
    }

    /** Sockets towards the endpoint hold a large share of the ephemeral port range. */
    record PortExhaustion(String pool, String endpoint, int used, int range, double usage, int timeWaitClient,
                          int establishedClient, double clientRate, int tcpTwReuse, int portLow, int portHigh,
                          Attribution local) implements Attributed {
        public ChurnCause cause() {
            return ChurnCause.PORT_EXHAUSTION;
        }

        public PortExhaustion withLocal(Attribution local) {
            return new PortExhaustion(pool, endpoint, used, range, usage, timeWaitClient, establishedClient, clientRate,
                    tcpTwReuse, portLow, portHigh, local);
        }
    }

    /** How the server-side rate is attributed to hosts. */
    enum HostAttribution {
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
    record ServerChurn(String pool, String endpoint, boolean pooled, double serverRate, long accepted, long seconds,
                       double poolRate, double thisHostRate, double otherHostsRate, Map<String, Double> otherHosts,
                       HostAttribution attribution, String missing) implements Finding {
        public ChurnCause cause() {
            return ChurnCause.SERVER_CHURN;
        }
    }

    /** {@code maxPoolSize} 0: no pool watches. */
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
