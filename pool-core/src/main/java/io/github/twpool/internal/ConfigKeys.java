package io.github.twpool.internal;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** The names of twpool's own properties and the checks {@link TwPoolConfig} must pass. */
public final class ConfigKeys {

    public static final String URL = "url";
    public static final String USERNAME = "username";
    public static final String PASSWORD = "password";
    public static final String NAME = "name";
    public static final String POOL_SIZE = "pool-size";
    public static final String MAX_OVERFLOW = "max-overflow";
    public static final String OVERFLOW_IDLE_TIMEOUT = "overflow-idle-timeout";
    public static final String RECYCLE = "recycle";
    public static final String PRE_PING = "pre-ping";
    public static final String RESET_SESSION = "reset-session";
    public static final String KEEPALIVE = "keepalive";
    public static final String TIMEOUT = "timeout";
    public static final String VALIDATION_TIMEOUT = "validation-timeout";
    public static final String LEAK_DETECTION_THRESHOLD = "leak-detection-threshold";
    public static final String PROBE_ENABLED = "probe.enabled";
    public static final String PROBE_INTERVAL = "probe.interval";
    public static final String PROBE_SCAN_EVERY = "probe.scan-every";
    public static final String PROBE_SCAN_THRESHOLD = "probe.scan-threshold";
    public static final String PROBE_PROC_ROOT = "probe.proc-root";
    public static final String PROBE_COUNT_CONNECTS = "probe.count-connects";
    public static final String CHURN_WARN_INTERVAL = "churn.warn-interval";
    public static final String CHURN_MIN_RATE = "churn.min-rate";
    public static final String CHURN_OUTSIDE_FACTOR = "churn.outside-factor";
    public static final String CHURN_PORT_WARN_RATIO = "churn.port-warn-ratio";

    /** Namespaces for pass-through properties. */
    public static final String HIKARI_PREFIX = "hikari.";
    public static final String DRIVER_PREFIX = "driver.";

    /** Every core key, in the order of the README's table. */
    public static final List<String> ALL = List.of(URL, USERNAME, PASSWORD, NAME, POOL_SIZE, MAX_OVERFLOW,
            OVERFLOW_IDLE_TIMEOUT, RECYCLE, PRE_PING, RESET_SESSION, KEEPALIVE, TIMEOUT, VALIDATION_TIMEOUT,
            LEAK_DETECTION_THRESHOLD, PROBE_ENABLED, PROBE_INTERVAL, PROBE_SCAN_EVERY, PROBE_SCAN_THRESHOLD, PROBE_PROC_ROOT,
            PROBE_COUNT_CONNECTS, CHURN_WARN_INTERVAL, CHURN_MIN_RATE, CHURN_OUTSIDE_FACTOR, CHURN_PORT_WARN_RATIO);

    public static final int MAX_CONNECTIONS = 1000;
    static final Duration HIKARI_MIN_LIFETIME = Duration.ofSeconds(30);
    static final Duration HIKARI_MIN_KEEPALIVE = Duration.ofSeconds(30);
    static final Duration HIKARI_MIN_IDLE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration HIKARI_MIN_TIMEOUT = Duration.ofMillis(250);
    static final Duration HIKARI_MIN_LEAK_THRESHOLD = Duration.ofSeconds(2);
    private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private ConfigKeys() {
    }

