package io.github.twpool.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Moves the secrets of a MySQL or MariaDB JDBC URL into driver properties, so that the URL handed to the driver and
 * to HikariCP (which logs it at DEBUG) carries none. Connector/J reads a password from every one of these forms:
 * {@code //user:PW@host}, {@code //(host=h,password=PW)}, {@code //address=(host=h)(password=PW)},
 * {@code ?password=PW}, {@code ?PASSWORD=PW}, {@code ?pass%77ord=PW}, {@code ?password1=PW} (multi-factor), and any
 * other secret-looking parameter ({@code trustCertificateKeyStorePassword}). Values are URL-decoded as the driver
 * decodes them. URLs of other drivers are left as they are (their syntax is theirs to define); HikariCP masks their
 * {@code password=} parameters itself.
 */
public final class UrlCredentials {

    /** The URL without secrets, and the secrets as driver properties. */
    public record Split(String url, Map<String, String> properties) {
        public Split {
            properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        }
    }

    /** The URL said the same property twice with different values (two hosts with two passwords, say). */
    public static final class ConflictException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String property;

        ConflictException(String property) {
            super("the URL gives " + property + " more than once with different values");
            this.property = property;
        }

        public String property() {
            return property;
        }
    }

    private UrlCredentials() {
    }

    /** True for the URL schemes whose syntax this class knows: Connector/J's and MariaDB Connector/J's. */
    public static boolean handles(String url) {
        String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:mysql:") || lower.startsWith("jdbc:mysql+srv:") || lower.startsWith("jdbc:mariadb:");
    }

    public static Split split(String url) {
        if (!handles(url)) {
            return new Split(url, Map.of());
        }
        int scheme = url.indexOf("//");
        if (scheme < 0) {
            return new Split(url, Map.of());
        }
        Map<String, String> moved = new LinkedHashMap<>();
        int start = scheme + 2;
        int end = start;
        int depth = 0;
        while (end < url.length()) {
            char c = url.charAt(end);
            if (c == '(' || c == '[') depth++;
            if ((c == ')' || c == ']') && depth > 0) depth--;
            if (depth == 0 && (c == '/' || c == '?' || c == '#')) break;
            end++;
        }
        List<String> hosts = new ArrayList<>();
        for (String host : Secrets.splitTopLevel(url.substring(start, end), ',')) {
            hosts.add(host(host, moved));
        }
        StringBuilder out = new StringBuilder(url.length());
        out.append(url, 0, start).append(String.join(",", hosts));
        String rest = url.substring(end);
        int q = rest.indexOf('?');
        if (q < 0) {
            out.append(rest);
        } else {
            out.append(rest, 0, q);
            int hash = rest.indexOf('#', q);
            String query = rest.substring(q + 1, hash < 0 ? rest.length() : hash);
            List<String> kept = new ArrayList<>();
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                String key = Secrets.decode(eq < 0 ? pair : pair.substring(0, eq)).trim();
                if (eq > 0 && Secrets.isSecretKey(key)) {
                    put(moved, key, Secrets.decode(pair.substring(eq + 1)));
                } else {
                    kept.add(pair);
                }
            }
            if (!kept.isEmpty() && !(kept.size() == 1 && kept.get(0).isEmpty())) {
                out.append('?').append(String.join("&", kept));
            }
            if (hash >= 0) {
                out.append(rest.substring(hash));
            }
        }
        return new Split(out.toString(), moved);
    }

    private static String host(String host, Map<String, String> moved) {
        String trimmed = host.trim();
        if (trimmed.startsWith("(") && trimmed.endsWith(")")) {
            // (host=h,port=p,password=PW)
            List<String> kept = new ArrayList<>();
            for (String kv : Secrets.splitTopLevel(trimmed.substring(1, trimmed.length() - 1), ',')) {
                if (!moveIfSecret(kv, moved)) {
                    kept.add(kv);
                }
            }
            return "(" + String.join(",", kept) + ")";
        }
        if (trimmed.toLowerCase(Locale.ROOT).startsWith("address=") && trimmed.endsWith(")")) {
            // address=(host=h)(port=p)(password=PW)
            StringBuilder b = new StringBuilder("address=");
            String groups = trimmed.substring("address=".length());
            int i = 0;
            while (i < groups.length()) {
                int open = groups.indexOf('(', i);
                int close = groups.indexOf(')', open + 1);
                if (open != i || close < 0) {
                    return host; // not the form we know: leave it, the caller checks for what is left
                }
                String kv = groups.substring(open + 1, close);
                if (!moveIfSecret(kv, moved)) {
                    b.append('(').append(kv).append(')');
                }
                i = close + 1;
            }
            return b.toString();
        }
        int at = host.lastIndexOf('@');
        int colon = host.indexOf(':');
        if (at > 0 && colon >= 0 && colon < at && host.indexOf('(') < 0) {
            // user:PW@host[:port] (the user stays; an empty user goes with its password)
            String user = host.substring(0, colon);
            put(moved, "password", Secrets.decode(host.substring(colon + 1, at)));
            return (user.isEmpty() ? "" : user + "@") + host.substring(at + 1);
        }
        return host;
    }

    private static boolean moveIfSecret(String kv, Map<String, String> moved) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
            return false;
        }
        String key = Secrets.decode(kv.substring(0, eq)).trim();
        if (!Secrets.isSecretKey(key)) {
            return false;
        }
        put(moved, key, Secrets.decode(kv.substring(eq + 1).trim()));
        return true;
    }

    private static void put(Map<String, String> moved, String key, String value) {
        String canonical = key.equalsIgnoreCase("password") ? "password" : key;
        for (Map.Entry<String, String> e : moved.entrySet()) {
            if (e.getKey().equalsIgnoreCase(canonical)) {
                if (!e.getValue().equals(value)) {
                    throw new ConflictException(canonical);
                }
                return;
            }
        }
        moved.put(canonical, value);
    }
}
