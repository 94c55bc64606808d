package io.github.twpool.sidecar;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads {@code /proc/<pid>/*} as hostile input: only regular files (never a FIFO, device or symbolic link, which a
 * crafted {@code --proc} tree could hold to block or flood us), at most a fixed number of bytes, and text made safe
 * to print (control characters replaced, length bounded).
 */
final class PidFiles {

    static final int CMDLINE_MAX_BYTES = 4096;
    static final int STAT_MAX_BYTES = 1024;
    static final int COMMAND_MAX_CHARS = 120;

    private PidFiles() {
    }

    /** At most {@code max} bytes of a regular file, or {@code null} when it is not one or cannot be read. */
    static byte[] readBounded(Path file, int max) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                return null;
            }
            try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                return in.readNBytes(max);
            }
        } catch (IOException | RuntimeException e) {
            return null; // gone, not permitted, or not a file: the caller reports it unnamed
        }
    }

    /** The command line of a process, NULs as spaces, safe to print; {@code null} when unreadable or empty. */
    static String command(Path procRoot, long pid) {
        byte[] b = readBounded(procRoot.resolve(Long.toString(pid)).resolve("cmdline"), CMDLINE_MAX_BYTES);
        if (b == null || b.length == 0) {
            return null;
        }
        String s = sanitize(b);
        return s.isBlank() ? null : s;
    }

    /** {@code [comm]} from {@code stat}, for processes without a command line (kernel threads, zombies). */
    static String comm(byte[] stat) {
        if (stat == null) {
            return null;
        }
        int open = indexOf(stat, (byte) '(', 0);
        int close = lastIndexOf(stat, (byte) ')');
        if (open < 0 || close <= open) {
            return null;
        }
        byte[] name = new byte[close - open - 1];
        System.arraycopy(stat, open + 1, name, 0, name.length);
        return "[" + sanitize(name) + "]";
    }

    /** The parent pid from {@code stat} ({@code pid (comm) S ppid ...}; comm may hold spaces and parentheses), or -1. */
    static long parentPid(byte[] stat) {
        if (stat == null) {
            return -1;
        }
        int close = lastIndexOf(stat, (byte) ')');
        if (close < 0 || close + 4 >= stat.length) {
            return -1;
        }
        int i = close + 1;
        while (i < stat.length && stat[i] == ' ') i++;
        while (i < stat.length && stat[i] != ' ') i++; // state
        while (i < stat.length && stat[i] == ' ') i++;
        long v = 0;
        int start = i;
        while (i < stat.length && stat[i] >= '0' && stat[i] <= '9' && i - start < 18) {
            v = v * 10 + (stat[i] - '0');
            i++;
        }
        return i == start ? -1 : v;
    }

    /** The start time (clock ticks after boot, field 22) from {@code stat}: with the pid, a process's identity; or -1. */
    static long startTime(byte[] stat) {
        if (stat == null) {
            return -1;
        }
        int i = lastIndexOf(stat, (byte) ')');
        if (i < 0) {
            return -1;
        }
        // after "pid (comm)": state is field 3, starttime field 22
        for (int field = 2; field < 22; field++) {
            while (i < stat.length && stat[i] != ' ') i++;
            while (i < stat.length && stat[i] == ' ') i++;
        }
        long v = 0;
        int start = i;
        while (i < stat.length && stat[i] >= '0' && stat[i] <= '9' && i - start < 19) {
            v = v * 10 + (stat[i] - '0');
            i++;
        }
        return i == start ? -1 : v;
    }

    /** utime + stime (fields 14 and 15, clock ticks) from {@code stat}: the CPU time the whole process used; or -1. */
    static long cpuTicks(byte[] stat) {
        if (stat == null) {
            return -1;
        }
        int i = lastIndexOf(stat, (byte) ')');
        if (i < 0) {
            return -1;
        }
        long sum = 0;
        for (int field = 3; field <= 15; field++) { // moving onto field 3 (state), ..., 15
            while (i < stat.length && stat[i] != ' ') i++;
            while (i < stat.length && stat[i] == ' ') i++;
            if (field >= 14) {
                long v = 0;
                int start = i;
                while (i < stat.length && stat[i] >= '0' && stat[i] <= '9' && i - start < 19) {
                    v = v * 10 + (stat[i] - '0');
                    i++;
                }
                if (i == start) {
                    return -1;
                }
                sum += v;
            }
        }
        return sum;
    }

    /** How many descriptors a process has open (the size Linux 6.2+ gives {@code /proc/<pid>/fd}), or -1. */
    static long descriptors(Path procRoot, long pid) {
        try {
            return Files.readAttributes(procRoot.resolve(Long.toString(pid)).resolve("fd"), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).size();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The uid owning {@code /proc/<pid>} (the process's, or root's when it is not dumpable), or -1. */
    static long owner(Path procRoot, long pid) {
        try {
            Object uid = Files.getAttribute(procRoot.resolve(Long.toString(pid)), "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return uid instanceof Integer i ? i & 0xffffffffL : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static byte[] stat(Path procRoot, long pid) {
        return readBounded(procRoot.resolve(Long.toString(pid)).resolve("stat"), STAT_MAX_BYTES);
    }

    /**
     * UTF-8 (malformed bytes replaced), NULs as spaces, control and bidirectional-override characters as '?',
     * trailing spaces dropped, at most {@link #COMMAND_MAX_CHARS} characters.
     */
    static String sanitize(byte[] b) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            s = new String(b, StandardCharsets.ISO_8859_1);
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), COMMAND_MAX_CHARS + 1));
        for (int i = 0; i < s.length() && out.length() <= COMMAND_MAX_CHARS; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                out.append(' ');
            } else if (Character.isISOControl(c) || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')
                    || c == '\u2028' || c == '\u2029') {
                out.append('?');
            } else {
                out.append(c);
            }
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
        if (out.length() > COMMAND_MAX_CHARS) {
            out.setLength(COMMAND_MAX_CHARS);
            out.append("...");
        }
        return out.toString();
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) return i;
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, byte x) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == x) return i;
        }
        return -1;
    }
}
