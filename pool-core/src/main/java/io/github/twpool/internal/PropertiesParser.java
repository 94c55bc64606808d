package io.github.twpool.internal;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.spi.TwPoolExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Turns {@code twpool.*} strings into a {@link TwPoolConfig.Builder}, with an error naming key and value for each bad one. */
public final class PropertiesParser {

    private PropertiesParser() {
    }

    public static TwPoolConfig.Builder parse(Properties properties) {
        TwPoolConfig.Builder b = TwPoolConfig.builder();
        // Sorted, so the first error reported does not depend on hash order.
        Map<String, String> entries = new TreeMap<>();
        Map<String, String> byLowerCase = new TreeMap<>();
        refuseNonStrings(properties);
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            if (!name.startsWith(TwPoolConfig.PREFIX)) {
                refuseNearMiss(name);
                continue;
            }
            String key = name.substring(TwPoolConfig.PREFIX.length());
            if (!key.equals(key.strip())) {
                refuseNearMiss(name);
            }
            String other = byLowerCase.putIfAbsent(key.toLowerCase(Locale.ROOT), key);
            if (other != null) {
                // twpool.Pool-Size and twpool.pool-size: which one wins would depend on sort order
                throw new TwPoolConfigException(ConfigKeys.full(key), ConfigKeys.printable(ConfigKeys.full(other)) + " and "
                        + ConfigKeys.printable(ConfigKeys.full(key)) + " differ only in case: twpool cannot tell which one is meant; keep one of them");
            }
            entries.put(key, properties.getProperty(name));
        }
        entries.forEach((key, value) -> apply(b, key, value));
        return b;
    }

    /**
     * {@code put("twpool.pool-size", 20)}: stringPropertyNames() skips an entry whose value is not a String, so the
     * setting would be lost without a word. Refused; the value is not shown (it may be a password's).
     */
    private static void refuseNonStrings(Properties properties) {
        for (Map.Entry<Object, Object> e : properties.entrySet()) {
            if (e.getKey() instanceof String name && !(e.getValue() instanceof String)
                    && name.strip().regionMatches(true, 0, TwPoolConfig.PREFIX, 0, TwPoolConfig.PREFIX.length())) {
                throw new TwPoolConfigException(name, ConfigKeys.printable(name) + ": the value is a "
                        + (e.getValue() == null ? "null" : e.getValue().getClass().getName())
                        + ", not a String, and would not be read (its value is not shown); set it as text: "
                        + "setProperty(\"" + ConfigKeys.printable(name) + "\", \"...\")");
            }
        }
    }

    /**
     * {@code TwPool.pool-size}, {@code " twpool.pool-size"}: meant for twpool but never read as written. Refused, so a
     * setting is not silently lost; the value is not shown (the key may be a password's).
     */
    private static void refuseNearMiss(String name) {
        String stripped = name.strip();
        if (!stripped.regionMatches(true, 0, TwPoolConfig.PREFIX, 0, TwPoolConfig.PREFIX.length())) {
            return;
        }
        String key = stripped.substring(TwPoolConfig.PREFIX.length());
        String meant = Suggestions.closest(key, candidates());
        String suggestion = ConfigKeys.printable(ConfigKeys.full(meant != null ? meant : key));
        throw new TwPoolConfigException(name, "'" + ConfigKeys.printable(name) + "' is not read: twpool's keys start with lower-case '"
                + TwPoolConfig.PREFIX + "' and have no surrounding spaces; did you mean " + suggestion + "?");
    }

    private static List<String> candidates() {
        List<String> candidates = new ArrayList<>(ConfigKeys.ALL);
        for (TwPoolExtension e : Extensions.discovered()) {
            e.propertyKeys().forEach(k -> candidates.add(e.name() + "." + k));
        }
        return candidates;
    }

    private static void apply(TwPoolConfig.Builder b, String key, String raw) {
        String value = raw.trim();
        switch (key) {
            case ConfigKeys.URL -> b.url(nonEmpty(key, value));
            case ConfigKeys.USERNAME -> b.username(value);
            case ConfigKeys.PASSWORD -> b.password(raw); // passwords may carry spaces
            case ConfigKeys.NAME -> b.name(nonEmpty(key, value));
            case ConfigKeys.POOL_SIZE -> b.poolSize(integer(key, value));
            case ConfigKeys.MAX_OVERFLOW -> b.maxOverflow(integer(key, value));
            case ConfigKeys.OVERFLOW_IDLE_TIMEOUT -> b.overflowIdleTimeout(duration(key, value));
            case ConfigKeys.RECYCLE -> b.recycle(duration(key, value));
            case ConfigKeys.PRE_PING -> b.prePing(bool(key, value));
            case ConfigKeys.RESET_SESSION -> b.resetSession(bool(key, value));
            case ConfigKeys.KEEPALIVE -> b.keepalive(duration(key, value));
            case ConfigKeys.TIMEOUT -> b.timeout(duration(key, value));
            case ConfigKeys.VALIDATION_TIMEOUT -> b.validationTimeout(duration(key, value));
            case ConfigKeys.LEAK_DETECTION_THRESHOLD -> b.leakDetectionThreshold(duration(key, value));
            case ConfigKeys.PROBE_ENABLED -> b.probeEnabled(bool(key, value));
            case ConfigKeys.PROBE_COUNT_CONNECTS -> b.probeCountConnects(bool(key, value));
            case ConfigKeys.PROBE_INTERVAL -> b.probeInterval(duration(key, value));
            case ConfigKeys.PROBE_SCAN_EVERY -> b.probeScanEvery(integer(key, value));
            case ConfigKeys.PROBE_SCAN_THRESHOLD -> b.probeScanThreshold(integer(key, value));
            case ConfigKeys.PROBE_PROC_ROOT -> b.probeProcRoot(nonEmpty(key, value));
            case ConfigKeys.CHURN_WARN_INTERVAL -> b.churnWarnInterval(duration(key, value));
            case ConfigKeys.CHURN_MIN_RATE -> b.churnMinRate(number(key, value));
            case ConfigKeys.CHURN_OUTSIDE_FACTOR -> b.churnOutsideFactor(number(key, value));
            case ConfigKeys.CHURN_PORT_WARN_RATIO -> b.churnPortWarnRatio(number(key, value));
            default -> applyNamespaced(b, key, raw);
        }
    }

    private static void applyNamespaced(TwPoolConfig.Builder b, String key, String raw) {
        if (key.startsWith(ConfigKeys.HIKARI_PREFIX) && key.length() > ConfigKeys.HIKARI_PREFIX.length()) {
            b.hikariProperty(key.substring(ConfigKeys.HIKARI_PREFIX.length()), raw);
            return;
        }
        if (key.startsWith(ConfigKeys.DRIVER_PREFIX) && key.length() > ConfigKeys.DRIVER_PREFIX.length()) {
            b.driverProperty(key.substring(ConfigKeys.DRIVER_PREFIX.length()), raw);
            return;
        }
        for (TwPoolExtension e : Extensions.discovered()) {
            if (key.startsWith(e.name() + ".") && e.propertyKeys().contains(key.substring(e.name().length() + 1))) {
                b.extensionProperty(key, raw);
                return;
            }
        }
        throw unknown(key);
    }

    /** Never shows the value: an unknown key may be a misspelt password, or one twpool does not know is secret. */
    static TwPoolConfigException unknown(String key) {
        List<String> candidates = candidates();
        String full = ConfigKeys.full(key);
        String hint = Suggestions.didYouMean(key, candidates);
        String namespace = key.contains(".") ? key.substring(0, key.indexOf('.')) : null;
        boolean extensionPresent = namespace != null
                && Extensions.discovered().stream().anyMatch(e -> e.name().equals(namespace));
        String extensionHint = namespace != null && hint.isEmpty() && !extensionPresent
                ? " (if twpool." + namespace + ".* belongs to an extension such as pool-" + namespace + ", put that module on the classpath)"
                : "";
        return new TwPoolConfigException(full, ConfigKeys.printable(full) + ": unknown property (its value is not shown)"
                + (hint.isEmpty() ? "" : hint.replace("did you mean ", "did you mean twpool.")) + extensionHint
                + "; see the property table in the README");
    }

    private static String nonEmpty(String key, String value) {
        if (value.isEmpty()) {
            throw ConfigKeys.invalid(key, "", "must not be empty");
        }
        return value;
    }

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,10}");
    private static final Pattern DECIMAL = Pattern.compile("-?([0-9]{1,15}(\\.[0-9]{0,15})?|\\.[0-9]{1,15})");

    /** ASCII digits only: Integer.parseInt would take full-width and other Unicode digits. */
    private static int integer(String key, String value) {
        if (INTEGER.matcher(value).matches()) {
            long n = Long.parseLong(value);
            if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                return (int) n;
            }
        }
        throw ConfigKeys.invalid(key, value, "must be a whole number written in ASCII digits");
    }

    /** Plain decimals only: Double.parseDouble would take 0x1p3, 1e400, Infinity and full-width digits. */
    private static double number(String key, String value) {
        if (DECIMAL.matcher(value).matches()) {
            return Double.parseDouble(value);
        }
        throw ConfigKeys.invalid(key, value, "must be a number written in ASCII digits, such as 2 or 0.25");
    }

    private static boolean bool(String key, String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw ConfigKeys.invalid(key, value, "must be true or false");
    }

    private static Duration duration(String key, String value) {
        Duration d = Durations.parse(value);
        if (d == null) {
            boolean bare = !value.isEmpty() && value.chars().allMatch(ch -> ch >= '0' && ch <= '9');
            throw ConfigKeys.invalid(key, value, "must be " + Durations.ALLOWED
                    + (bare ? "; a bare number is ambiguous (seconds in SQLAlchemy, milliseconds in HikariCP): write "
                    + ConfigKeys.printable(value) + "s or " + ConfigKeys.printable(value) + "ms" : ""));
        }
        ConfigKeys.checkDuration(key, d, value);
        return d;
    }
}
