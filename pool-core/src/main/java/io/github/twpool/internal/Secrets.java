package io.github.twpool.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets before anything is logged, printed or thrown: passwords in JDBC URLs (every spelling a driver
 * accepts), values of secret-looking keys, and the known secrets of a pool wherever a driver or server echoes them.
 */
public final class Secrets {

    public static final String MASK = "****";

    /** Secrets shorter than this are not replaced literally in free text: every "ab" in a message would vanish. */
    static final int MIN_LITERAL = 3;

    // key=value after ?, &, ; or a blank (query forms and free text): the value runs to the next & or ; or blank.
    // (The blank before a key is the one next to it, group 2 stays empty: "\\s+\\s*" there made a run of blanks quadratic.)
    private static final Pattern QUERY_PAIR = Pattern.compile(
            "(^|[?&;\\s])()([^=&;?(),\\s'\"]++)(\\s*+=\\s*+)([^&;\\s]*+)");
    // key=value inside (host=h,password=PW) and address=(host=h)(password=PW): the value runs to the next , or ).
    private static final Pattern PAREN_PAIR = Pattern.compile(
            "([(,])(\\s*+)([^=&;?(),\\s'\"]++)(\\s*+=\\s*+)([^,)]*+)");
    // Whole-word tokens that are secret on their own ("user-pass", "db_pw"); longer words are found as substrings.
    private static final Set<String> SECRET_TOKENS = Set.of("pass", "pw", "pwd", "pword");
    private static final String[] SECRET_WORDS = {"password", "passwd", "passphrase", "pwd", "secret", "token",
            "credential", "apikey", "privatekey", "accesskey"};

    private Secrets() {
    }

