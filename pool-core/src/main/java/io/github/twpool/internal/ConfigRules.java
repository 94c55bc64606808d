package io.github.twpool.internal;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolSettings;
import io.github.twpool.spi.Setting;

import java.time.Duration;

/**
 * The checks a {@link TwPoolConfig} must pass beyond each key's own declaration ({@link TwPoolSettings}): the URL,
 * and rules across keys (keepalive shorter than recycle, ...); and how keys and values are shown in messages.
 */
public final class ConfigRules {

    private ConfigRules() {
    }

    /** {@code twpool.} + key. */
    public static String full(String key) {
        return TwPoolConfig.PREFIX + key;
    }

    private static final String URL = TwPoolSettings.URL.key();
    private static final String PASSWORD = TwPoolSettings.PASSWORD.key();
    private static final String DRIVER_PREFIX = TwPoolSettings.DRIVER_PREFIX;
    private static final int MAX_CONNECTIONS = TwPoolSettings.MAX_CONNECTIONS;

    static TwPoolConfigException invalid(String key, Object value, String allowed) {
        return TwPoolConfigException.invalid(full(key), printable(Secrets.displayValue(full(key), value)), allowed);
    }

    /** The longest key or value a message shows whole; longer ones are cut, with their length. */
    static final int MAX_SHOWN = 256;

