package io.github.twpool.sidecar;

import io.github.twpool.internal.probe.CensusScanner;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names the processes that open connections to an endpoint. While churn lasts, each tick takes a few samples: a
 * census of the endpoint's ESTABLISHED client-side sockets with their inodes, then a search of {@code /proc/<pid>/fd}
 * for links {@code socket:[inode]} to the sockets not seen before. Sockets open when churn was first noticed (a pool's
 * long-lived connections) are never counted; only connections that appear while it lasts are, each once, so the
 * shares say who opens connections, not who holds them.
 *
 * <p>Bounded: a few samples per tick, processes that held such sockets before are searched first and the others
 * newest first, at most {@link #MAX_PIDS_PER_SAMPLE} processes and {@link #MAX_FDS_PER_SAMPLE} descriptors per sample,
 * within {@link #WORK_BUDGET} per tick; the search stops as soon as every new socket is named. Costs nothing while
 * there is no churn. Reading another user's {@code /proc/<pid>/fd} needs the same user or CAP_SYS_PTRACE, and a
 * process in another PID namespace is not in this {@code /proc} at all: the result then says what is missing.
 *
 * <p>Not thread-safe: the endpoint's watcher thread owns it.
 */
final class ProcessAttributor {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.github.twpool.sidecar.attribution");

    static final int SAMPLES_PER_TICK = 5;
    static final Duration MAX_SAMPLE_SPACING = Duration.ofMillis(100);
    /** CPU time the samples of one tick may take (the thread's own, so that a loaded host does not starve them). */
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
    /** Ticks of samples a result covers. */
    static final int WINDOW_TICKS = 6;
    /** A result is settled after this many ticks of samples, or {@link #SETTLED_CONNECTIONS} connections seen. */
    static final int SETTLED_TICKS = 3;
    static final int SETTLED_CONNECTIONS = 20;

    /** A process holding a connection to the endpoint. */
    record Owner(long pid, long parentPid, String command) {
    }

    /**
     * One process, or several running the same command (a shell loop's children, a pre-fork server's workers).
     *
     * @param command     the command line, sanitized
     * @param pids        the processes, most connections first
     * @param parentPid   the parent they all share, or -1
     * @param parentCommand its command line, or {@code null}
     * @param connections new connections seen open that they held
     * @param share       {@code connections} as a share of the new connections whose process was found (those not
     *                    found closed before their process could be read, or are out of reach: see the limitation)
     */
    record Holder(String command, List<Long> pids, long parentPid, String parentCommand, int connections, double share) {
    }

    /**
     * What the samples of the last {@link #WINDOW_TICKS} ticks say.
     *
     * @param seen       new connections seen open
     * @param named      those whose process was found
     * @param ticks      ticks sampled
     * @param holders    by share, largest first
     * @param limitation why some could not be named, or {@code null}
     */
    record Result(int seen, int named, int ticks, List<Holder> holders, String limitation) {
        static final Result NONE = new Result(0, 0, 0, List.of(), null);

        boolean settled() {
            return ticks >= SETTLED_TICKS || seen >= SETTLED_CONNECTIONS;
        }
    }

    private record TickCounts(Map<Owner, Integer> named, int unnamed) {
    }

    private final Path proc;
    private final CensusScanner scanner;
    private final ArrayDeque<TickCounts> window = new ArrayDeque<>();
    private final LinkedHashMap<Long, Boolean> hotPids = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
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
    private long resumeBelowPid = Long.MAX_VALUE;

    // Per tick.
    private final Map<Long, Owner> owners = new HashMap<>();
    private int denied;
    private boolean truncated;
    private int fdsThisSample;
    private Result result = Result.NONE;

    ProcessAttributor(Path proc, Endpoint endpoint) {
        this.proc = proc;
        this.scanner = new CensusScanner(proc, endpoint);
    }

    /** Samples while {@code churning}; forgets everything when churn stops. {@code spacing}: the gap between samples. */
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** This thread's CPU time where the JVM measures it, else wall time. */
    private static long cpuNanos() {
        long t = THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
        return t >= 0 ? t : System.nanoTime();
    }

    // CPU time by step in the current tick, for the DEBUG line.
    private long debugHot;
    private long debugCensus;
    private long debugSearch;
    private int debugSearched;
    private long cpuLimit;
    private long wallLimit;
    private long[] pidsThisTick;

    Result tick(boolean churning, Duration spacing) {
        return tick(churning, spacing, WALL_LIMIT);
    }

    /** As {@link #tick(boolean, Duration)}, the samples taking at most {@code wall} (and {@link #WORK_BUDGET} of CPU). */
    Result tick(boolean churning, Duration spacing, Duration wall) {
        if (!churning) {
            if (known != null) {
                known = null;
                window.clear();
                ticks = 0;
                result = Result.NONE;
            }
            return result;
        }
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        cpuLimit = cpuStart + WORK_BUDGET.toNanos();
        wallLimit = start + Math.max(WALL_LIMIT.toNanos(), wall.toNanos());
        pidsThisTick = null;
        long sleepNanos = Math.min(spacing.toNanos(), MAX_SAMPLE_SPACING.toNanos());
        owners.clear();
        denied = 0;
        truncated = false;
        Map<Owner, Integer> named = new HashMap<>();
        int unnamed = 0;
        boolean first = known == null;
        for (int s = 0; s < SAMPLES_PER_TICK && cpuNanos() < cpuLimit && System.nanoTime() < wallLimit; s++) {
            if (s > 0 && !sleep(sleepNanos)) {
                break;
            }
            // The sockets of processes that opened connections before, read before the census: a short connection
            // may close while the census reads a busy host's socket table, and would then go unnamed.
            long c0 = cpuNanos();
            Map<Long, Long> heldBefore = known == null ? Map.of() : hotSockets();
            long c1 = cpuNanos();
            Set<Long> open = establishedInodes();
            long c2 = cpuNanos();
            debugHot += c1 - c0;
            debugCensus += c2 - c1;
            if (open == null) {
                break; // the census cannot be read: the probe reports that itself
            }
            if (known == null) {
                known = open; // the baseline: what was open when churn was noticed is not counted
            } else {
                Set<Long> fresh = new HashSet<>();
                for (Long inode : open) {
                    if (!known.contains(inode)) {
                        fresh.add(inode);
                    }
                }
                known = open;
                if (!fresh.isEmpty()) {
                    int before = fresh.size();
                    Map<Long, Owner> found = new HashMap<>();
                    for (var it = fresh.iterator(); it.hasNext(); ) {
                        Long inode = it.next();
                        Long pid = heldBefore.get(inode);
                        if (pid != null) {
                            found.put(inode, named(pid));
                            it.remove();
                        }
                    }
                    if (!fresh.isEmpty()) {
                        long c3 = cpuNanos();
                        found.putAll(resolve(fresh));
                        debugSearch += cpuNanos() - c3;
                    }
                    for (Owner o : found.values()) {
                        named.merge(o, 1, Integer::sum);
                    }
                    unnamed += before - found.size();
                }
            }
        }
        if (!first || !named.isEmpty() || unnamed > 0) {
            window.addLast(new TickCounts(named, unnamed));
            ticks++;
            while (window.size() > WINDOW_TICKS) {
                window.removeFirst();
            }
        }
        result = summarize();
        lastWorkNanos = System.nanoTime() - start;
        if (LOG.isDebugEnabled()) {
            LOG.debug("attribution tick: {} ms, cpu {} ms (hot {}, census {}, search {} over {} processes), named {}, unnamed {}, "
                    + "denied {}, truncated {}, hot {}", lastWorkNanos / 1_000_000, (cpuNanos() - cpuStart) / 1_000_000,
                    debugHot / 1_000_000, debugCensus / 1_000_000, debugSearch / 1_000_000, debugSearched, named, unnamed,
                    denied, truncated, hotPids.keySet());
        }
        debugHot = debugCensus = debugSearch = 0;
        debugSearched = 0;
        return result;
    }

    private long lastWorkNanos;

    /** Wall time the last tick's samples took, sleeps included. */
    long lastTickNanos() {
        return lastWorkNanos;
    }

    Result result() {
        return result;
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

    private Set<Long> establishedInodes() {
        Set<Long> open = new HashSet<>();
        try {
            scanner.scan(inode -> {
                if (open.size() < MAX_TRACKED_SOCKETS) {
                    open.add(inode);
                }
            });
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return open;
    }

    /** Socket inode to pid, for the processes that held new connections before. */
    private Map<Long, Long> hotSockets() {
        Map<Long, Long> held = new HashMap<>();
        fdsThisSample = 0;
        for (Long pid : hotCandidates()) {
            socketsOf(pid, inode -> {
                held.put(inode, pid);
                return true;
            });
        }
        return held;
    }

    /** Processes that opened connections before, and the current children of their parents. */
    private Set<Long> hotCandidates() {
        Set<Long> pids = new java.util.LinkedHashSet<>(hotPids.keySet());
        for (Long parent : new ArrayList<>(hotParents.keySet())) {
            for (long child : childrenOf(parent)) {
                pids.add(child);
            }
        }
        return pids;
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

    /** Finds the processes holding {@code wanted} (emptied as found), hot processes first, then newest first. */
    private Map<Long, Owner> resolve(Set<Long> wanted) {
        Map<Long, Owner> found = new HashMap<>();
        fdsThisSample = 0;
        Set<Long> hot = hotCandidates();
        for (Long pid : hot) {
            searchFds(pid, wanted, found);
            if (wanted.isEmpty()) {
                return found;
            }
        }
        if (pidsThisTick == null) {
            pidsThisTick = listPids();
        }
        long[] pids = pidsThisTick;
        // Newest first, resuming below where a search cut short by its bounds stopped, so that successive samples
        // cover every process however long one search may take on a loaded host.
        int startIndex = pids.length - 1;
        while (startIndex >= 0 && pids[startIndex] >= resumeBelowPid) {
            startIndex--;
        }
        if (startIndex < 0) {
            startIndex = pids.length - 1;
        }
        int searched = 0;
        for (int k = 0; k < pids.length && !wanted.isEmpty(); k++) {
            int i = Math.floorMod(startIndex - k, pids.length);
            long pid = pids[i];
            if (hot.contains(pid)) {
                continue;
            }
            if (searched++ >= MAX_PIDS_PER_SAMPLE || fdsThisSample >= MAX_FDS_PER_SAMPLE
                    || (searched % 8 == 0 && (cpuNanos() > cpuLimit || System.nanoTime() > wallLimit))) {
                truncated = true;
                resumeBelowPid = pid + 1;
                return found;
            }
            searchFds(pid, wanted, found);
            debugSearched++;
        }
        resumeBelowPid = Long.MAX_VALUE;
        return found;
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

    private void searchFds(long pid, Set<Long> wanted, Map<Long, Owner> found) {
        socketsOf(pid, inode -> {
            if (wanted.remove(inode)) {
                found.put(inode, named(pid));
            }
            return !wanted.isEmpty();
        });
    }

    /**
     * Calls {@code onSocket} with the inode of each socket among a process's descriptors, within the bounds, until it
     * returns false. Only {@code readlink}: an entry that is a FIFO or a file in a crafted tree is never opened, and an
     * {@code fd} that is a link is not followed.
     */
    private void socketsOf(long pid, java.util.function.LongPredicate onSocket) {
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
                if (inode > 0 && !onSocket.test(inode)) {
                    return;
                }
            }
        } catch (AccessDeniedException e) {
            denied++;
        } catch (IOException | RuntimeException e) {
            // the process exited meanwhile
        }
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

    /** The owner of a connection just named; it and its parent are searched first from now on. */
    private Owner named(long pid) {
        Owner o = owner(pid);
        hotPids.put(pid, Boolean.TRUE);
        if (o.parentPid() > 1) {
            hotParents.put(o.parentPid(), Boolean.TRUE);
        }
        return o;
    }

    private Owner owner(long pid) {
        return owners.computeIfAbsent(pid, p -> {
            byte[] stat = PidFiles.stat(proc, p);
            long parent = PidFiles.parentPid(stat);
            String comm = PidFiles.comm(stat);
            String command = PidFiles.command(proc, p);
            if (command != null) {
                siblingCommands.put(parent + " [" + program(command) + "]", command);
            } else if (comm != null) {
                // Exiting (a zombie has no command line): a sibling of the same name ran this command.
                command = siblingCommands.getOrDefault(parent + " " + comm, comm);
            }
            return new Owner(p, parent, command == null ? "?" : command);
        });
    }

    /** The program's file name, the first word of a command line without its directory: what {@code comm} holds. */
    static String program(String command) {
        int space = command.indexOf(' ');
        String first = space < 0 ? command : command.substring(0, space);
        String name = first.substring(first.lastIndexOf('/') + 1);
        return name.length() > 15 ? name.substring(0, 15) : name; // TASK_COMM_LEN - 1
    }

    private Result summarize() {
        Map<Owner, Integer> byOwner = new HashMap<>();
        int unnamed = 0;
        Map<String, String> commands = new HashMap<>();
        for (TickCounts t : window) {
            t.named().keySet().forEach(o -> commands.putIfAbsent(o.parentPid() + " [" + program(o.command()) + "]", o.command()));
        }
        for (TickCounts t : window) {
            // A child read as it exited shows "[comm]" only: it counts with its siblings of the same program.
            t.named().forEach((o, c) -> byOwner.merge(new Owner(o.pid(), o.parentPid(),
                    commands.getOrDefault(o.parentPid() + " " + o.command(), o.command())), c, Integer::sum));
            unnamed += t.unnamed();
        }
        int named = byOwner.values().stream().mapToInt(Integer::intValue).sum();
        int seen = named + unnamed;
        // Processes running the same command are one holder: a loop's children, a pre-fork server's workers.
        Map<String, List<Map.Entry<Owner, Integer>>> byCommand = new LinkedHashMap<>();
        byOwner.entrySet().stream().sorted(Map.Entry.<Owner, Integer>comparingByValue().reversed()
                        .thenComparing(e -> e.getKey().pid()))
                .forEach(e -> byCommand.computeIfAbsent(e.getKey().command(), k -> new ArrayList<>()).add(e));
        List<Holder> holders = new ArrayList<>();
        for (var e : byCommand.entrySet()) {
            List<Long> pids = new ArrayList<>();
            int connections = 0;
            Set<Long> parents = new HashSet<>();
            for (var oe : e.getValue()) {
                pids.add(oe.getKey().pid());
                connections += oe.getValue();
                parents.add(oe.getKey().parentPid());
            }
            long parent = parents.size() == 1 ? parents.iterator().next() : -1;
            String parentCommand = parent > 0 && pids.size() > 1 ? PidFiles.command(proc, parent) : null;
            holders.add(new Holder(e.getKey(), List.copyOf(pids), pids.size() > 1 ? parent : -1, parentCommand,
                    connections, named == 0 ? 0 : connections / (double) named));
        }
        holders.sort(Comparator.comparingInt(Holder::connections).reversed());
        return new Result(seen, named, ticks, List.copyOf(holders), limitation(seen, named));
    }

    private String limitation(int seen, int named) {
        if (seen == 0 || named * 2 > seen) {
            return null;
        }
        if (denied > 0) {
            return String.format(java.util.Locale.ROOT, "%d of %d new connections could not be named: /proc/<pid>/fd of %d "
                    + "process(es) is not readable. Run the sidecar as the service's user or as root with CAP_SYS_PTRACE "
                    + "(in Kubernetes: the same runAsUser, or capabilities add SYS_PTRACE)", seen - named, seen, denied);
        }
        if (!truncated) {
            return String.format(java.util.Locale.ROOT, "%d of %d new connections could not be named: no process in %s "
                    + "held them. Either they closed within milliseconds, or their process is in another PID namespace "
                    + "(in Kubernetes: shareProcessNamespace: true on the pod)", seen - named, seen, proc);
        }
        return String.format(java.util.Locale.ROOT, "%d of %d new connections could not be named within the search's "
                + "bounds (%d processes, %d descriptors, %d ms of CPU per tick)", seen - named, seen, MAX_PIDS_PER_SAMPLE,
                MAX_FDS_PER_SAMPLE, WORK_BUDGET.toMillis());
    }
}
