package io.github.twpool.internal;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.spi.TwPoolExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Turns {@code twpool.*} strings into a {@link TwPoolConfig.Builder}, with an error naming key and value for each bad one. */
public final class PropertiesParser {

    private PropertiesParser() {
    }

    public static TwPoolConfig.Builder parse(Properties properties) {
        TwPoolConfig.Builder b = TwPoolConfig.builder();
        // Sorted, so the first error reported does not depend on hash order.
        Map<String, String> entries = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(TwPoolConfig.PREFIX)) {
                entries.put(name.substring(TwPoolConfig.PREFIX.length()), properties.getProperty(name));
            }
        }
        entries.forEach((key, value) -> apply(b, key, value));
        return b;
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
            if (key.startsWith(e.name() + ".")) {
                b.extensionProperty(key, raw);
                return;
            }
        }
        List<String> candidates = new ArrayList<>(ConfigKeys.ALL);
        for (TwPoolExtension e : Extensions.discovered()) {
            e.propertyKeys().forEach(k -> candidates.add(e.name() + "." + k));
        }
        String full = ConfigKeys.full(key);
        String hint = Suggestions.didYouMean(key, candidates);
        String namespace = key.contains(".") ? key.substring(0, key.indexOf('.')) : null;
        String extensionHint = namespace != null && hint.isEmpty()
                ? " (if twpool." + namespace + ".* belongs to an extension such as pool-" + namespace + ", put that module on the classpath)"
                : "";
        // A misspelt "pasword" still carries a password: judge the value by what the key was meant to be.
        String meant = Suggestions.closest(key, candidates);
        String shown = Secrets.isSecretKey(key) || (meant != null && Secrets.isSecretKey(meant)) ? Secrets.MASK
                : Secrets.displayValue(full, raw);
        throw new TwPoolConfigException(full, full + "=" + shown + ": unknown property"
                + (hint.isEmpty() ? "" : hint.replace("did you mean ", "did you mean twpool.")) + extensionHint
                + "; see the property table in the README");
    }

    private static String nonEmpty(String key, String value) {
        if (value.isEmpty()) {
            throw ConfigKeys.invalid(key, "", "must not be empty");
        }
        return value;
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ConfigKeys.invalid(key, value, "must be a whole number");
        }
    }

    private static double number(String key, String value) {
        try {
            double d = Double.parseDouble(value);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ConfigKeys.invalid(key, value, "must be a number");
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
            boolean bare = !value.isEmpty() && value.chars().allMatch(Character::isDigit);
            throw ConfigKeys.invalid(key, value, "must be " + Durations.ALLOWED
                    + (bare ? "; a bare number is ambiguous (seconds in SQLAlchemy, milliseconds in HikariCP): write "
                    + value + "s or " + value + "ms" : ""));
        }
        if (d.isNegative()) {
            throw ConfigKeys.invalid(key, value, "must not be negative");
        }
        return d;
    }
}
