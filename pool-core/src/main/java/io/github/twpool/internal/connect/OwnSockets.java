package io.github.twpool.internal.connect;

import io.github.twpool.internal.probe.AutoCensus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The inodes of the sockets this process holds: the {@code socket:[inode]} links of {@code /proc/self/fd}. A link
 * that vanishes while it is read (a file closed meanwhile) is skipped. At most {@link #MAX_FDS} descriptors are read,
 * so a process with a huge table costs a bounded time; {@link #truncated()} says when that happened.
 *
 * <p>Read twice per socket sample, around the census, so what one listing costs widens the window in which a
 * connection of this process could open and close unseen: the cheaper, the more samples are decisive. Not thread-safe.
 */
interface OwnSockets {

    int MAX_FDS = 65_536;
    String METHOD_NIO = "/proc/self/fd";
    String METHOD_NATIVE = "/proc/self/fd (readdir and readlinkat)";
    /** The Java 22+ class; only in the multi-release jar's {@code META-INF/versions/22}. */
    String NATIVE_CLASS = "io.github.twpool.internal.connect.NativeOwnSockets";

    /** Fills {@code into} (cleared first) with the socket inodes held now. */
    void read(Set<Long> into) throws IOException;

    /** Whether the last {@link #read} stopped at {@link #MAX_FDS}. */
    boolean truncated();

    /** How the descriptors are read, for the report's method. */
    String method();

    /**
     * Native calls where the netlink census may run (Java 22+, native access, {@code /proc} as the root): about 1.7
     * times cheaper than a {@code Path} and a {@code String} per descriptor (docs/BENCHMARKS.md). Else, or if they
     * cannot be bound, {@code java.nio.file}.
     */
    static OwnSockets open(Path procRoot) {
        if (AutoCensus.netlinkUnavailableReason(procRoot) == null) {
            try {
                Class<?> c = Class.forName(NATIVE_CLASS, true, OwnSockets.class.getClassLoader());
                return (OwnSockets) c.getDeclaredMethod("open").invoke(null);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                // fall through to the portable listing
            }
        }
        return new ProcOwnSockets(procRoot);
    }
}
