package io.github.twpool;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's TCP settings that decide how churn hurts, read from {@code /proc/sys/net/ipv4}. Unknown values are -1.
 */
public record KernelSettings(int portRangeLow, int portRangeHigh, int tcpTwReuse, int tcpFinTimeout,
                             int tcpMaxTwBuckets, int tcpTimestamps, boolean tcpTwRecycleExists, String kernelRelease) {

    /** Linux's default ip_local_port_range, 32768-60999. */
    public static final int DEFAULT_EPHEMERAL_PORTS = 28_232;

    /** Ports in {@code ip_local_port_range}: how many connections to one {@code ip:port} can exist at once. */
    public int ephemeralPorts() {
        return portRangeLow > 0 && portRangeHigh >= portRangeLow ? portRangeHigh - portRangeLow + 1 : DEFAULT_EPHEMERAL_PORTS;
    }

    /** New connections per second to one endpoint that TIME_WAIT alone turns into port exhaustion. */
    public double exhaustionRate() {
        return ephemeralPorts() / 60.0;
    }

    /** True statements about these settings, one sentence each, for operators. */
    public List<String> advice() {
        List<String> out = new ArrayList<>();
        out.add(String.format(java.util.Locale.ROOT,
                "ip_local_port_range %s gives %d ephemeral ports per destination ip:port; since each closed connection keeps "
                        + "its port 60 s in TIME_WAIT, sustained churn above ~%.0f new connections/s to one endpoint ends in "
                        + "'Cannot assign requested address' (widening the range buys headroom; pooling removes the churn).",
                portRangeLow > 0 ? portRangeLow + "-" + portRangeHigh : "(unknown, Linux default 32768-60999)",
                ephemeralPorts(), exhaustionRate()));
        if (tcpFinTimeout >= 0) {
            out.add("tcp_fin_timeout=" + tcpFinTimeout + " governs FIN_WAIT_2 only: TIME_WAIT lasts 60 s on Linux whatever it says,"
                    + " so lowering it does not shorten TIME_WAIT.");
        }
        switch (tcpTwReuse) {
            case 0 -> out.add("tcp_tw_reuse=0: outgoing connections never reuse a port in TIME_WAIT; 1 allows it for all "
                    + "outgoing connections (it needs tcp_timestamps=1) and never helps the server side.");
            case 1 -> out.add("tcp_tw_reuse=1: outgoing connections may reuse ports in TIME_WAIT when timestamps allow it; "
                    + "it does nothing for sockets the server side holds.");
            case 2 -> out.add("tcp_tw_reuse=2 (the default) lets only loopback connections reuse ports in TIME_WAIT; 1 extends "
                    + "that to all outgoing connections (it needs tcp_timestamps=1) and no setting helps the server side.");
            default -> { }
        }
        if (tcpTimestamps == 0) {
            out.add("tcp_timestamps=0: tcp_tw_reuse cannot work without TCP timestamps; keep them on (1).");
        }
        if (tcpTwRecycleExists) {
            out.add("tcp_tw_recycle exists on this kernel (older than 4.12): keep it 0, it breaks clients behind NAT and was "
                    + "removed from Linux for that reason.");
        } else {
            out.add("tcp_tw_recycle does not exist on this kernel (removed in Linux 4.12, it broke clients behind NAT): "
                    + "advice to set it is obsolete.");
        }
        if (tcpMaxTwBuckets > 0) {
            out.add("tcp_max_tw_buckets=" + tcpMaxTwBuckets + " is a guard against attacks: past it the kernel destroys "
                    + "TIME_WAIT sockets early and logs an overflow; raising or lowering it is not a fix for churn.");
        }
        return out;
    }
}
