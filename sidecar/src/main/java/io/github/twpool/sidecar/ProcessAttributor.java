package io.github.twpool.sidecar;

import io.github.twpool.internal.probe.ClientSocketSampler;
import io.github.twpool.internal.probe.ClientSocketSink;
import io.github.twpool.internal.probe.Endpoint;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Names the processes that open connections to an endpoint. While churn lasts, the endpoint's client-side sockets
 * that still have an owner (SYN_SENT, ESTABLISHED) are sampled, each with what the kernel keeps with the socket:
 * inode, uid and, over netlink, its cgroup v2 id ({@link ClientSocketSampler}). In production a {@link ChurnSampler}
 * thread samples many times a second within a CPU budget, often enough to catch connections that live a millisecond;
 * sockets open when churn was first noticed (a pool's long-lived connections) are never counted, each new one once,
 * so the shares say who opens connections, not who holds them.
 *
 * <p>Each new socket is named, cheapest first, by one of the {@link Method}s:
 * <ol>
 *   <li>{@link Method#HELD}: a process that opened connections to the endpoint before (same uid and cgroup) holds it:
 *       the descriptor numbers it used before are read first ({@code readlink}, microseconds), then all of them;</li>
 *   <li>{@link Method#CGROUP}: where the socket's cgroup narrows the search (cgroup v2, not the hierarchy's root), a
 *       process listed in its {@code cgroup.procs} with the socket's uid holds it;</li>
 *   <li>{@link Method#SEARCH}: where it does not (cgroup v1 only, everything in the root cgroup, {@code /proc/net/tcp}
 *       sampling), the search of every process's {@code /proc/<pid>/fd}, newest first, within the budget; and the
 *       sockets of the few busiest processes read just before each sample, so that a socket the sample finds among
 *       them is named without racing it;</li>
 *   <li>{@link Method#INFERRED}: a socket closed before any of these read it is named without racing it when its
 *       cgroup narrows the search and exactly one live process of that uid in that cgroup has been caught holding
 *       connections to the endpoint at least {@link #CONFIRMATIONS} times (the same process, by pid and start time):
 *       the long-lived process that repeatedly opens them. Two such processes, and it stays unnamed;
 *       {@link Method#ONLY_CANDIDATE}: none caught yet, but the cgroup has one process of that uid at all;
 *       {@link Method#INFERRED_UID}: where no cgroup narrows it down, the one process of that uid caught opening
 *       them (a weaker inference, named as such).</li>
 * </ol>
 * Sockets left unnamed count against the window's share; once a process of their uid and cgroup is confirmed, the
 * ones of the window's earlier ticks are named after it too (the first seconds of churn, before it was caught).
 * The result says how many connections each method named. Reading another user's {@code /proc/<pid>/fd} needs the
 * same user or CAP_SYS_PTRACE, and a process in another PID namespace is not in this {@code /proc} at all: the result
 * then says what is missing.
 *
 * <p>Thread-safety: {@link #tick} runs on the endpoint's watcher thread, {@link #sample} on the sampler's (or inline
 * without one); both hold this object's lock, a sample for tens of microseconds.
 */
final class ProcessAttributor implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.github.twpool.sidecar.attribution");

    /** Samples per tick without a sampler thread (tests on a crafted /proc). */
    static final int SAMPLES_PER_TICK = 5;
    static final Duration MAX_SAMPLE_SPACING = Duration.ofMillis(100);
    /** CPU time the inline samples of one tick may take. */
    static final Duration WORK_BUDGET = Duration.ofMillis(150);
    /** Wall time they may take at most, with the interval's half when that is longer. */
    static final Duration WALL_LIMIT = Duration.ofSeconds(1);
    static final int MAX_PIDS_PER_SAMPLE = 4096;
    static final int MAX_FDS_PER_PID = 4096;
    static final int MAX_FDS_PER_SAMPLE = 100_000;
    static final int MAX_TRACKED_SOCKETS = 100_000;
    static final int MAX_PIDS_LISTED = 65_536;
    static final int HOT_PIDS = 32;
    static final int HOT_PARENTS = 8;
    static final int MAX_TASKS_PER_PARENT = 1024;
    static final int MAX_CHILDREN_PER_PARENT = 1024;
    /** Descriptor numbers remembered per process that opened connections: a loop reuses the lowest free one. */
    static final int RECENT_FDS = 4;
    /** Times a process must have been caught holding a new connection before unheld ones are named after it. */
    static final int CONFIRMATIONS = 2;
    /** Processes whose sockets are read before each sample until one is confirmed, and their most descriptors. */
    static final int SUSPECTS = 3;
    static final int SUSPECT_MAX_FDS = 128;
    /** Ticks of samples a result covers. */
    static final int WINDOW_TICKS = 6;
    /** A result is settled after this many ticks of samples, or {@link #SETTLED_CONNECTIONS} connections seen. */
    static final int SETTLED_TICKS = 3;
    static final int SETTLED_CONNECTIONS = 20;

    /** How a connection's process was named. */
    enum Method {
        HELD("held by a process seen opening them before"),
        CGROUP("found among their cgroup's processes"),
        SEARCH("found by searching /proc"),
        ONLY_CANDIDATE("by uid and cgroup: the one process of their uid in their cgroup"),
        INFERRED("by uid and cgroup, closed before they could be read"),
        INFERRED_UID("by uid alone (no cgroup narrows it), closed before they could be read");

        final String words;

        Method(String words) {
            this.words = words;
        }
    }

    /**
     * A process holding a connection to the endpoint.
     *
     * @param cgroup the socket's cgroup v2 path where the kernel reports it and the hierarchy is mounted, else null
     */
    record Owner(long pid, long parentPid, String command, long uid, String cgroup) {
    }

    /**
     * One process, or several running the same command (a shell loop's children, a pre-fork server's workers).
     *
     * @param command       the command line, sanitized, secrets masked
     * @param pids          the processes, most connections first
     * @param parentPid     the parent they all share, or -1
     * @param parentCommand its command line, or {@code null}
     * @param connections   new connections seen open that they held
     * @param share         {@code connections} as a share of the new connections whose process was found
     * @param uid           the sockets' owner uid, or -1 when they differ
     * @param cgroup        their cgroup v2 path, or {@code null}
     * @param byMethod      connections by the method that named them
     */
    record Holder(String command, List<Long> pids, long parentPid, String parentCommand, int connections, double share,
                  long uid, String cgroup, Map<Method, Integer> byMethod) {

        Holder(String command, List<Long> pids, long parentPid, String parentCommand, int connections, double share) {
            this(command, pids, parentPid, parentCommand, connections, share, -1, null, Map.of());
        }
    }

    /**
     * What the samples of the last {@link #WINDOW_TICKS} ticks say.
     *
     * @param seen       new connections seen open
     * @param named      those whose process was named
     * @param ticks      ticks sampled
     * @param holders    by share, largest first
     * @param limitation why some could not be named, or {@code null}
     * @param byMethod   named connections by method
     * @param sampling   how the sockets were sampled ({@code netlink}, {@code proc (why)}), or null before any sample
     */
    record Result(int seen, int named, int ticks, List<Holder> holders, String limitation, Map<Method, Integer> byMethod,
                  String sampling) {
        static final Result NONE = new Result(0, 0, 0, List.of(), null, Map.of(), null);

        Result(int seen, int named, int ticks, List<Holder> holders, String limitation) {
            this(seen, named, ticks, holders, limitation, Map.of(), null);
        }

        /**
         * Enough to write a warning: {@link #SETTLED_CONNECTIONS} connections over two ticks, four fifths of them
         * named; or {@link #SETTLED_TICKS} ticks with most of them named; or a full window, named or not (the
         * limitation then says why). A process is often found only after a few connections: the warning waits for it.
         */
        boolean settled() {
            return (seen >= SETTLED_CONNECTIONS && ticks >= 2 && named * 5 >= seen * 4)
                    || (ticks >= SETTLED_TICKS && (named * 2 > seen || seen == 0))
                    || ticks >= WINDOW_TICKS;
        }
    }

    /** Counts of one tick (or of the current one, while samples add to it). */
    private static final class TickCounts {
        final Map<Owner, EnumMap<Method, Integer>> named = new HashMap<>();
        int unnamed;
        /** The unnamed ones by the socket's uid and cgroup, for naming them once one process there is confirmed. */
        final Map<Sock, Integer> unnamedByKey = new HashMap<>();

        void unnamed(Sock s) {
            unnamed++;
            unnamedByKey.merge(new Sock(0, s.uid(), s.cgroupId()), 1, Integer::sum);
        }

        boolean empty() {
            return named.isEmpty() && unnamed == 0;
        }
    }

    /** A process caught holding a new connection to the endpoint. */
    private static final class Opener {
        final long pid;
        final long startTime;
        long uid;
        long cgroupId;
        int confirmations;
        final int[] recentFds = new int[RECENT_FDS];
        int recentCount;
        long checkedAliveAt;
        boolean alive = true;

        Opener(long pid, long startTime) {
            this.pid = pid;
            this.startTime = startTime;
            Arrays.fill(recentFds, -1);
        }

        void usedFd(int fd) {
            for (int i = 0; i < recentCount; i++) {
                if (recentFds[i] == fd) {
                    return;
                }
            }
            System.arraycopy(recentFds, 0, recentFds, 1, RECENT_FDS - 1);
            recentFds[0] = fd;
            recentCount = Math.min(RECENT_FDS, recentCount + 1);
        }
    }

    /** A socket of one sample. */
    private record Sock(long inode, long uid, long cgroupId) {
    }

    private final Path proc;
    private final Endpoint endpoint;
    private final boolean background;
    private final Cgroups cgroups;
    private ClientSocketSampler sampler;
    private String sampling;
    private final ArrayDeque<TickCounts> window = new ArrayDeque<>();
    private TickCounts current = new TickCounts();
    private final LinkedHashMap<Long, Opener> openers = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Opener> eldest) {
            return size() > HOT_PIDS;
        }
    };
    /** Parents of processes that opened connections: a loop that starts one process per connection, a pre-fork server. */
    private final LinkedHashMap<Long, Boolean> hotParents = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > HOT_PARENTS;
        }
    };
    /** The command line last seen for "parent [comm]", for children that exit before theirs can be read. */
    private final LinkedHashMap<String, String> siblingCommands = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 64;
        }
    };
    private Set<Long> known;
    private int ticks;
    private ChurnSampler thread;
    private long totalSeen;
    private long totalNamed;
    private String samplingFailure;
    private volatile long lastFreshNanos = System.nanoTime();

    // Per tick.
    private final Map<Long, Owner> owners = new HashMap<>();
    private int denied;
    private boolean truncated;
    private int fdsThisSample;
    private Result result = Result.NONE;
    private int samples;
    private long cpuLimit;
    private long wallLimit;

    // Reused by every sample.
    private final List<Sock> socks = new ArrayList<>();
    private final ClientSocketSink sink = (inode, uid, cgroupId, connecting) -> {
        if (socks.size() < MAX_TRACKED_SOCKETS) {
            socks.add(new Sock(inode, uid, cgroupId));
        }
    };

    /** Samples inline, {@link #SAMPLES_PER_TICK} per tick: for tests on a crafted {@code /proc}. */
    ProcessAttributor(Path proc, Endpoint endpoint) {
        this(proc, endpoint, false);
    }

    /** With {@code background}, a {@link ChurnSampler} thread samples while churn lasts. */
    ProcessAttributor(Path proc, Endpoint endpoint, boolean background) {
        this.proc = proc;
        this.endpoint = endpoint;
        this.background = background;
        this.cgroups = Cgroups.find(proc);
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** This thread's CPU time where the JVM measures it, else wall time. */
    static long cpuNanos() {
        long t = THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
        return t >= 0 ? t : System.nanoTime();
    }

    Result tick(boolean churning, Duration spacing) {
        return tick(churning, spacing, WALL_LIMIT);
    }

    /**
     * Samples while {@code churning} (inline: {@link #SAMPLES_PER_TICK} samples {@code spacing} apart within
     * {@code wall}; in the background: the sampler thread runs until churn stops) and returns what the window says;
     * forgets everything when churn stops.
     */
    Result tick(boolean churning, Duration spacing, Duration wall) {
        if (!churning) {
            stopThread();
            synchronized (this) {
                if (known != null || !window.isEmpty()) {
                    known = null;
                    window.clear();
                    current = new TickCounts();
                    ticks = 0;
                    openers.clear();
                    result = Result.NONE;
                }
                return result;
            }
        }
        if (background) {
            if (thread == null) {
                lastFreshNanos = System.nanoTime();
                thread = new ChurnSampler(this, "twpool-sidecar-sampler-" + endpoint);
                thread.start();
            }
            synchronized (this) {
                endTick();
                return result;
            }
        }
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        long sleepNanos = Math.min(spacing.toNanos(), MAX_SAMPLE_SPACING.toNanos());
        long wallEnd = start + Math.max(WALL_LIMIT.toNanos(), wall.toNanos());
        for (int s = 0; s < SAMPLES_PER_TICK && cpuNanos() < cpuStart + WORK_BUDGET.toNanos() && System.nanoTime() < wallEnd; s++) {
            if (s > 0 && !sleep(sleepNanos)) {
                break;
            }
            if (!sample(Math.max(0, cpuStart + WORK_BUDGET.toNanos() - cpuNanos()), wallEnd)) {
                break;
            }
        }
        synchronized (this) {
            endTick();
            return result;
        }
    }

    /** Closes the tick: its counts join the window, the result is recomputed. Holds the lock. */
    private void endTick() {
        TickCounts t = current;
        current = new TickCounts();
        boolean first = ticks == 0 && t.empty();
        if (!first) {
            window.addLast(t);
            ticks++;
            while (window.size() > WINDOW_TICKS) {
                window.removeFirst();
            }
        }
        owners.clear();
        result = summarize();
        if (LOG.isDebugEnabled()) {
            ChurnSampler th = thread;
            LOG.debug("attribution tick: sampling {}, samples {}, sampler cpu {} ms, searched {}, named {}, unnamed {}, "
                    + "denied {}, truncated {}, openers {}", sampling, samples, th == null ? 0 : th.cpuNanos() / 1_000_000,
                    debugSearched, t.named.values(), t.unnamed, denied, truncated, openers.keySet());
        }
        samples = 0;
        debugSearched = 0;
        denied = 0;
        truncated = false;
    }

    Result result() {
        synchronized (this) {
            return result;
        }
    }

    /** New connections seen and named since start: counters that never go down. */
    synchronized long totalSeen() {
        return totalSeen;
    }

    synchronized long totalNamed() {
        return totalNamed;
    }

    /** When a sample last found a new connection (the sampler's start before the first). */
    long lastFreshNanos() {
        return lastFreshNanos;
    }

    /** The sampler thread's CPU time so far, or 0 without one. */
    long samplerCpuNanos() {
        ChurnSampler t = thread;
        return t == null ? 0 : t.cpuNanos();
    }

    private void stopThread() {
        ChurnSampler t = thread;
        if (t != null) {
            t.stopAndJoin();
            thread = null;
        }
    }

    @Override
    public void close() {
        stopThread();
        synchronized (this) {
            if (sampler != null) {
                sampler.close();
                sampler = null;
            }
        }
    }

    /** Called by the sampler thread when it ends: the netlink socket belongs to it. */
    synchronized void samplerStopped() {
        if (sampler != null) {
            sampler.close();
            sampler = null;
        }
    }

    private static boolean sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One sample: the endpoint's client sockets now, and a name for each one not seen before, the searches within
     * {@code searchCpuNanos} of this thread's CPU time after the sample and before {@code wallLimitNanos}. False when
     * sockets cannot be sampled.
     */
    synchronized boolean sample(long searchCpuNanos, long wallLimitNanos) {
        this.wallLimit = wallLimitNanos;
        if (sampler == null) {
            sampler = ClientSocketSampler.open(proc, endpoint, why -> sampling = "proc (" + why + ")");
            if (sampler.method().equals("netlink")) {
                sampling = "netlink";
            }
        }
        socks.clear();
        samples++;
        Map<Long, long[]> suspected = known == null ? Map.of() : suspectsSockets();
        try {
            sampler.sample(sink);
        } catch (IOException | RuntimeException e) {
            samplingFailure = e.getMessage() == null ? e.toString() : e.getMessage();
            sampler.close();
            sampler = null;
            return false;
        }
        // the searches' allowance starts after the sample, whatever the sample cost (/proc/net/tcp on a busy host)
        this.cpuLimit = cpuNanos() + searchCpuNanos;
        Set<Long> open = new HashSet<>(socks.size() * 2);
        for (Sock s : socks) {
            open.add(s.inode());
        }
        if (known == null) {
            known = open; // the baseline: what was open when churn was noticed is not counted
            ranked(); // ready before the first new socket, which may be held for a millisecond only
            return true;
        }
        List<Sock> fresh = null;
        for (Sock s : socks) {
            if (!known.contains(s.inode())) {
                if (fresh == null) {
                    fresh = new ArrayList<>();
                }
                fresh.add(s);
            }
        }
        known = open;
        if (fresh != null) {
            lastFreshNanos = System.nanoTime();
            name(fresh, suspected);
        }
        if (rerank) {
            rerank = false;
            ranked();
        }
        return true;
    }

    /** Names each new socket by the first method that can (see the class comment), or counts it unnamed. */
    private void name(List<Sock> fresh, Map<Long, long[]> suspected) {
        Map<Long, Sock> wanted = new LinkedHashMap<>();
        for (Sock s : fresh) {
            long[] holder = suspected.get(s.inode());
            if (holder != null) {
                named(holder[0], (int) holder[1], s, Method.SEARCH); // read in its descriptors just before the sample
            } else {
                wanted.put(s.inode(), s);
            }
        }
        totalSeen += fresh.size();
        if (wanted.isEmpty()) {
            return;
        }
        // 1. Processes that opened connections before: their last descriptor numbers, then all their descriptors.
        List<Opener> hot = new ArrayList<>(openers.values());
        for (Opener o : hot) {
            for (int i = 0; i < o.recentCount && !wanted.isEmpty(); i++) {
                long inode = socketInode(readLink(proc.resolve(Long.toString(o.pid)).resolve("fd")
                        .resolve(Integer.toString(o.recentFds[i]))));
                Sock s = inode > 0 ? wanted.remove(inode) : null;
                if (s != null) {
                    named(o.pid, o.recentFds[i], s, Method.HELD);
                }
            }
        }
        if (!wanted.isEmpty()) {
            fdsThisSample = 0;
            for (Opener o : hot) {
                if (matchesAny(o, wanted)) {
                    searchFds(o.pid, wanted, Method.HELD);
                }
                if (wanted.isEmpty()) {
                    return;
                }
            }
            for (Long parent : new ArrayList<>(hotParents.keySet())) {
                for (long child : childrenOf(parent)) {
                    if (!openers.containsKey(child)) {
                        searchFds(child, wanted, Method.HELD);
                    }
                }
                if (wanted.isEmpty()) {
                    return;
                }
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        // 2. Where the cgroup narrows it down: the processes of each socket's cgroup with its uid.
        Map<Long, Sock> unnarrowed = new LinkedHashMap<>();
        Map<String, List<Sock>> byCgroup = new LinkedHashMap<>();
        for (Sock s : wanted.values()) {
            String path = narrowing(s.cgroupId());
            if (path == null) {
                unnarrowed.put(s.inode(), s);
            } else {
                byCgroup.computeIfAbsent(path, k -> new ArrayList<>()).add(s);
            }
        }
        for (var e : byCgroup.entrySet()) {
            Map<Long, Sock> inCgroup = new LinkedHashMap<>();
            for (Sock s : e.getValue()) {
                inCgroup.put(s.inode(), s);
            }
            long[] procs = cgroups.procs(e.getKey());
            for (long pid : procs) {
                if (inCgroup.isEmpty() || System.nanoTime() > wallLimit) {
                    break;
                }
                if (!openers.containsKey(pid) && uidMayMatch(pid, inCgroup)) {
                    searchFds(pid, inCgroup, Method.CGROUP);
                }
            }
            // 4. Not held any more: the one process of that uid in that cgroup that keeps opening them, or the one
            // process of that uid there at all (a service's cgroup with one process: nothing to race).
            for (Sock s : inCgroup.values()) {
                Opener only = onlyOpener(s);
                long candidate = only == null ? onlyProcessOfUid(procs, s.uid()) : -1;
                if (only != null) {
                    named(only.pid, -1, s, Method.INFERRED);
                } else if (candidate > 0) {
                    named(candidate, -1, s, Method.ONLY_CANDIDATE);
                } else {
                    current.unnamed(s);
                }
            }
        }
        // 3. Where it does not: the search of every process, within the bounds; then, not held any more, the one
        // process of that uid seen opening them (two, and they stay unnamed).
        if (!unnarrowed.isEmpty()) {
            resolve(unnarrowed);
            for (Sock s : unnarrowed.values()) {
                Opener only = onlyOpener(s);
                if (only != null) {
                    named(only.pid, -1, s, Method.INFERRED_UID);
                } else {
                    current.unnamed(s);
                }
            }
        }
    }

    private boolean matchesAny(Opener o, Map<Long, Sock> wanted) {
        for (Sock s : wanted.values()) {
            if (s.uid() == o.uid && (s.cgroupId() == ClientSocketSink.NO_CGROUP || o.cgroupId == s.cgroupId())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The socket inodes of the {@link #SUSPECTS} busiest processes of the ranking with at most
     * {@link #SUSPECT_MAX_FDS} descriptors, read just before a sample: a new socket the sample then finds among them
     * was held by that process, however soon after it closes. A search after the sample races the socket (a TLS
     * connection lives a few milliseconds; a loaded host delays the search by as much). By inode: pid and descriptor.
     * Read after a process is confirmed too: a second churner of the same uid is otherwise caught only by racing its
     * sockets, and until it is, its closed sockets are inferred to be the first one's (by uid alone), which gave the
     * first 96 % of two churners making 75 % and 25 %.
     */
    private Map<Long, long[]> suspectsSockets() {
        if (rankedPids == null) {
            return Map.of();
        }
        Map<Long, long[]> out = new HashMap<>();
        int read = 0;
        for (int i = 0; i < rankedPids.length && read < SUSPECTS; i++) {
            long pid = rankedPids[i];
            if (pid == SELF || PidFiles.descriptors(proc, pid) > SUSPECT_MAX_FDS) {
                continue;
            }
            read++;
            socketsOf(pid, (fd, inode) -> {
                out.put(inode, new long[] {pid, fd});
                return true;
            });
        }
        return out;
    }

    /** The cgroup path when it narrows the search (known, not the hierarchy's root), else null. */
    private String narrowing(long cgroupId) {
        if (cgroupId == ClientSocketSink.NO_CGROUP || !cgroups.available()) {
            return null;
        }
        String path = cgroups.path(cgroupId);
        return path == null || cgroups.isRoot(cgroupId) ? null : path;
    }

    /** The one pid of {@code procs} whose {@code /proc/<pid>} belongs to {@code uid}, or -1 (none, or several). */
    private long onlyProcessOfUid(long[] procs, long uid) {
        long found = -1;
        for (long pid : procs) {
            if (pid != SELF && PidFiles.owner(proc, pid) == uid) {
                if (found > 0) {
                    return -1;
                }
                found = pid;
            }
        }
        return found;
    }

    /** The only live opener with the socket's uid and cgroup confirmed {@link #CONFIRMATIONS} times, or null. */
    private Opener onlyOpener(Sock s) {
        Opener only = null;
        for (Opener o : openers.values()) {
            if (o.uid == s.uid() && o.cgroupId == s.cgroupId()) {
                if (only != null) {
                    return null; // two processes there open connections: no guessing between them
                }
                only = o;
            }
        }
        if (only == null || only.confirmations < CONFIRMATIONS || !alive(only)) {
            return null;
        }
        return only;
    }

    /** The same process as when it was caught (pid and start time), checked at most every 250 ms. */
    private boolean alive(Opener o) {
        long now = System.nanoTime();
        if (now - o.checkedAliveAt > 250_000_000L) {
            o.checkedAliveAt = now;
            o.alive = PidFiles.startTime(PidFiles.stat(proc, o.pid)) == o.startTime;
        }
        return o.alive;
    }

    /** False when {@code /proc/<pid>} belongs to another user than every wanted socket's (root's may be anyone's). */
    private boolean uidMayMatch(long pid, Map<Long, Sock> wanted) {
        long uid = PidFiles.owner(proc, pid);
        if (uid <= 0) {
            return true; // unknown, or root: a process that is not dumpable shows as root's
        }
        for (Sock s : wanted.values()) {
            if (s.uid() == uid) {
                return true;
            }
        }
        return false;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The children of a process from {@code /proc/<pid>/task/<tid>/children}, every thread's (bounded). */
    long[] childrenOf(long parent) {
        Path tasks = proc.resolve(Long.toString(parent)).resolve("task");
        if (!Files.isDirectory(tasks, LinkOption.NOFOLLOW_LINKS)) {
            return new long[0];
        }
        long[] out = new long[16];
        int n = 0;
        int seenTasks = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
            for (Path task : ds) {
                if (++seenTasks > MAX_TASKS_PER_PARENT || n >= MAX_CHILDREN_PER_PARENT) {
                    break;
                }
                byte[] b = PidFiles.readBounded(task.resolve("children"), 16 * 1024);
                if (b == null) {
                    continue;
                }
                // Space-separated pids; a token that is not all digits, or too long for a pid, is skipped whole.
                long v = 0;
                int digits = 0;
                boolean bad = false;
                for (int i = 0; i <= b.length && n < MAX_CHILDREN_PER_PARENT; i++) {
                    byte c = i < b.length ? b[i] : (byte) ' ';
                    if (c == ' ' || c == '\n') {
                        if (!bad && digits > 0 && digits <= 10 && v > 0) {
                            if (n == out.length) {
                                out = Arrays.copyOf(out, n * 2);
                            }
                            out[n++] = v;
                        }
                        v = 0;
                        digits = 0;
                        bad = false;
                    } else if (c >= '0' && c <= '9' && digits < 11) {
                        v = v * 10 + (c - '0');
                        digits++;
                    } else {
                        bad = true;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the parent exited
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Finds the processes holding {@code wanted} (emptied as found), within the bounds. A socket that lives a
     * millisecond leaves time to read a few dozen processes' descriptors, so the order matters: the processes that
     * used the most CPU time over the last half second per descriptor to read first (a process that opens connections
     * in a loop is busy; an idle daemon is not; a small process is cheaper to read), then the rest newest first. A
     * search cut short by its bounds resumes where it stopped at the next socket, so that successive searches cover
     * every process.
     */
    private void resolve(Map<Long, Sock> wanted) {
        fdsThisSample = 0;
        // Ranking reads every process: a stale ranking is renewed after this sample's searches (rerank), not before
        // them while the socket may still be held; only a search without any ranking yet waits for one.
        boolean unranked = rankedPids == null;
        long[] ranked = unranked ? ranked() : rankedPids;
        rerank |= System.nanoTime() - rankedAtNanos >= RANK_EVERY_NANOS;
        // Processes started since the ranking first, newest first: a script's loop starts one per connection.
        long[] now = unranked ? null : listPids();
        long[] pids = ranked;
        if (now != null) {
            Set<Long> old = new HashSet<>(ranked.length * 2);
            for (long p : ranked) {
                old.add(p);
            }
            long[] fresh = Arrays.stream(now).filter(p -> !old.contains(p)).sorted().toArray();
            if (fresh.length > 0) {
                pids = new long[fresh.length + ranked.length];
                for (int i = 0; i < fresh.length; i++) {
                    pids[i] = fresh[fresh.length - 1 - i];
                }
                System.arraycopy(ranked, 0, pids, fresh.length, ranked.length);
                for (int i = 0; i < fresh.length && !wanted.isEmpty() && cpuNanos() < cpuLimit; i++) {
                    if (!openers.containsKey(pids[i]) && pids[i] != SELF && uidMayMatch(pids[i], wanted)) {
                        searchFds(pids[i], wanted, Method.SEARCH);
                    }
                }
                pids = ranked;
            }
        }
        if (pids.length == 0 || wanted.isEmpty()) {
            return;
        }
        int startIndex = Math.floorMod(resumeAt, pids.length);
        if (System.nanoTime() - rankedAtNanos < 1_000_000L) {
            startIndex = 0; // just ranked: the busiest first
        }
        int searched = 0;
        for (int k = 0; k < pids.length && !wanted.isEmpty(); k++) {
            int i = (startIndex + k) % pids.length;
            long pid = pids[i];
            if (openers.containsKey(pid) || pid == SELF) {
                continue;
            }
            if (searched++ >= MAX_PIDS_PER_SAMPLE || fdsThisSample >= MAX_FDS_PER_SAMPLE
                    || cpuNanos() > cpuLimit || System.nanoTime() > wallLimit) {
                truncated = true;
                resumeAt = i;
                return;
            }
            if (uidMayMatch(pid, wanted)) {
                searchFds(pid, wanted, Method.SEARCH);
            }
            debugSearched++;
        }
        resumeAt = 0;
    }

    private static final long SELF = ProcessHandle.current().pid();
    static final long RANK_EVERY_NANOS = 500_000_000L;
    private long[] rankedPids;
    private long rankedAtNanos;
    /** A search used a stale ranking: rank again once the sample's searches are done. */
    private boolean rerank;
    private int resumeAt;
    private Map<Long, Long> cpuTicks = new HashMap<>();
    int debugSearched;

    /** Every process, the busiest since the last ranking first (re-ranked at most every {@link #RANK_EVERY_NANOS}). */
    private long[] ranked() {
        long now = System.nanoTime();
        if (rankedPids != null && now - rankedAtNanos < RANK_EVERY_NANOS) {
            return rankedPids;
        }
        long[] pids = listPids();
        Map<Long, Long> ticksNow = new HashMap<>(pids.length * 2);
        long[][] scored = new long[pids.length][];
        for (int i = 0; i < pids.length; i++) {
            long t = PidFiles.cpuTicks(PidFiles.stat(proc, pids[i]));
            ticksNow.put(pids[i], t);
            Long before = cpuTicks.get(pids[i]);
            long delta = t < 0 ? -1 : before == null ? 0 : t - before;
            // Busy per descriptor to read: a small busy process is read before a large busy one (a JVM's hundreds
            // of descriptors cost a millisecond that the socket may not have).
            long fds = PidFiles.descriptors(proc, pids[i]);
            // A process the last ranking did not have is new: first of all (a script's loop starts one per connection).
            scored[i] = new long[] {pids[i], before == null && !cpuTicks.isEmpty() ? Long.MAX_VALUE
                    : delta < 0 ? -1 : (delta * 1024) / ((fds <= 0 ? 64 : fds) + 8)};
        }
        Arrays.sort(scored, (x, y) -> x[1] != y[1] ? Long.compare(y[1], x[1]) : Long.compare(y[0], x[0]));
        long[] out = new long[pids.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = scored[i][0];
        }
        cpuTicks = ticksNow;
        rankedPids = out;
        rankedAtNanos = System.nanoTime();
        resumeAt = 0;
        return out;
    }

    private void searchFds(long pid, Map<Long, Sock> wanted, Method method) {
        socketsOf(pid, (fd, inode) -> {
            Sock s = wanted.remove(inode);
            if (s != null) {
                named(pid, fd, s, method);
            }
            return !wanted.isEmpty();
        });
    }

    @FunctionalInterface
    private interface SocketVisitor {
        boolean visit(int fd, long inode);
    }

    /**
     * Calls {@code onSocket} with the descriptor number and inode of each socket among a process's descriptors,
     * within the bounds, until it returns false. Only {@code readlink}: an entry that is a FIFO or a file in a crafted
     * tree is never opened, and an {@code fd} that is a link is not followed.
     */
    private void socketsOf(long pid, SocketVisitor onSocket) {
        Path fdDir = proc.resolve(Long.toString(pid)).resolve("fd");
        if (!Files.isDirectory(fdDir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(fdDir)) {
            for (Path link : ds) {
                if (++n > MAX_FDS_PER_PID || ++fdsThisSample > MAX_FDS_PER_SAMPLE) {
                    truncated = true;
                    return;
                }
                long inode;
                try {
                    inode = socketInode(Files.readSymbolicLink(link).toString());
                } catch (IOException | RuntimeException e) {
                    continue; // closed meanwhile, or not a link
                }
                if (inode > 0 && !onSocket.visit((int) pidOf(link.getFileName().toString()), inode)) {
                    return;
                }
            }
        } catch (AccessDeniedException e) {
            denied++;
        } catch (IOException | RuntimeException e) {
            // the process exited meanwhile
        }
    }

    /** Counts a connection named for {@code pid}; a process caught holding one ({@code fd} >= 0) is searched first from now on. */
    private void named(long pid, int fd, Sock s, Method method) {
        Owner o = owner(pid, s);
        current.named.computeIfAbsent(o, k -> new EnumMap<>(Method.class)).merge(method, 1, Integer::sum);
        totalNamed++;
        if (fd < 0) {
            return;
        }
        Opener op = openers.get(pid);
        if (op == null) {
            op = new Opener(pid, PidFiles.startTime(PidFiles.stat(proc, pid)));
            openers.put(pid, op);
        }
        if (op.confirmations > 0 && (op.uid != s.uid() || op.cgroupId != s.cgroupId())) {
            op.confirmations = 0; // moved to another cgroup, or another user: its history no longer applies
        }
        op.uid = s.uid();
        op.cgroupId = s.cgroupId();
        op.confirmations++;
        op.usedFd(fd);
        if (o.parentPid() > 1) {
            hotParents.put(o.parentPid(), Boolean.TRUE);
        }
    }

    private Owner owner(long pid, Sock s) {
        Owner cached = owners.get(pid);
        String cgroup = s.cgroupId() == ClientSocketSink.NO_CGROUP ? null : cgroups.path(s.cgroupId());
        if (cached != null && cached.uid() == s.uid() && java.util.Objects.equals(cached.cgroup(), cgroup)) {
            return cached;
        }
        byte[] stat = PidFiles.stat(proc, pid);
        long parent = PidFiles.parentPid(stat);
        String comm = PidFiles.comm(stat);
        String command = Commands.mask(PidFiles.command(proc, pid));
        if (command != null) {
            siblingCommands.put(parent + " [" + program(command) + "]", command);
        } else if (comm != null) {
            // Exiting (a zombie has no command line): a sibling of the same name ran this command.
            command = siblingCommands.getOrDefault(parent + " " + comm, comm);
        }
        Owner o = new Owner(pid, parent, command == null ? "?" : command, s.uid(), cgroup);
        owners.put(pid, o);
        return o;
    }

    private long[] listPids() {
        long[] pids = new long[256];
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc)) {
            for (Path p : ds) {
                if (n >= MAX_PIDS_LISTED) {
                    truncated = true;
                    break;
                }
                long pid = pidOf(p.getFileName().toString());
                if (pid > 0) {
                    if (n == pids.length) {
                        pids = Arrays.copyOf(pids, n * 2);
                    }
                    pids[n++] = pid;
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
        long[] out = Arrays.copyOf(pids, n);
        Arrays.sort(out);
        return out;
    }

    static long pidOf(String name) {
        if (name.isEmpty() || name.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The inode of a link target {@code socket:[12345]}, else -1. */
    static long socketInode(String target) {
        if (!target.startsWith("socket:[") || !target.endsWith("]") || target.length() > 40) {
            return -1;
        }
        long v = 0;
        for (int i = 8; i < target.length() - 1; i++) {
            char c = target.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return target.length() == 9 ? -1 : v;
    }

    /** The program's file name, the first word of a command line without its directory: what {@code comm} holds. */
    static String program(String command) {
        int space = command.indexOf(' ');
        String first = space < 0 ? command : command.substring(0, space);
        String name = first.substring(first.lastIndexOf('/') + 1);
        return name.length() > 15 ? name.substring(0, 15) : name; // TASK_COMM_LEN - 1
    }

    private Result summarize() {
        Map<Owner, EnumMap<Method, Integer>> byOwner = new HashMap<>();
        int unnamed = 0;
        Map<String, String> commands = new HashMap<>();
        for (TickCounts t : window) {
            t.named.keySet().forEach(o -> commands.putIfAbsent(o.parentPid() + " [" + program(o.command()) + "]", o.command()));
        }
        for (TickCounts t : window) {
            // A child read as it exited shows "[comm]" only: it counts with its siblings of the same program.
            t.named.forEach((o, c) -> {
                Owner key = new Owner(o.pid(), o.parentPid(),
                        commands.getOrDefault(o.parentPid() + " " + o.command(), o.command()), o.uid(), o.cgroup());
                EnumMap<Method, Integer> m = byOwner.computeIfAbsent(key, k -> new EnumMap<>(Method.class));
                c.forEach((method, n) -> m.merge(method, n, Integer::sum));
            });
            unnamed += t.unnamed;
            // Unnamed before one process of their uid and cgroup was confirmed (its first seconds of churn): named
            // after it now, by the same inference as the later ones.
            for (var e : t.unnamedByKey.entrySet()) {
                Opener only = onlyOpener(e.getKey());
                if (only != null) {
                    Owner o = owner(only.pid, e.getKey());
                    byOwner.computeIfAbsent(o, k -> new EnumMap<>(Method.class))
                            .merge(narrowing(e.getKey().cgroupId()) != null ? Method.INFERRED : Method.INFERRED_UID,
                                    e.getValue(), Integer::sum);
                    unnamed -= e.getValue();
                }
            }
        }
        int named = 0;
        EnumMap<Method, Integer> methods = new EnumMap<>(Method.class);
        for (EnumMap<Method, Integer> m : byOwner.values()) {
            for (var e : m.entrySet()) {
                named += e.getValue();
                methods.merge(e.getKey(), e.getValue(), Integer::sum);
            }
        }
        int seen = named + unnamed;
        // Processes running the same command (and cgroup) are one holder: a loop's children, a pre-fork server's workers.
        Map<String, List<Map.Entry<Owner, EnumMap<Method, Integer>>>> byCommand = new LinkedHashMap<>();
        byOwner.entrySet().stream()
                .sorted(Comparator.<Map.Entry<Owner, EnumMap<Method, Integer>>>comparingInt(e -> -sum(e.getValue()))
                        .thenComparingLong(e -> e.getKey().pid()))
                .forEach(e -> byCommand.computeIfAbsent(e.getKey().command() + "\u0000" + e.getKey().cgroup(),
                        k -> new ArrayList<>()).add(e));
        List<Holder> holders = new ArrayList<>();
        for (var e : byCommand.values()) {
            List<Long> pids = new ArrayList<>();
            int connections = 0;
            Set<Long> parents = new HashSet<>();
            Set<Long> uids = new HashSet<>();
            EnumMap<Method, Integer> m = new EnumMap<>(Method.class);
            for (var oe : e) {
                if (!pids.contains(oe.getKey().pid())) {
                    pids.add(oe.getKey().pid());
                }
                connections += sum(oe.getValue());
                parents.add(oe.getKey().parentPid());
                uids.add(oe.getKey().uid());
                oe.getValue().forEach((method, n) -> m.merge(method, n, Integer::sum));
            }
            Owner first = e.get(0).getKey();
            long parent = parents.size() == 1 ? parents.iterator().next() : -1;
            String parentCommand = parent > 0 && pids.size() > 1 ? Commands.mask(PidFiles.command(proc, parent)) : null;
            holders.add(new Holder(first.command(), List.copyOf(pids), pids.size() > 1 ? parent : -1, parentCommand,
                    connections, named == 0 ? 0 : connections / (double) named, uids.size() == 1 ? first.uid() : -1,
                    first.cgroup(), Map.copyOf(m)));
        }
        holders.sort(Comparator.comparingInt(Holder::connections).reversed());
        return new Result(seen, named, Math.min(ticks, WINDOW_TICKS), List.copyOf(holders), limitation(seen, named),
                methods.isEmpty() ? Map.of() : Map.copyOf(methods), sampling);
    }

    private static int sum(Map<Method, Integer> m) {
        int n = 0;
        for (int v : m.values()) {
            n += v;
        }
        return n;
    }

    private String limitation(int seen, int named) {
        if (samplingFailure != null && seen == 0) {
            return "the endpoint's sockets could not be sampled (" + samplingFailure + ")";
        }
        if (seen == 0 || named * 2 > seen) {
            return null;
        }
        if (denied > 0) {
            return String.format(Locale.ROOT, "%d of %d new connections could not be named: /proc/<pid>/fd of %d "
                    + "process(es) is not readable. Run the sidecar as the service's user or as root with CAP_SYS_PTRACE "
                    + "(in Kubernetes: the same runAsUser, or capabilities add SYS_PTRACE)", seen - named, seen, denied);
        }
        if (!truncated) {
            return String.format(Locale.ROOT, "%d of %d new connections could not be named: no process in %s "
                    + "held them when read, and their cgroup did not narrow them down to one process that keeps opening "
                    + "them. Either they closed within microseconds of being seen, or their process is in another PID "
                    + "namespace (in Kubernetes: shareProcessNamespace: true on the pod)", seen - named, seen, proc);
        }
        return String.format(Locale.ROOT, "%d of %d new connections could not be named within the search's "
                + "bounds (%d processes, %d descriptors, the sampler's CPU budget)", seen - named, seen,
                MAX_PIDS_PER_SAMPLE, MAX_FDS_PER_SAMPLE);
    }
}
