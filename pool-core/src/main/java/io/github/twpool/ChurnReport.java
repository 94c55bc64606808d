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
 * @param origins            who opens connections outside the pool (this JVM with its call sites, another process),
 *                           sampled while churn lasts, with the method behind each figure
 */
public record ChurnReport(Instant at, String pool, String endpoint, String probeStatus, SocketCensus census,
                          long hostTimeWait, KernelSettings kernel, double portUsage, ChurnRates rates,
                          long connectionsOpened, long connectionsClosed, ServerStatus server,
                          List<ChurnVerdict> verdicts, Map<ChurnCause, Long> warnings,
                          ChurnOrigins origins) {

    /**
     * Code that opens connections outside the pool: the first stack frame outside JDBC, pool and framework code.
     *
     * @param frame {@code com.acme.ReportJob.run(ReportJob.java:42)}
     * @param share its share of the threads caught in a JDBC connect, 0 to 1
     */
    public record CallSite(String frame, double share) {
    }

    public ChurnReport {
        verdicts = List.copyOf(verdicts);
        warnings = Map.copyOf(warnings);
        origins = origins == null ? ChurnOrigins.NOT_SAMPLED : origins;
    }

    /** The code in this JVM caught opening connections outside the pool, most frequent first. */
    public List<CallSite> callSites() {
        return origins.callSites();
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
