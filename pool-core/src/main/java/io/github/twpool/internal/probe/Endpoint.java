package io.github.twpool.internal.probe;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The database endpoint the probe counts sockets for: every address its host names resolve to, and its port. The
 * addresses are kept as the upper-case hex {@code /proc/net/tcp*} prints, so matching a line is a byte comparison.
 */
public final class Endpoint {

    static final int DEFAULT_MYSQL_PORT = 3306;

    private final String display;
    private final int port;
    private final List<InetAddress> addresses;
    private final byte[][] v4Patterns;   // 8 hex chars, as in /proc/net/tcp
    private final byte[][] v6Patterns;   // 32 hex chars, as in /proc/net/tcp6 (native and IPv4-mapped)
    private final boolean local;

    public Endpoint(String display, List<InetAddress> addresses, int port) {
        this.display = display;
        this.port = port;
        this.addresses = List.copyOf(addresses);
        List<byte[]> v4 = new ArrayList<>();
        List<byte[]> v6 = new ArrayList<>();
        boolean isLocal = false;
        for (InetAddress a : addresses) {
            byte[] b = a.getAddress();
            if (a instanceof Inet4Address) {
                v4.add(ascii(wordsHex(b)));
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(b, 0, mapped, 12, 4);
                v6.add(ascii(wordsHex(mapped)));
            } else if (a instanceof Inet6Address) {
                v6.add(ascii(wordsHex(b)));
            }
            isLocal |= isLocalAddress(a);
        }
        this.v4Patterns = v4.toArray(new byte[0][]);
        this.v6Patterns = v6.toArray(new byte[0][]);
        this.local = isLocal;
    }

    /** Resolves the hosts of a JDBC URL ({@code jdbc:mysql://h1:3306,h2/db}, {@code [::1]}, address-equals form). */
    public static Endpoint fromJdbcUrl(String jdbcUrl) {
        List<HostPort> hosts = parseHosts(jdbcUrl);
        Set<InetAddress> all = new LinkedHashSet<>();
        for (HostPort h : hosts) {
            try {
                for (InetAddress a : InetAddress.getAllByName(h.host())) {
                    all.add(a);
                }
            } catch (UnknownHostException e) {
                // an unresolvable host contributes no address; the pool reports the real error itself
            }
        }
        HostPort first = hosts.get(0);
        return new Endpoint(first.display(), new ArrayList<>(all), first.port());
    }

    /** {@code host:port} of the URL's first host, without resolving it and without credentials. */
    public static String displayOf(String jdbcUrl) {
        return parseHosts(jdbcUrl).get(0).display();
    }

    /** Resolves one host and port. */
    public static Endpoint resolve(String host, int port) throws UnknownHostException {
        List<InetAddress> addresses = List.of(InetAddress.getAllByName(host));
        return new Endpoint(new HostPort(host, port).display(), addresses, port);
    }

    record HostPort(String host, int port) {
        String display() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** The hosts and ports of a JDBC URL, without resolving; never the credentials. */
    static List<HostPort> parseHosts(String jdbcUrl) {
        String s = jdbcUrl;
        int scheme = s.indexOf("://");
        if (scheme < 0) {
            return List.of(new HostPort("127.0.0.1", DEFAULT_MYSQL_PORT));
        }
        s = s.substring(scheme + 3);
        int end = 0;
        int depth = 0;
        while (end < s.length()) {
            char c = s.charAt(end);
            if (c == '(' || c == '[') depth++;
            if (c == ')' || c == ']') depth--;
            if (depth == 0 && (c == '/' || c == '?' || c == ';')) break;
            end++;
        }
        String authority = s.substring(0, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0 && authority.indexOf('(') < 0) {
            authority = authority.substring(at + 1);
        }
        List<HostPort> out = new ArrayList<>();
        for (String part : splitHosts(authority)) {
            HostPort hp = parseHost(part.trim());
            if (hp != null) {
                out.add(hp);
            }
        }
        if (out.isEmpty()) {
            out.add(new HostPort("127.0.0.1", DEFAULT_MYSQL_PORT));
        }
        return out;
    }

    private static List<String> splitHosts(String authority) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < authority.length(); i++) {
            char c = authority.charAt(i);
            if (c == '(' || c == '[') depth++;
            if (c == ')' || c == ']') depth--;
            if (c == ',' && depth == 0) {
                parts.add(authority.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(authority.substring(start));
        return parts;
    }

    private static HostPort parseHost(String part) {
        if (part.isEmpty()) {
            return null;
        }
        if (part.startsWith("(") || part.startsWith("address=")) {
            // Connector/J's (host=h,port=p) and address=(host=h)(port=p) forms
            String host = attribute(part, "host");
            String port = attribute(part, "port");
            return new HostPort(host == null ? "127.0.0.1" : host, port == null ? DEFAULT_MYSQL_PORT : parsePort(port));
        }
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            String host = part.substring(1, close < 0 ? part.length() : close);
            int port = close >= 0 && close + 1 < part.length() && part.charAt(close + 1) == ':'
                    ? parsePort(part.substring(close + 2)) : DEFAULT_MYSQL_PORT;
            return new HostPort(host, port);
        }
        int colon = part.lastIndexOf(':');
        if (colon >= 0 && part.indexOf(':') == colon) {
            return new HostPort(part.substring(0, colon), parsePort(part.substring(colon + 1)));
        }
        return new HostPort(part, DEFAULT_MYSQL_PORT);
    }

    private static String attribute(String part, String name) {
        String lower = part.toLowerCase(Locale.ROOT);
        int i = lower.indexOf(name + "=");
        if (i < 0) {
            return null;
        }
        int start = i + name.length() + 1;
        int end = start;
        while (end < part.length() && ",)".indexOf(part.charAt(end)) < 0) {
            end++;
        }
        return part.substring(start, end).trim();
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s.trim());
            return p > 0 && p < 65536 ? p : DEFAULT_MYSQL_PORT;
        } catch (NumberFormatException e) {
            return DEFAULT_MYSQL_PORT;
        }
    }

    /** Each 4-byte word printed as the host-order (little-endian) u32 with %08X, as the kernel does. */
    static String wordsHex(byte[] address) {
        StringBuilder sb = new StringBuilder(address.length * 2);
        for (int w = 0; w < address.length; w += 4) {
            for (int i = w + 3; i >= w; i--) {
                sb.append(Character.toUpperCase(Character.forDigit((address[i] >> 4) & 0xf, 16)));
                sb.append(Character.toUpperCase(Character.forDigit(address[i] & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean isLocalAddress(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public List<InetAddress> addresses() {
        return addresses;
    }

    /** True when the database runs on this host (in this network namespace), so server-side sockets count. */
    public boolean local() {
        return local;
    }

    /** True when the 8 hex chars at {@code off} are one of the endpoint's IPv4 addresses. */
    boolean matchesV4(byte[] buf, int off) {
        return matches(v4Patterns, buf, off);
    }

    /** True when the 32 hex chars at {@code off} are one of the endpoint's IPv6 (or IPv4-mapped) addresses. */
    boolean matchesV6(byte[] buf, int off) {
        return matches(v6Patterns, buf, off);
    }

    private static boolean matches(byte[][] patterns, byte[] buf, int off) {
        outer:
        for (byte[] p : patterns) {
            for (int i = 0; i < p.length; i++) {
                if (buf[off + i] != p[i]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return display;
    }
}
