package io.github.twpool.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks secrets in JDBC URLs and property maps before anything is logged or printed. */
public final class Secrets {

    public static final String MASK = "****";

    // user:password@ in the authority; any query/semicolon parameter whose name mentions a password or secret.
    private static final Pattern USERINFO = Pattern.compile("(//[^/?;@:]*):([^/?;@]*)@");
    private static final Pattern PARAM = Pattern.compile(
            "(?i)([?&;(,]\\s*[a-z0-9_.\\-]*(?:password|passwd|pwd|secret|token)[a-z0-9_.\\-]*\\s*=)([^&;),]*)");

    private Secrets() {
    }

    /** The URL with every password it carries replaced by {@value #MASK}. Null stays null. */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = USERINFO.matcher(url).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
        return PARAM.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
    }

    /** True for property names whose values must never be printed. */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("passwd") || k.contains("pwd") || k.contains("secret")
                || k.contains("token") || k.contains("credential");
    }

    /** The value as it may be shown for that key. */
    public static String displayValue(String key, Object value) {
        if (value == null) {
            return "null";
        }
        if (isSecretKey(key)) {
            return MASK;
        }
        return key.endsWith("url") ? maskUrl(String.valueOf(value)) : String.valueOf(value);
    }
}