    /** {@code twpool.} + key. */
    public static String full(String key) {
        return TwPoolConfig.PREFIX + key;
    }

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
        Duration standard = Duration.ofMinutes(2);
        if (recycle == null || recycle.isZero() || recycle.isNegative() || recycle.compareTo(standard) > 0) {
            return standard;
        }
        Duration half = Duration.ofMillis(recycle.toMillis() / 2);
        return half.compareTo(HIKARI_MIN_KEEPALIVE) >= 0 ? half : Duration.ZERO;
    }

    /** Every duration: set, not negative, whole milliseconds that fit in a long (HikariCP takes longs of ms). */
    private static void checkDurations(TwPoolConfig c) {
        Object[][] durations = {
                {OVERFLOW_IDLE_TIMEOUT, c.overflowIdleTimeout()}, {RECYCLE, c.recycle()}, {KEEPALIVE, c.keepalive()},
                {TIMEOUT, c.timeout()}, {VALIDATION_TIMEOUT, c.validationTimeout()},
                {LEAK_DETECTION_THRESHOLD, c.leakDetectionThreshold()}, {PROBE_INTERVAL, c.probeInterval()},
                {CHURN_WARN_INTERVAL, c.churnWarnInterval()}};
        for (Object[] kd : durations) {
            String key = (String) kd[0];
            Duration d = (Duration) kd[1];
            if (d == null) {
                throw invalid(key, null, "must be set: " + Durations.ALLOWED);
            }
            checkDuration(key, d, Durations.format(d));
        }
    }

    /** One duration, shown as {@code shown} (as the user wrote it, where there is such a text). */
    static void checkDuration(String key, Duration d, String shown) {
        if (d.isNegative()) {
            throw invalid(key, shown, "must not be negative");
        }
        if (Durations.tooLargeForMillis(d)) {
            throw invalid(key, shown, "is too large: HikariCP counts milliseconds in a long, "
                    + "at most " + Long.MAX_VALUE / 86_400_000L + "d");
        }
        if (!Durations.isWholeMillis(d)) {
            throw invalid(key, shown, "must be a whole number of milliseconds (HikariCP counts milliseconds; "
                    + Durations.format(d) + " would be cut to " + Durations.format(Duration.ofMillis(d.toMillis())) + ")");
        }
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
                throw invalid(URL, c.url(), Secrets.maskUrl(e.getMessage()) + "; or set " + full(PROBE_ENABLED) + "=false");
            }
        }
        checkDurations(c);
        if (c.name() == null || !NAME_PATTERN.matcher(c.name()).matches()) {
            throw invalid(NAME, c.name(), "must be 1 to 64 letters, digits, '.', '_' or '-' (it names threads and metric tags)");
        }
        if (c.poolSize() < 1 || c.poolSize() > MAX_CONNECTIONS) {
            throw invalid(POOL_SIZE, c.poolSize(), "must be an integer from 1 to " + MAX_CONNECTIONS
                    + (c.poolSize() == 0 ? " (SQLAlchemy's pool_size=0, no limit, has no equivalent: a pool needs a bound)" : ""));
        }
        if (c.maxOverflow() < 0 || c.maxOverflow() > MAX_CONNECTIONS - c.poolSize()) {
            throw invalid(MAX_OVERFLOW, c.maxOverflow(), "must be an integer from 0 to " + (MAX_CONNECTIONS - c.poolSize())
                    + " (pool-size + max-overflow at most " + MAX_CONNECTIONS + ")"
                    + (c.maxOverflow() == -1 ? "; SQLAlchemy's -1 (no limit) has no meaning here: give the bound the database can take" : ""));
        }
        boolean recycles = !c.recycle().isZero();
        if (c.recycle().isNegative() || (recycles && c.recycle().compareTo(HIKARI_MIN_LIFETIME) < 0)) {
            throw invalid(RECYCLE, Durations.format(c.recycle()),
                    "must be 0 (never recycle) or at least 30s (HikariCP's floor for maxLifetime); "
                    + "keep it a few minutes under the server's wait_timeout");
        }
        if (c.overflowIdleTimeout().compareTo(HIKARI_MIN_IDLE_TIMEOUT) < 0) {
            throw invalid(OVERFLOW_IDLE_TIMEOUT, Durations.format(c.overflowIdleTimeout()),
                    "must be at least 10s (HikariCP's floor for idleTimeout)");
        }
        if (recycles && c.maxOverflow() > 0 && c.overflowIdleTimeout().compareTo(c.recycle()) >= 0) {
            throw invalid(OVERFLOW_IDLE_TIMEOUT, Durations.format(c.overflowIdleTimeout()),
                    "must be shorter than recycle (" + Durations.format(c.recycle()) + "), or overflow connections would only retire by age");
        }
        if (c.maxOverflow() == 0 && c.isExplicit(OVERFLOW_IDLE_TIMEOUT)) {
            throw invalid(OVERFLOW_IDLE_TIMEOUT, Durations.format(c.overflowIdleTimeout()),
                    "has no effect with max-overflow=0: set max-overflow above 0 or remove " + full(OVERFLOW_IDLE_TIMEOUT));
        }
        if (c.keepalive().isNegative() || (!c.keepalive().isZero() && c.keepalive().compareTo(HIKARI_MIN_KEEPALIVE) < 0)) {
            throw invalid(KEEPALIVE, Durations.format(c.keepalive()), "must be 0 (off) or at least 30s (HikariCP's floor for keepaliveTime)");
        }
        if (recycles && !c.keepalive().isZero() && c.keepalive().compareTo(c.recycle()) >= 0) {
            throw invalid(KEEPALIVE, Durations.format(c.keepalive()),
                    "must be shorter than recycle (" + Durations.format(c.recycle()) + "), or it never fires");
        }
        if (c.timeout().compareTo(HIKARI_MIN_TIMEOUT) < 0) {
            throw invalid(TIMEOUT, Durations.format(c.timeout()), "must be at least 250ms (HikariCP's floor for connectionTimeout)");
        }
        if (c.validationTimeout().compareTo(HIKARI_MIN_TIMEOUT) < 0) {
            throw invalid(VALIDATION_TIMEOUT, Durations.format(c.validationTimeout()), "must be at least 250ms (HikariCP's floor)");
        }
        if (c.validationTimeout().compareTo(c.timeout()) >= 0) {
            throw invalid(VALIDATION_TIMEOUT, Durations.format(c.validationTimeout()),
                    "must be shorter than timeout (" + Durations.format(c.timeout()) + ")");
        }
        Duration leak = c.leakDetectionThreshold();
        if (leak.isNegative() || (!leak.isZero() && leak.compareTo(HIKARI_MIN_LEAK_THRESHOLD) < 0)) {
            throw invalid(LEAK_DETECTION_THRESHOLD, Durations.format(leak), "must be 0 (off) or at least 2s");
        }
        if (recycles && !leak.isZero() && leak.compareTo(c.recycle()) >= 0) {
            throw invalid(LEAK_DETECTION_THRESHOLD, Durations.format(leak),
                    "must be shorter than recycle (" + Durations.format(c.recycle()) + ")");
        }
        if (c.probeInterval().compareTo(Duration.ofSeconds(1)) < 0 || c.probeInterval().compareTo(Duration.ofHours(1)) > 0) {
            throw invalid(PROBE_INTERVAL, Durations.format(c.probeInterval()), "must be from 1s to 1h");
        }
        if (c.probeScanEvery() < 1 || c.probeScanEvery() > 10_000) {
            throw invalid(PROBE_SCAN_EVERY, c.probeScanEvery(), "must be an integer from 1 to 10000 (ticks between full scans)");
        }
        if (c.probeScanThreshold() < 0 || c.probeScanThreshold() > 1_000_000) {
            throw invalid(PROBE_SCAN_THRESHOLD, c.probeScanThreshold(),
                    "must be an integer from 0 to 1000000 (change of host-wide TIME_WAIT that triggers a scan)");
        }
        if (c.probeProcRoot() == null || !c.probeProcRoot().startsWith("/")) {
            throw invalid(PROBE_PROC_ROOT, c.probeProcRoot(), "must be an absolute path such as /proc (or /host/proc in a container)");
        }
        try {
            java.nio.file.Path.of(c.probeProcRoot());
        } catch (java.nio.file.InvalidPathException e) {
            throw invalid(PROBE_PROC_ROOT, c.probeProcRoot(), "is not a path this file system can take (" + e.getReason()
                    + "); must be an absolute path such as /proc (or /host/proc in a container)");
        }
        if (c.probeProcRoot().chars().anyMatch(Character::isISOControl)) {
            throw invalid(PROBE_PROC_ROOT, c.probeProcRoot(), "must not contain control characters (the probe's log "
                    + "lines print the path); must be an absolute path such as /proc (or /host/proc in a container)");
        }
        if (c.churnWarnInterval().compareTo(c.probeInterval()) < 0 || c.churnWarnInterval().compareTo(Duration.ofDays(1)) > 0) {
            throw invalid(CHURN_WARN_INTERVAL, Durations.format(c.churnWarnInterval()),
                    "must be from probe.interval (" + Durations.format(c.probeInterval()) + ") to 1d");
        }
        if (!(c.churnMinRate() >= 0 && c.churnMinRate() <= 1_000_000)) {
            throw invalid(CHURN_MIN_RATE, c.churnMinRate(), "must be a number of connections per second from 0 to 1000000");
        }
        if (!(c.churnOutsideFactor() >= 1 && c.churnOutsideFactor() <= 1000)) {
            throw invalid(CHURN_OUTSIDE_FACTOR, c.churnOutsideFactor(), "must be a number from 1 to 1000");
        }
        if (!(c.churnPortWarnRatio() > 0 && c.churnPortWarnRatio() <= 1)) {
            throw invalid(CHURN_PORT_WARN_RATIO, c.churnPortWarnRatio(), "must be a number above 0 and at most 1 (share of ip_local_port_range)");
        }
        HikariProperties.validate(c.hikariProperties());
        for (String key : c.driverProperties().keySet()) {
            if (key.isBlank()) {
                throw invalid(DRIVER_PREFIX, "", "a driver property needs a name: twpool.driver.<name>=<value>");
            }
        }
    }
}