    /**
     * A key or value as a message may show it: control, format and line-separator characters (a NUL in a path, a
     * line break or ANSI escape forging a log line, a right-to-left override) as escapes, so the message prints as
     * one readable line; more than {@value #MAX_SHOWN} characters cut, so a 1 MB value does not become a 1 MB line.
     */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        int shown = Math.min(s.length(), MAX_SHOWN);
        StringBuilder b = new StringBuilder(shown + 32);
        for (int i = 0; i < shown; i++) {
            char ch = s.charAt(i);
            int type = Character.getType(ch);
            if (Character.isISOControl(ch) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        if (shown < s.length()) {
            b.append("... (").append(s.length()).append(" characters)");
        }
        return b.toString();
    }

    /** The keepalive a pool gets when none is set: 2m, or half of a shorter recycle, or off if that is under 30s. */
    public static Duration defaultKeepalive(Duration recycle) {
        Duration standard = TwPoolSettings.KEEPALIVE.defaultValue();
        if (recycle == null || recycle.isZero() || recycle.isNegative() || recycle.compareTo(standard) > 0) {
            return standard;
        }
        Duration half = Duration.ofMillis(recycle.toMillis() / 2);
        return half.compareTo(TwPoolSettings.KEEPALIVE.min()) >= 0 ? half : Duration.ZERO;
    }

    /** Passwords in the URL: twpool moves them into driver properties, so each must be readable and given once. */
    private static void checkUrlCredentials(TwPoolConfig c) {
        UrlCredentials.Split split;
        try {
            split = UrlCredentials.split(c.url());
        } catch (UrlCredentials.ConflictException e) {
            throw invalid(URL, c.url(), "gives " + e.property() + " more than once with different values; "
                    + "twpool moves passwords out of the URL into driver properties, so give one (twpool.password)");
        }
        if (UrlCredentials.handles(c.url()) && !Secrets.maskUrl(split.url()).equals(split.url())) {
            throw invalid(URL, c.url(), "carries a password where the driver does not read one (';password=' is read "
                    + "as part of the database name; a '(host=...' without its ')' is read as a host name; in user:password@ a "
                    + "/ ? # , or ( ends the host part unless percent-encoded as %2F %3F %23 %2C %28); put it in "
                    + "twpool.password or as ?password=...");
        }
        for (var moved : split.properties().entrySet()) {
            String given = moved.getKey().equals("password") ? c.password() : null;
            for (var d : c.driverProperties().entrySet()) {
                if (d.getKey().equalsIgnoreCase(moved.getKey())) {
                    given = d.getValue();
                }
            }
            if (given != null && !given.equals(moved.getValue())) {
                throw invalid(URL, c.url(), "gives " + moved.getKey() + " and so does " + (moved.getKey().equals("password")
                        && c.password() != null ? full(PASSWORD) : full(DRIVER_PREFIX + moved.getKey()))
                        + ", with a different value; give it once");
            }
        }
    }

    private static <T> void check(Setting<T> setting, TwPoolConfig c) {
        setting.check(c.get(setting));
    }

    /** The rules that involve more than one key; each key's own bounds are checked from its declaration. */
    private static void checkAcrossKeys(TwPoolConfig c) {
        int maxOverflow = MAX_CONNECTIONS - c.poolSize();
        if (c.maxOverflow() > maxOverflow) {
            throw TwPoolSettings.MAX_OVERFLOW.invalid(c.maxOverflow(), "must be an integer from 0 to " + maxOverflow
                    + " (pool-size + max-overflow at most " + MAX_CONNECTIONS + ")");
        }
        boolean recycles = !c.recycle().isZero();
        if (recycles && c.maxOverflow() > 0 && c.overflowIdleTimeout().compareTo(c.recycle()) >= 0) {
            throw TwPoolSettings.OVERFLOW_IDLE_TIMEOUT.invalid(Durations.format(c.overflowIdleTimeout()),
                    "must be shorter than recycle (" + Durations.format(c.recycle()) + "), or overflow connections would only retire by age");
        }
        if (c.maxOverflow() == 0 && c.isExplicit(TwPoolSettings.OVERFLOW_IDLE_TIMEOUT.key())) {
            throw TwPoolSettings.OVERFLOW_IDLE_TIMEOUT.invalid(Durations.format(c.overflowIdleTimeout()),
                    "has no effect with max-overflow=0: set max-overflow above 0 or remove " + TwPoolSettings.OVERFLOW_IDLE_TIMEOUT.property());
        }
        if (recycles && !c.keepalive().isZero() && c.keepalive().compareTo(c.recycle()) >= 0) {
            throw TwPoolSettings.KEEPALIVE.invalid(Durations.format(c.keepalive()),
                    "must be shorter than recycle (" + Durations.format(c.recycle()) + "), or it never fires");
        }
        if (c.validationTimeout().compareTo(c.timeout()) >= 0) {
            throw TwPoolSettings.VALIDATION_TIMEOUT.invalid(Durations.format(c.validationTimeout()),
                    "must be shorter than timeout (" + Durations.format(c.timeout()) + ")");
        }
        Duration leak = c.leakDetectionThreshold();
        if (recycles && !leak.isZero() && leak.compareTo(c.recycle()) >= 0) {
            throw TwPoolSettings.LEAK_DETECTION_THRESHOLD.invalid(Durations.format(leak),
                    "must be shorter than recycle (" + Durations.format(c.recycle()) + ")");
        }
        if (c.churnWarnInterval().compareTo(c.probeInterval()) < 0) {
            throw TwPoolSettings.CHURN_WARN_INTERVAL.invalid(Durations.format(c.churnWarnInterval()),
                    "must be from probe.interval (" + Durations.format(c.probeInterval()) + ") to 1d");
        }
    }

    /** Every check on values and their combinations. Extension-specific checks run in the DataSource. */
    public static void validate(TwPoolConfig c) {
        if (c.url() == null || c.url().isBlank()) {
            throw new TwPoolConfigException(full(URL), full(URL)
                    + " is required: the JDBC URL of the database, e.g. jdbc:mysql://127.0.0.1:3306/test");
        }
        if (!c.url().startsWith("jdbc:")) {
            throw invalid(URL, c.url(), "must be a JDBC URL starting with jdbc:, e.g. jdbc:mysql://127.0.0.1:3306/test");
        }
        if (c.url().chars().anyMatch(ch -> Character.isWhitespace(ch) || Character.isISOControl(ch))) {
            // not shown: where a blank cuts a password, masking could not tell where it ends
            throw new TwPoolConfigException(full(URL), full(URL) + ": must not contain blanks or control characters "
                    + "(write a space inside a value as %20); the URL is not shown, it may hold a password");
        }
        checkUrlCredentials(c);
        if (c.probeEnabled()) {
            try {
                io.github.twpool.internal.probe.Endpoint.checkUrl(c.url());
            } catch (IllegalArgumentException e) {
                throw invalid(URL, c.url(), Secrets.maskUrl(e.getMessage()) + "; or set " + TwPoolSettings.PROBE_ENABLED.property() + "=false");
            }
        }
        for (Setting<?> setting : TwPoolSettings.ALL) {
            check(setting, c);
        }
        checkAcrossKeys(c);
        HikariProperties.validate(c.hikariProperties());
        for (String key : c.driverProperties().keySet()) {
            if (key.isBlank()) {
                throw invalid(DRIVER_PREFIX, "", "a driver property needs a name: twpool.driver.<name>=<value>");
            }
        }
    }
}
