package io.github.twpool.internal.probe;

import io.github.twpool.KernelSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the TCP settings that matter for churn from {@code <proc>/sys}; an unreadable value is -1. Never throws. */
public final class KernelSettingsReader {

    private KernelSettingsReader() {
    }

    public static KernelSettings read(Path procRoot) {
        Path ipv4 = procRoot.resolve("sys/net/ipv4");
        int low = -1;
        int high = -1;
        String range = text(ipv4.resolve("ip_local_port_range"));
        if (range != null) {
            String[] parts = range.trim().split("\\s+");
            if (parts.length == 2) {
                low = toInt(parts[0]);
                high = toInt(parts[1]);
            }
        }
        String release = text(procRoot.resolve("sys/kernel/osrelease"));
        return new KernelSettings(low, high,
                number(ipv4.resolve("tcp_tw_reuse")),
                number(ipv4.resolve("tcp_fin_timeout")),
                number(ipv4.resolve("tcp_max_tw_buckets")),
                number(ipv4.resolve("tcp_timestamps")),
                Files.exists(ipv4.resolve("tcp_tw_recycle")),
                release == null ? "unknown" : release.trim());
    }

    private static int number(Path p) {
        String t = text(p);
        return t == null ? -1 : toInt(t.trim());
    }

    private static int toInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Reads a small /proc file. Not with Files.readString: procfs reports size 0 and, read a byte at a time after
     * a zero-length read, sysctl files come back truncated ("60" as "6"). A FIFO, a device or an endless file is
     * refused by {@link ProcFiles} and reads as unknown.
     */
    private static String text(Path p) {
        try {
            return new String(ProcFiles.readSmall(p, ProcFiles.SMALL_FILE_MAX_BYTES), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
