package io.github.twpool;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of what twpool knows about connection churn, for health checks, metrics and tests:
 * {@link TwPoolDataSource#churnReport()}. Values not known yet are {@code null} (objects), {@code -1} (counts) or
 * {@link Double#NaN} (ratios).
 *
 * @param at                 when the snapshot was taken
 * @param pool               the pool's name
 * @param endpoint           the database endpoint watched, {@code host:port} (no credentials)
 * @param probeStatus        {@code running}, {@code disabled}, {@code starting} or why the probe is unavailable
 * @param census             the latest census of sockets to the endpoint, or {@code null}
 * @param hostTimeWait       host-wide TIME_WAIT sockets from {@code /proc/net/sockstat}, or -1
 * @param kernel             the kernel's TCP settings, or {@code null}
 * @param portUsage          client-side sockets to the endpoint as a share of {@code ip_local_port_range}
 * @param rates              connection rates over the detector's last window
 * @param connectionsOpened  physical connections the pool opened since it started
 * @param connectionsClosed  physical connections the pool closed since it started
 * @param server             the latest server-side sample (with pool-mysql), or {@code null}
 * @param verdicts           the churn causes active now, each with its message
 * @param warnings           warnings written to the log so far, by cause
 * @param jvmConnectsOutsidePool connections this JVM opened to the endpoint outside twpool's pools since counting
 *                           began, counted at the JDBC driver ({@code probe.count-connects}), or -1 when not counted
 * @param callSites          the code that opened them, most frequent first, from sampled stacks over the recent window
 */
public record ChurnReport(Instant at, String pool, String endpoint, String probeStatus, SocketCensus census,
                          long hostTimeWait, KernelSettings kernel, double portUsage, ChurnRates rates,
                          long connectionsOpened, long connectionsClosed, ServerStatus server,
                          List<ChurnVerdict> verdicts, Map<ChurnCause, Long> warnings,
                          long jvmConnectsOutsidePool, List<CallSite> callSites) {

    /**
     * Code that opens connections outside the pool: the first stack frame outside JDBC, pool and framework code.
     *
     * @param frame {@code com.acme.ReportJob.run(ReportJob.java:42)}
     * @param share its share of the sampled connects, 0 to 1
     */
    public record CallSite(String frame, double share) {
    }

    public ChurnReport {
        verdicts = List.copyOf(verdicts);
        warnings = Map.copyOf(warnings);
        callSites = List.copyOf(callSites);
    }

    /** True when a verdict of this cause is active. */
    public boolean has(ChurnCause cause) {
        return verdicts.stream().anyMatch(v -> v.cause() == cause);
    }

    /** True while the probe reads {@code /proc}. */
    public boolean probeRunning() {
        return "running".equals(probeStatus);
    }
}
