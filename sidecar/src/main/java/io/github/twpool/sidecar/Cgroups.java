package io.github.twpool.sidecar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cgroup v2 hierarchy as the kernel's socket reports name it: a socket's {@code INET_DIAG_CGROUP_ID} is the inode
 * number of its cgroup's directory in the cgroup2 file system, so a walk of that file system maps ids to paths
 * ({@code /system.slice/app.service}, {@code /kubepods.slice/.../cri-containerd-<id>.scope}); the path says which
 * systemd unit, container or pod it is, and its {@code cgroup.procs} lists the processes in it.
 *
 * <p>Bounded: the walk visits at most {@link #MAX_DIRECTORIES} directories {@link #MAX_DEPTH} deep and is redone at
 * most every {@link #REWALK_NANOS} when an id is not found; {@code cgroup.procs} is read up to {@link #MAX_PROCS}
 * pids. Where no cgroup2 file system is mounted (a cgroup v1-only host) nothing resolves and the caller falls back to
 * searching {@code /proc}. Not thread-safe: the sampling thread owns it.
 */
final class Cgroups {

    static final int MAX_DIRECTORIES = 20_000;
    static final int MAX_DEPTH = 12;
    static final int MAX_PROCS = 4096;
    static final long REWALK_NANOS = 5_000_000_000L;

    private final Path root;
    private final Map<Long, String> paths = new HashMap<>();
    private long walkedAt;
    private long rootId = -1;

    Cgroups(Path root) {
        this.root = root;
    }

    /**
     * The cgroup2 mount this process sees, from {@code <proc>/self/mountinfo}; a Cgroups that resolves nothing when
     * there is none.
     */
    static Cgroups find(Path proc) {
        byte[] b = PidFiles.readBounded(proc.resolve("self/mountinfo"), 1 << 20);
        return new Cgroups(b == null ? null : cgroup2Mount(new String(b, StandardCharsets.UTF_8)));
    }

    /** The mount point of the first cgroup2 file system in mountinfo text, or {@code null}. */
    static Path cgroup2Mount(String mountinfo) {
        for (String line : mountinfo.split("\n")) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] after = line.substring(dash + 3).split(" ");
            String[] before = line.substring(0, dash).split(" ");
            if (after.length > 0 && after[0].equals("cgroup2") && before.length > 4) {
                return Path.of(unescape(before[4]));
            }
        }
        return null;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    boolean available() {
        return root != null;
    }

    Path mount() {
        return root;
    }

    /** The path of the cgroup with this id ({@code /} for the root), or {@code null} when unknown. */
    String path(long id) {
        if (root == null || id < 0) {
            return null;
        }
        String p = paths.get(id);
        if (p == null && (walkedAt == 0 || System.nanoTime() - walkedAt > REWALK_NANOS)) {
            walk();
            p = paths.get(id);
        }
        return p;
    }

    /** True for the hierarchy's root as this process sees it: every process is in it on a host without cgroups in use. */
    boolean isRoot(long id) {
        path(id);
        return id == rootId;
    }

    private void walk() {
        walkedAt = System.nanoTime();
        paths.clear();
        ArrayDeque<Path> queue = new ArrayDeque<>();
        queue.add(root);
        int visited = 0;
        while (!queue.isEmpty() && visited < MAX_DIRECTORIES) {
            Path dir = queue.poll();
            visited++;
            long ino = inode(dir);
            if (ino < 0) {
                continue;
            }
            String rel = "/" + root.relativize(dir).toString();
            if (dir.equals(root)) {
                rootId = ino;
                rel = "/";
            }
            paths.put(ino, rel);
            if (dir.getNameCount() - root.getNameCount() >= MAX_DEPTH) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
                for (Path child : ds) {
                    if (!Files.isSymbolicLink(child)) {
                        queue.add(child);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // removed meanwhile
            }
        }
    }

    private static long inode(Path p) {
        try {
            Object ino = Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            return ino instanceof Long l ? l : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The pids in the cgroup at {@code path} (its own, not its children's), at most {@link #MAX_PROCS}. */
    long[] procs(String path) {
        if (root == null || path == null) {
            return new long[0];
        }
        Path dir = path.equals("/") ? root : root.resolve(path.substring(1));
        if (!dir.normalize().startsWith(root)) {
            return new long[0];
        }
        byte[] b = PidFiles.readBounded(dir.resolve("cgroup.procs"), MAX_PROCS * 11);
        if (b == null) {
            return new long[0];
        }
        long[] out = new long[64];
        int n = 0;
        long v = 0;
        int digits = 0;
        for (int i = 0; i <= b.length && n < MAX_PROCS; i++) {
            byte c = i < b.length ? b[i] : (byte) '\n';
            if (c >= '0' && c <= '9' && digits < 11) {
                v = v * 10 + (c - '0');
                digits++;
            } else {
                if (digits > 0 && digits <= 10 && v > 0) {
                    if (n == out.length) {
                        out = Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = v;
                }
                v = 0;
                digits = 0;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static final Pattern POD = Pattern.compile("pod([0-9a-fA-F]{8}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{12})");
    private static final Pattern CONTAINER = Pattern.compile("(?:^|[-/])(?:docker|cri-containerd|crio|containerd|libpod)?-?([0-9a-f]{64})(?:\\.scope)?$");
    private static final Pattern UNIT = Pattern.compile("([^/]+\\.(?:service|scope))$");

    /**
     * What a cgroup path says in words: {@code pod <uid> container <id12>}, {@code container <id12>}, {@code systemd
     * unit <name>}, or {@code null} when it is none of these.
     */
    static String describe(String path) {
        if (path == null || path.equals("/")) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        Matcher pod = POD.matcher(path);
        if (pod.find()) {
            b.append("Kubernetes pod ").append(pod.group(1).replace('_', '-'));
        }
        Matcher c = CONTAINER.matcher(path);
        if (c.find()) {
            b.append(b.length() == 0 ? "" : ", ").append("container ").append(c.group(1), 0, 12);
            return b.toString();
        }
        if (b.length() > 0) {
            return b.toString();
        }
        Matcher u = UNIT.matcher(path);
        return u.find() ? "systemd unit " + u.group(1) : null;
    }

    /** The v2 cgroup path of a process from {@code <proc>/<pid>/cgroup} (its {@code 0::} line), or {@code null}. */
    static String ofProcess(Path proc, long pid) {
        byte[] b = PidFiles.readBounded(proc.resolve(Long.toString(pid)).resolve("cgroup"), 16 * 1024);
        if (b == null) {
            return null;
        }
        for (String line : new String(b, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("0::")) {
                return line.substring(3).trim();
            }
        }
        return null;
    }
}
