package io.github.twpool;

import java.util.List;

/**
 * Where the churn outside a pool comes from on this host, and how each figure was measured. Nothing here is counted
 * at the JDBC driver: twpool samples, while churn lasts, the threads' stacks for frames inside a driver's
 * {@code connect} (the call sites, with their shares of the samples) and the endpoint's new client sockets against
 * this process's own socket inodes (this JVM or another process). The rate is the detector's estimate of the churn
 * outside the pool; it is given to this JVM or to another process only when the sockets say which. When they cannot
 * decide, {@link #undecided()} says why, and neither rate is given.
 *
 * @param origin            who opens the connections, as far as the samples tell
 * @param thisJvmRate       connects/s from this JVM outside twpool's pools, NaN when not measured
 * @param otherProcessRate  connects/s from other processes on this host, NaN when not measured
 * @param rateMethod        what the rate was measured with (TIME_WAIT sockets, the server's count), or {@code null}
 * @param splitMethod       what told this JVM from another process, or {@code null}
 * @param undecided         why this JVM and another process cannot be told apart, or {@code null}
 * @param callSites         code in this JVM caught in a JDBC driver's connect, most frequent first
 * @param stackSamples      stack samples taken over the window
 * @param connectSamples    threads caught in a driver's connect (outside twpool's pools) in them
 * @param socketSamples     socket samples taken over the window
 * @param ownSockets        new sockets to the endpoint caught open that this process held
 * @param otherSockets      new sockets to the endpoint caught open that another process held
 * @param unresolvedSockets new sockets caught open too briefly to tell whose they were
 */
public record ChurnOrigins(Origin origin, double thisJvmRate, double otherProcessRate, String rateMethod,
                           String splitMethod, String undecided, List<ChurnReport.CallSite> callSites,
                           long stackSamples, long connectSamples, long socketSamples, long ownSockets,
                           long otherSockets, long unresolvedSockets) {

    /** Who opens the connections outside the pool. */
    public enum Origin {
        /** Nothing sampled: no churn outside the pool so far, or the probe is off. */
        NOT_SAMPLED,
        /** Every new socket to the endpoint caught open was this process's. */
        THIS_JVM,
        /** Every new socket caught open was another process's, and no thread here was caught connecting. */
        ANOTHER_PROCESS,
        /** Sockets of both were caught; how the rate splits between them is not measured. */
        BOTH,
        /** The samples cannot tell: see {@link #undecided()}. */
        UNDECIDED
    }

    public static final ChurnOrigins NOT_SAMPLED = new ChurnOrigins(Origin.NOT_SAMPLED, Double.NaN, Double.NaN, null,
            null, null, List.of(), 0, 0, 0, 0, 0, 0);

    public ChurnOrigins {
        callSites = List.copyOf(callSites);
    }

    /** The same samples with the outside rate given to whom they name. */
    public ChurnOrigins withRate(double rate, String method) {
        double jvm = origin == Origin.THIS_JVM ? rate : origin == Origin.ANOTHER_PROCESS ? 0 : Double.NaN;
        double other = origin == Origin.ANOTHER_PROCESS ? rate : origin == Origin.THIS_JVM ? 0 : Double.NaN;
        return new ChurnOrigins(origin, jvm, other, method, splitMethod, undecided, callSites, stackSamples,
                connectSamples, socketSamples, ownSockets, otherSockets, unresolvedSockets);
    }
}
