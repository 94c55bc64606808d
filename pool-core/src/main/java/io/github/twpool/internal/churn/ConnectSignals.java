package io.github.twpool.internal.churn;

import io.github.twpool.internal.probe.HostTcpCounters;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.HashMap;
import java.util.Map;

/**
 * The probe thread's helpers for the connect signals: which client hosts the server names are this host, and host
 * connects the pool does not explain. Answers about
 * names are cached (bounded), so each name is resolved once. Not thread-safe: the probe thread uses it.
 */
public final class ConnectSignals {

    private static final int MAX_CACHED = 256;

    private final Map<String, Boolean> thisHostByName = new HashMap<>();
    private long prevNanos;
    private HostTcpCounters prevHost;
    private long prevPoolOpened;
    private long prevJvmOutside;

    /** Whether a client host as the server names it (an address, or a name where the server resolves) is this host. */
    public boolean isThisHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        Boolean known = thisHostByName.get(host);
        if (known != null) {
            return known;
        }
        boolean local = ChurnDetector.isLoopbackName(host);
        if (!local) {
            try {
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    if (a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null) {
                        local = true;
                        break;
                    }
                }
            } catch (Exception e) {
                local = false; // an unresolvable name is not an address of this host
            }
        }
        if (thisHostByName.size() < MAX_CACHED) {
            thisHostByName.put(host, local);
        }
        return local;
    }

    /**
     * Connects/s on the endpoint's side of this host's counters since the last call (PassiveOpens for a local
     * server, ActiveOpens otherwise) beyond the pool's and the JVM's counted ones; NaN on the first call or
     * without counters.
     *
     * @param jvmOutside connects this JVM made outside twpool's pools so far, -1 when not counted
     */
    double unexplainedOpens(long nanos, HostTcpCounters host, boolean endpointLocal, long poolOpened, long jvmOutside) {
        double rate = Double.NaN;
        long jvmOther = Math.max(0, jvmOutside);
        if (prevHost != null && nanos > prevNanos && host.activeOpens() >= 0 && prevHost.activeOpens() >= 0) {
            long opens = endpointLocal ? host.passiveOpens() - prevHost.passiveOpens() : host.activeOpens() - prevHost.activeOpens();
            rate = (opens - (poolOpened - prevPoolOpened) - (jvmOther - prevJvmOutside)) / ((nanos - prevNanos) / 1e9);
        }
        prevNanos = nanos;
        prevHost = host;
        prevPoolOpened = poolOpened;
        prevJvmOutside = jvmOther;
        return rate;
    }
}
