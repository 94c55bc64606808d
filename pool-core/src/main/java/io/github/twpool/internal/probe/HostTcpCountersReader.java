package io.github.twpool.internal.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads {@link HostTcpCounters} from {@code <proc-root>/net/snmp} and {@code <proc-root>/net/netstat}: two small
 * files (about 1 and 4 KiB), as cheap as sockstat. Reads are bounded ({@value #MAX_BYTES} bytes a file) and only of
 * regular files, so a hostile proc-root (a FIFO, an endless file) can neither block nor flood the probe thread.
 */
public final class HostTcpCountersReader {

    static final int MAX_BYTES = 64 * 1024;

    private final Path snmp;
    private final Path netstat;

    public HostTcpCountersReader(Path procRoot) {
        this.snmp = procRoot.resolve("net/snmp");
        this.netstat = procRoot.resolve("net/netstat");
    }

    /** The counters now; {@link HostTcpCounters#UNKNOWN} when the files cannot be read. */
    public HostTcpCounters read() {
        Map<String, Long> tcp = section(snmp, "Tcp:");
        if (tcp.isEmpty()) {
            return HostTcpCounters.UNKNOWN;
        }
        Map<String, Long> ext = section(netstat, "TcpExt:");
        return new HostTcpCounters(tcp.getOrDefault("ActiveOpens", -1L), tcp.getOrDefault("PassiveOpens", -1L),
                tcp.getOrDefault("OutRsts", -1L), tcp.getOrDefault("EstabResets", -1L),
                ext.getOrDefault("TCPAbortOnData", -1L), ext.getOrDefault("TCPAbortOnClose", -1L));
    }

    private static Map<String, Long> section(Path file, String prefix) {
        String text = readBounded(file);
        return text == null ? Map.of() : parse(text, prefix);
    }

    static String readBounded(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(file)) {
                return new String(in.readNBytes(MAX_BYTES), StandardCharsets.US_ASCII);
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The kernel prints each section as a line of names and a line of values, both starting with the prefix:
     * {@code Tcp: RtoAlgorithm ... ActiveOpens ...} then {@code Tcp: 1 ... 856 ...}. Malformed input yields what
     * could be read, never an exception.
     */
    static Map<String, Long> parse(String text, String prefix) {
        String[] lines = text.split("\n", 256);
        for (int i = 0; i + 1 < lines.length; i++) {
            if (!lines[i].startsWith(prefix) || !lines[i + 1].startsWith(prefix)) {
                continue;
            }
            String[] names = lines[i].substring(prefix.length()).trim().split("\\s+");
            String[] values = lines[i + 1].substring(prefix.length()).trim().split("\\s+");
            if (names.length == 0 || values.length == 0 || !isNumber(values[0])) {
                continue;
            }
            Map<String, Long> out = new HashMap<>();
            for (int k = 0; k < Math.min(names.length, values.length); k++) {
                if (isNumber(values[k])) {
                    try {
                        out.put(names[k], Long.parseLong(values[k]));
                    } catch (NumberFormatException e) {
                        // beyond a long: leave it out
                    }
                }
            }
            return out;
        }
        return Map.of();
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 20) {
            return false;
        }
        int start = s.charAt(0) == '-' ? 1 : 0;
        if (start == s.length()) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
