package io.github.twpool.internal.connect;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The inodes of the sockets this process holds: the {@code socket:[inode]} links of {@code /proc/self/fd}. A link
 * that vanishes while it is read (a file closed meanwhile) is skipped. At most {@link #MAX_FDS} descriptors are read,
 * so a process with a huge table costs a bounded time; {@link #truncated()} says when that happened.
 */
final class OwnSockets {

    static final int MAX_FDS = 65_536;
    private static final String PREFIX = "socket:[";

    private final Path fdDir;
    private boolean truncated;

    OwnSockets(Path procRoot) {
        this.fdDir = procRoot.resolve("self/fd");
    }

    /** Fills {@code into} (cleared first) with the socket inodes held now. */
    void read(Set<Long> into) throws IOException {
        into.clear();
        truncated = false;
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                if (++n > MAX_FDS) {
                    truncated = true;
                    return;
                }
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException | UnsupportedOperationException e) {
                    continue; // closed meanwhile, or not a link
                }
                if (target.startsWith(PREFIX) && target.endsWith("]")) {
                    try {
                        into.add(Long.parseLong(target, PREFIX.length(), target.length() - 1, 10));
                    } catch (NumberFormatException e) {
                        // not an inode: skip
                    }
                }
            }
        }
    }

    Set<Long> read() throws IOException {
        Set<Long> s = new HashSet<>();
        read(s);
        return s;
    }

    boolean truncated() {
        return truncated;
    }
}
