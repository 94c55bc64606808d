package io.github.twpool.internal.connect;

import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnReport;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The samples of the last {@link #WINDOW} and what they decide. Pure: numbers and names in, {@link ChurnOrigins}
 * out, no clock and no I/O, so each rule is tested with numbers.
 *
 * <p>The rules never name one side when the other may be there: only own sockets caught (at least
 * {@link #MIN_SOCKETS}) is this JVM; only other processes' sockets, with no thread here caught in a JDBC connect, is
 * another process; both caught is both, without a split (a sampler catches connections in proportion to how long
 * they stay open, not to how many there are, so shares of sockets are not shares of connects); anything else is
 * undecided, with the reason.
 */
final class OriginWindow {

    static final Duration WINDOW = Duration.ofSeconds(30);
    static final int MIN_SOCKETS = 3;
    static final int MAX_SITES = 10;
    static final String OTHER_SITES = "(other call sites)";
    static final int MAX_DISTINCT_SITES = 64;
    /** The shortest a client keeps a connection open: connect, one query, close, on loopback (PyMySQL, libmysqlclient). */
    static final double SHORTEST_CONNECTION_SECONDS = 0.001;
    /** The share of the endpoint's connections another process may make unseen when the samples name this JVM alone. */
    static final double UNSEEN_SHARE = 0.25;
    /** How many of that process's connections the socket samples must have been expected to catch. */
    static final double EXPECTED_CATCHES = 3;

    private record Entry(long nanos, List<String> sites, EndpointSockets.Sample sockets) {
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    /** One stack sample: the call site of each thread caught in a driver's connect outside twpool's pools. */
    void stacks(long nanos, List<String> sites) {
        add(new Entry(nanos, List.copyOf(sites), null));
    }

    /** One socket sample. */
    void sockets(long nanos, EndpointSockets.Sample sample) {
        add(new Entry(nanos, null, sample));
    }

    private void add(Entry e) {
        entries.addLast(e);
        while (!entries.isEmpty() && e.nanos() - entries.peekFirst().nanos() > WINDOW.toNanos()) {
            entries.removeFirst();
        }
    }

    void clear() {
        entries.clear();
    }

    /**
     * What the samples of the window ending at {@code nanos} tell.
     *
     * @param endpointRate the endpoint's new connections/s from this host, NaN when not known: only this JVM's sockets
     *                     caught names this JVM when, at that rate, the samples would have caught another process
     *                     making a quarter of the connections, each open a millisecond (a sampler catches connections
     *                     in proportion to how long they stay open, so not catching short ones proves nothing)
     */
    ChurnOrigins decide(long nanos, String splitMethod, double endpointRate) {
        long stackSamples = 0;
        long connects = 0;
        long socketSamples = 0;
        long own = 0;
        long other = 0;
        long unresolved = 0;
        long slowest = 0;
        Map<String, Long> sites = new HashMap<>();
        for (Entry e : entries) {
            if (nanos - e.nanos() > WINDOW.toNanos()) {
                continue;
            }
            if (e.sites() != null) {
                stackSamples++;
                for (String s : e.sites()) {
                    connects++;
                    String key = sites.containsKey(s) || sites.size() < MAX_DISTINCT_SITES ? s : OTHER_SITES;
                    sites.merge(key, 1L, Long::sum);
                }
            } else {
                socketSamples++;
                own += e.sockets().own();
                other += e.sockets().other();
                unresolved += e.sockets().unresolved();
                slowest = Math.max(slowest, e.sockets().windowNanos());
            }
        }
        if (stackSamples == 0 && socketSamples == 0) {
            return ChurnOrigins.NOT_SAMPLED;
        }
        List<ChurnReport.CallSite> named = topSites(sites, connects);
        ChurnOrigins.Origin origin;
        String undecided = null;
        String caught = String.format(Locale.ROOT, "%d socket samples and %d stack samples over the last %ds",
                socketSamples, stackSamples, WINDOW.toSeconds());
        if (own > 0 && other > 0) {
            origin = ChurnOrigins.Origin.BOTH;
        } else if (own >= MIN_SOCKETS && other == 0 && unresolved == 0
                && expectedCatches(socketSamples, endpointRate) >= EXPECTED_CATCHES) {
            origin = ChurnOrigins.Origin.THIS_JVM;
        } else if (other > 0 && own == 0 && connects == 0) {
            origin = ChurnOrigins.Origin.ANOTHER_PROCESS;
        } else {
            origin = ChurnOrigins.Origin.UNDECIDED;
            if (other > 0) {
                undecided = String.format(Locale.ROOT, "another process's connections were caught (%d), and this JVM's "
                        + "threads were caught in JDBC connects (%d) whose sockets to the endpoint were not; whether these "
                        + "went to this endpoint is not known (%s)", other, connects, caught);
            } else if (unresolved > 0) {
                undecided = String.format(Locale.ROOT, "%d of the %d new connections caught were opened and closed within "
                        + "one socket sample (%.1f ms here), too briefly to tell whose they were (%s)", unresolved,
                        unresolved + own, slowest / 1e6, caught);
            } else if (own >= MIN_SOCKETS) {
                undecided = String.format(Locale.ROOT, "only this JVM's connections were caught (%d), too few to rule out "
                        + "another process whose connections last a millisecond: %s (%s)", own,
                        Double.isNaN(endpointRate) ? "the endpoint's rate is not known yet"
                                : String.format(Locale.ROOT, "at ~%.1f new connections/s the samples would likely have "
                                + "missed one making a quarter of them", endpointRate), caught);
            } else if (own > 0) {
                undecided = String.format(Locale.ROOT, "only %d new connections were caught, all this JVM's: too few to "
                        + "rule out another process (%s)", own, caught);
            } else if (connects > 0) {
                undecided = String.format(Locale.ROOT, "this JVM's threads were caught in JDBC connects (%d), but no new "
                        + "connection to the endpoint was caught open (%s)", connects, caught);
            } else {
                undecided = String.format(Locale.ROOT, "no connection was caught being made or open in %s: they are "
                        + "shorter than the sampling interval", caught);
            }
        }
        return new ChurnOrigins(origin, Double.NaN, Double.NaN, null, splitMethod, undecided, named, stackSamples,
                connects, socketSamples, own, other, unresolved);
    }

    /** Connections of another process making {@link #UNSEEN_SHARE} of them the socket samples would have caught. */
    private static double expectedCatches(long socketSamples, double endpointRate) {
        return Double.isNaN(endpointRate) ? 0 : socketSamples * UNSEEN_SHARE * endpointRate * SHORTEST_CONNECTION_SECONDS;
    }

    private static List<ChurnReport.CallSite> topSites(Map<String, Long> sites, long total) {
        if (total == 0) {
            return List.of();
        }
        List<ChurnReport.CallSite> out = new ArrayList<>();
        sites.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_SITES)
                .forEach(e -> out.add(new ChurnReport.CallSite(e.getKey(), e.getValue() / (double) total)));
        return out;
    }
}
