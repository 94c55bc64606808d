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
        try {
            return parse(jdbcUrl).get(0).display();
        } catch (IllegalArgumentException e) {
            return "(no host in the URL)"; // only with the probe off: validation refuses such a URL otherwise
        }
    }

    /** Checks that the probe can find a host and port in the URL; {@link IllegalArgumentException} saying why not. */
    public static void checkUrl(String jdbcUrl) {
        parseHosts(jdbcUrl);
    }

    /** Resolves one host and port. */
    public static Endpoint resolve(String host, int port) throws UnknownHostException {
        List<InetAddress> addresses = List.of(InetAddress.getAllByName(host));
        return new Endpoint(new HostPort(host, port).display(), addresses, port);
    }

    /** A host and port; port 0 when the URL gives none and its scheme has no default twpool knows. */
    record HostPort(String host, int port) {
        String display() {
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return port == 0 ? h : h + ":" + port;
        }
    }

    /**
     * The port a driver connects to when its URL gives none, by the URL's scheme: MySQL and MariaDB 3306,
     * PostgreSQL 5432, SQL Server 1433, Oracle 1521, ...; 0 for a scheme twpool does not know.
     */
    static int defaultPort(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:")) {
            return 0;
        }
        String rest = lower.substring(5);
        int end = 0;
        while (end < rest.length() && (Character.isLetterOrDigit(rest.charAt(end)) || rest.charAt(end) == '-')) {
            end++;
        }
        return switch (rest.substring(0, end)) {
            case "mysql", "mariadb" -> 3306;
            case "postgresql", "pgsql" -> 5432;
            case "redshift" -> 5439;
            case "sqlserver", "jtds" -> 1433;
            case "oracle" -> 1521;
            case "db2" -> 50000;
            case "clickhouse" -> 8123;
            default -> 0;
        };
    }

    /**
     * The hosts and ports of a JDBC URL, without resolving; never the credentials. Throws
     * {@link IllegalArgumentException} when a host has no port and the scheme's default is unknown, or the URL
     * names no host at all.
     */
    static List<HostPort> parseHosts(String jdbcUrl) {
        List<HostPort> hosts = parse(jdbcUrl);
        for (HostPort h : hosts) {
            if (h.port() == 0) {
                String scheme = scheme(jdbcUrl);
                throw new IllegalArgumentException("the probe watches the database's host and port, this URL gives no port for "
                        + h.host() + " and twpool knows no default port for " + scheme + " URLs: write the port ("
                        + scheme + "//" + h.host() + ":PORT/...)");
            }
        }
        return hosts;
    }

    private static String scheme(String jdbcUrl) {
        int slashes = jdbcUrl.indexOf("//");
        int at = jdbcUrl.indexOf('@');
        int end = slashes >= 0 ? slashes : at >= 0 ? at + 1 : Math.min(jdbcUrl.length(), 30);
        return jdbcUrl.substring(0, end);
    }

    private static List<HostPort> parse(String jdbcUrl) {
        int defaultPort = defaultPort(jdbcUrl);
        String s = withoutCredentials(jdbcUrl);
        int scheme = s.indexOf("://");
        if (scheme < 0) {
            int at = s.indexOf('@');
            if (at >= 0 && s.toLowerCase(Locale.ROOT).startsWith("jdbc:oracle:")) {
                return List.of(oracle(s.substring(at + 1), defaultPort));
            }
            if (defaultPort == 0) {
                throw new IllegalArgumentException("the probe watches the database's host and port, and this URL names "
                        + "neither (it has no //host part)");
            }
            return List.of(new HostPort("127.0.0.1", defaultPort));
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
        List<HostPort> out = new ArrayList<>();
        for (String part : splitHosts(authority)) {
            String p = part.trim();
            int at = p.lastIndexOf('@');
            if (at >= 0 && p.indexOf('(') < 0) {
                p = p.substring(at + 1);
            }
            HostPort hp = parseHost(p, defaultPort);
            if (hp != null) {
                out.add(hp);
            }
        }
        if (out.isEmpty()) {
            out.add(new HostPort("127.0.0.1", defaultPort));
        }
        return out;
    }

    /**
     * A MySQL or MariaDB URL with its passwords moved out, as the driver gets it: a password may hold a ';', which
     * ends the authority below (SQL Server's {@code //h:1433;databaseName=x}).
     */
    private static String withoutCredentials(String jdbcUrl) {
        try {
            return io.github.twpool.internal.UrlCredentials.split(jdbcUrl).url();
        } catch (IllegalArgumentException e) {
            return jdbcUrl; // two different passwords: configuration validation refuses the URL
        }
    }

    /** {@code host:port:sid}, {@code //host:port/service}, {@code (DESCRIPTION=(ADDRESS=(HOST=h)(PORT=p))...)}. */
    private static HostPort oracle(String address, int defaultPort) {
        String a = address.trim();
        if (a.startsWith("(")) {
            String host = attribute(a, "host");
            String port = attribute(a, "port");
            return new HostPort(host == null ? "127.0.0.1" : host, port == null ? defaultPort : parsePort(port, defaultPort));
        }
        if (a.startsWith("//")) {
            a = a.substring(2);
        }
        int end = 0;
        while (end < a.length() && "/?".indexOf(a.charAt(end)) < 0) {
            end++;
        }
        String[] parts = a.substring(0, end).split(":");
        return new HostPort(parts[0], parts.length > 1 ? parsePort(parts[1], defaultPort) : defaultPort);
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

    private static HostPort parseHost(String part, int defaultPort) {
        if (part.isEmpty()) {
            return null;
        }
        if (part.startsWith("(") || part.toLowerCase(Locale.ROOT).startsWith("address=")) {
            // Connector/J's (host=h,port=p) and address=(host=h)(port=p) forms
            String host = attribute(part, "host");
            String port = attribute(part, "port");
            return new HostPort(host == null ? "127.0.0.1" : host, port == null ? defaultPort : parsePort(port, defaultPort));
        }
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            String host = part.substring(1, close < 0 ? part.length() : close);
            int port = close >= 0 && close + 1 < part.length() && part.charAt(close + 1) == ':'
                    ? parsePort(part.substring(close + 2), defaultPort) : defaultPort;
            return new HostPort(host, port);
        }
        int colon = part.lastIndexOf(':');
        if (colon >= 0 && part.indexOf(':') == colon) {
            return new HostPort(part.substring(0, colon), parsePort(part.substring(colon + 1), defaultPort));
        }
        return new HostPort(part, defaultPort);
    }

    private static String attribute(String part, String name) {
        String lower = part.toLowerCase(Locale.ROOT);
        int i = lower.indexOf(name + "=");
        while (i > 0 && Character.isLetterOrDigit(lower.charAt(i - 1))) {
            i = lower.indexOf(name + "=", i + 1); // "host=" must not match inside "xhost="
        }
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

    private static int parsePort(String s, int defaultPort) {
        String t = s.trim();
        if (t.matches("[0-9]{1,5}")) {
            int p = Integer.parseInt(t);
            if (p > 0 && p < 65536) {
                return p;
            }
        }
        return defaultPort;
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
