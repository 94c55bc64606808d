package io.github.twpool.internal.churn;

import io.github.twpool.ChurnOrigins;

import java.util.List;

/**
 * Who on this host opened the endpoint's connections outside the pool over a recent window, and how that was found
 * out: what a source of attribution hands the pipeline on each tick. Sources differ in what they can tell: connects
 * counted in this JVM (exact for this JVM, with sampled call sites), this process's own sockets against all of the
 * endpoint's (this JVM versus another process), the sockets of every process on the host (the sidecar). A figure a
 * method does not measure is NaN; when this JVM and another process cannot be told apart, {@code undecided} says why,
 * so that a warning never names the wrong one with confidence.
 *
 * @param method          how the figures were measured, as a warning names it ("counted at the JDBC driver")
 * @param names           what its origins name: call sites in this JVM, or processes on this host
 * @param thisJvmRate     connects/s from this JVM outside twpool's pools, NaN when not measured
 * @param otherProcessRate connects/s from other processes on this host, NaN when not measured
 * @param undecided       why this JVM and other processes cannot be told apart, or {@code null}
 * @param origins         who opened them, most first: call sites in this JVM, or processes
 * @param samples         observations the shares rest on (sampled connects, stacks or sockets)
 * @param named           of {@code samples}, how many could be given an origin
 * @param total           connects this JVM made outside twpool's pools since counting began, -1 when not counted
 * @param settled         whether enough was observed to name anyone in a warning (a warning waits for it)
 * @param limitation      what keeps the method from naming more, or {@code null}
 * @param sampled         this JVM's sampled view (who, by stacks and own sockets), {@link ChurnOrigins#NOT_SAMPLED}
 *                        from a source that does not sample
 */
public record Attribution(String method, Kind names, double thisJvmRate, double otherProcessRate, String undecided,
                          List<Origin> origins, long samples, long named, long total, boolean settled,
                          String limitation, ChurnOrigins sampled) {

    /** Nothing measured: the detector relies on its other signals. */
    public static final Attribution NONE = new Attribution(null, Kind.CALL_SITE, Double.NaN, Double.NaN, null, List.of(), 0, 0, -1, true, null);

    public Attribution {
        origins = List.copyOf(origins);
        sampled = sampled == null ? ChurnOrigins.NOT_SAMPLED : sampled;
    }

    /** Without a sampled view of this JVM. */
    public Attribution(String method, Kind names, double thisJvmRate, double otherProcessRate, String undecided,
                       List<Origin> origins, long samples, long named, long total, boolean settled, String limitation) {
        this(method, names, thisJvmRate, otherProcessRate, undecided, origins, samples, named, total, settled, limitation,
                ChurnOrigins.NOT_SAMPLED);
    }

    /** What kind of thing an origin names. */
    public enum Kind {
        /** A frame in this JVM: {@code com.acme.ReportJob.run(ReportJob.java:42)}. */
        CALL_SITE,
        /** A process (or a command's processes) on this host: {@code pid 4711 (python3 worker.py)}. */
        PROCESS
    }

    /**
     * @param name  the call site's frame, or the process as a warning names it
     * @param share its share of the named observations, 0 to 1
     */
    public record Origin(String name, double share) {
    }

    /** Whether anything was measured. */
    public boolean measured() {
        return method != null;
    }

}