    /** The URL (or any text holding URLs) with every password it carries replaced by {@value #MASK}. Null stays null. */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        return maskPairs(PAREN_PAIR, maskPairs(QUERY_PAIR, maskUserinfo(url)));
    }

    private static String maskPairs(Pattern pairs, String text) {
        Matcher m = pairs.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String value = m.group(5);
            boolean secret = !value.isEmpty() && !value.equals(MASK) && isSecretKey(decode(m.group(3)));
            m.appendReplacement(out, Matcher.quoteReplacement(
                    m.group(1) + m.group(2) + m.group(3) + m.group(4) + (secret ? MASK : value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * The text with every URL password masked and every one of {@code secrets} (as given and URL-encoded) replaced by
     * {@value #MASK}: for messages of drivers and servers that echo what they were given.
     */
    public static String maskText(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String s : secrets) {
            if (s != null && s.length() >= MIN_LITERAL) {
                masked = masked.replace(s, MASK);
                if (masked.indexOf('%') >= 0 || masked.indexOf('+') >= 0) {
                    masked = replaceEncoded(masked, s);
                }
            }
        }
        return maskUrl(masked);
    }

    /**
     * The text with every occurrence of the secret in which any character is percent-encoded (either hex case) or,
     * for a space, written '+', replaced by {@value #MASK}. A loop, not a regex: one regex group per character
     * overflowed the stack for a 2,000-character token.
     */
    private static String replaceEncoded(String text, String secret) {
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int i = 0;
        while (i < text.length()) {
            int end = encodedMatchEnd(text, i, secret);
            if (end > i) {
                out.append(text, copied, i).append(MASK);
                copied = end;
                i = end;
            } else {
                i++;
            }
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** Where an occurrence of the secret, characters as they are or encoded, starting at {@code from} ends; -1 if none. */
    private static int encodedMatchEnd(String text, int from, String secret) {
        int t = from;
        for (int s = 0; s < secret.length(); ) {
            int cp = secret.codePointAt(s);
            int n = Character.charCount(cp);
            int encoded = percentEncodedEnd(text, t, secret.substring(s, s + n));
            if (encoded >= 0) {
                t = encoded;
            } else if (text.startsWith(secret.substring(s, s + n), t)) {
                t += n;
            } else if (cp == ' ' && t < text.length() && text.charAt(t) == '+') {
                t++;
            } else {
                return -1;
            }
            s += n;
        }
        return t;
    }

    /** Where {@code ch}'s UTF-8 bytes written as %XX (either case) starting at {@code at} end; -1 if they are not there. */
    private static int percentEncodedEnd(String text, int at, String ch) {
        int t = at;
        for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
            if (t + 2 >= text.length() || text.charAt(t) != '%'
                    || Character.digit(text.charAt(t + 1), 16) != ((b >> 4) & 0xf)
                    || Character.digit(text.charAt(t + 2), 16) != (b & 0xf)) {
                return -1;
            }
            t += 3;
        }
        return t;
    }

    /** {@code //user:password@host} in every host of the text, the password masked. */
    private static String maskUserinfo(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (true) {
            int slashes = text.indexOf("//", i);
            if (slashes < 0) {
                out.append(text, i, text.length());
                return out.toString();
            }
            out.append(text, i, slashes + 2);
            i = slashes + 2;
            int authorityEnd = authorityEnd(text, i);
            while (true) {
                int hostEnd = hostEnd(text, i, authorityEnd);
                int at = hiddenUserinfoEnd(text, i, hostEnd);
                if (at >= 0) {
                    // user:pa/ss@host: the password holds a character that ends an authority; masked up to its '@'
                    out.append(text, i, text.indexOf(':', i) + 1).append(MASK);
                    i = at;
                    authorityEnd = authorityEnd(text, at);
                    hostEnd = hostEnd(text, at, authorityEnd);
                }
                out.append(maskAuthority(text.substring(i, hostEnd)));
                i = hostEnd;
                if (i >= text.length() || text.charAt(i) != ',') {
                    break;
                }
                out.append(',');
                i++;
            }
        }
    }

    private static int authorityEnd(String text, int from) {
        int end = from;
        while (end < text.length() && "/?#\r\n\t '\"".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        return end;
    }

    /** The first ',' outside parentheses and brackets in [from, end), or end. */
    private static int hostEnd(String text, int from, int end) {
        int depth = 0;
        for (int k = from; k < end; k++) {
            char c = text.charAt(k);
            if (c == '(' || c == '[') depth++;
            if ((c == ')' || c == ']') && depth > 0) depth--;
            if (c == ',' && depth == 0) {
                return k;
            }
        }
        return end;
    }

    /** How far past {@code user:} an unencoded password's '@' is looked for: bounded, so masking stays linear. */
    private static final int MAX_HIDDEN_PASSWORD = 256;

    /**
     * The '@' ending a password that was written unencoded and holds / ? # ' or , ({@code //u:pa/ss@h}): the host
     * in [start, end) has a user and something that is not a port, but no '@'; -1 when there is none.
     */
    private static int hiddenUserinfoEnd(String text, int start, int end) {
        String host = text.substring(start, end);
        int colon = host.indexOf(':');
        if (host.indexOf('@') >= 0 || colon <= 0 || host.startsWith("(") || host.startsWith("[")
                || host.regionMatches(true, 0, "address=", 0, 8)) {
            return -1;
        }
        String afterColon = host.substring(colon + 1);
        if (!afterColon.isEmpty() && afterColon.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return -1; // host:port
        }
        int limit = Math.min(text.length(), start + colon + 1 + MAX_HIDDEN_PASSWORD);
        for (int k = start + colon + 1; k < limit; k++) {
            char ch = text.charAt(k);
            if (Character.isWhitespace(ch) || text.startsWith("//", k)) {
                return -1;
            }
            if (ch == '@') {
                return isUserinfo(text.substring(start + colon + 1, k)) ? k : -1;
            }
        }
        return -1;
    }

    /**
     * A password between {@code user:} and {@code @}; not when it reads as {@code ;key=value} pairs, where the
     * pairs' own masking (the value runs to the next ';') covers an '@' in a value.
     */
    private static boolean isUserinfo(String password) {
        int semicolon = password.indexOf(';');
        return semicolon < 0 || password.indexOf('=', semicolon) < 0;
    }

    private static String maskAuthority(String authority) {
        java.util.List<String> hosts = new ArrayList<>();
        for (String host : splitTopLevel(authority, ',')) {
            int at = host.lastIndexOf('@');
            int colon = host.indexOf(':');
            int paren = host.indexOf('(');
            boolean userinfo = at > 0 && colon >= 0 && colon < at && (paren < 0 || paren > colon)
                    && isUserinfo(host.substring(colon + 1, at));
            hosts.add(userinfo ? host.substring(0, colon + 1) + MASK + host.substring(at) : host);
        }
        return String.join(",", hosts);
    }

    /** Parts of {@code s} split at {@code sep} outside parentheses and brackets; never drops empty parts. */
    static java.util.List<String> splitTopLevel(String s, char sep) {
        java.util.List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(' || c == '[') depth++;
            if ((c == ')' || c == ']') && depth > 0) depth--;
            if (c == sep && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** URL-decodes as JDBC drivers do; text that is not valid percent-encoding stays as it is. */
    static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /**
     * True for property names whose values must never be printed: any name mentioning a password, secret, token,
     * credential or key material, and short forms such as {@code pass}, {@code pw}, {@code user-pass}.
     */
    public static boolean isSecretKey(String key) {
        if (key == null) {
            return false;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        String joined = lower.replaceAll("[^a-z0-9]", "");
        for (String word : SECRET_WORDS) {
            if (joined.contains(word)) {
                return true;
            }
        }
        // camelCase and separators split into tokens: userPass, user-pass, db_pw
        for (String token : key.split("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")) {
            if (SECRET_TOKENS.contains(token.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every secret a pool was given: the password, those its URL carries, values of secret-looking driver and
     * extension properties. What {@link #maskText} replaces in the messages of drivers and servers.
     */
    public static java.util.List<String> known(io.github.twpool.TwPoolConfig config) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        if (config.password() != null && !config.password().isEmpty()) {
            out.add(config.password());
        }
        try {
            out.addAll(UrlCredentials.split(config.url()).properties().values());
        } catch (IllegalArgumentException e) {
            // conflicting values: validation refuses the URL; nothing more to learn here
        }
        config.driverProperties().forEach((k, v) -> { if (isSecretKey(k)) out.add(v); });
        config.extensionProperties().forEach((k, v) -> { if (isSecretKey(k)) out.add(v); });
        config.hikariProperties().forEach((k, v) -> { if (isSecretKey(k)) out.add(v); });
        out.removeIf(String::isEmpty);
        return java.util.List.copyOf(out);
    }

    /** True for property names that hold a URL ({@code url}, {@code jdbcUrl}, {@code URL}, {@code jdbc-url}). */
    public static boolean isUrlKey(String key) {
        if (key == null) {
            return false;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.endsWith("url") || lower.endsWith("uri");
    }

    /** The value as it may be shown for that key: masked for secret keys, URL passwords masked everywhere else. */
    public static String displayValue(String key, Object value) {
        if (value == null) {
            return "null";
        }
        if (isSecretKey(key)) {
            return MASK;
        }
        return maskUrl(String.valueOf(value));
    }
}
