package io.github.twpool;

import io.github.twpool.internal.ConfigKeys;
import io.github.twpool.internal.Durations;
import io.github.twpool.internal.PropertiesParser;
import io.github.twpool.internal.Secrets;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

/**
 * The immutable, validated configuration of a {@link TwPoolDataSource}.
 *
 * <p>Built from properties with the prefix {@code twpool.} ({@link #fromProperties(Properties)}) or in code
 * ({@link #builder()}). Every value is checked when the configuration is built, so a bad value fails before any
 * connection is opened, with a {@link TwPoolConfigException} naming the property, the value and what is allowed.
 * The property table lives in the README.
 */
public final class TwPoolConfig {

    /** The prefix of every property twpool reads. */
    public static final String PREFIX = "twpool.";

    private final String url;
    private final String username;
    private final String password;
    private final String name;
    private final int poolSize;
    private final int maxOverflow;
    private final Duration overflowIdleTimeout;
    private final Duration recycle;
    private final boolean prePing;
    private final boolean resetSession;
    private final Duration keepalive;
    private final Duration timeout;
    private final Duration validationTimeout;
    private final Duration leakDetectionThreshold;
    private final boolean probeEnabled;
    private final Duration probeInterval;
    private final int probeScanEvery;
    private final int probeScanThreshold;
    private final String probeProcRoot;
    private final boolean probeCountConnects;
    private final Duration churnWarnInterval;
    private final double churnMinRate;
    private final double churnOutsideFactor;
    private final double churnPortWarnRatio;
    private final Map<String, String> hikariProperties;
    private final Map<String, String> driverProperties;
    private final Map<String, String> extensionProperties;
    private final Set<String> explicitKeys;

    private TwPoolConfig(Builder b) {
        this.url = b.url;
        this.username = b.username;
        this.password = b.password;
        this.name = b.name;
        this.poolSize = b.poolSize;
        this.maxOverflow = b.maxOverflow;
        this.overflowIdleTimeout = b.overflowIdleTimeout;
        this.recycle = b.recycle;
        this.prePing = b.prePing;
        this.resetSession = b.resetSession;
        this.keepalive = b.keepalive;
        this.timeout = b.timeout;
        this.validationTimeout = b.validationTimeout;
        this.leakDetectionThreshold = b.leakDetectionThreshold;
        this.probeEnabled = b.probeEnabled;
        this.probeInterval = b.probeInterval;
        this.probeScanEvery = b.probeScanEvery;
        this.probeScanThreshold = b.probeScanThreshold;
        this.probeProcRoot = b.probeProcRoot;
        this.probeCountConnects = b.probeCountConnects;
        this.churnWarnInterval = b.churnWarnInterval;
        this.churnMinRate = b.churnMinRate;
        this.churnOutsideFactor = b.churnOutsideFactor;
        this.churnPortWarnRatio = b.churnPortWarnRatio;
        this.hikariProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.hikariProperties));
        this.driverProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.driverProperties));
        this.extensionProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.extensionProperties));
        this.explicitKeys = Set.copyOf(b.explicitKeys);
    }

    /** Parses every {@code twpool.*} entry of {@code properties}; other entries are ignored. */
    public static TwPoolConfig fromProperties(Properties properties) {
        return PropertiesParser.parse(properties).build();
    }

    /** Parses a map of {@code twpool.*} entries, as {@link #fromProperties(Properties)}. */
    public static TwPoolConfig fromMap(Map<String, String> properties) {
        Properties p = new Properties();
        p.putAll(properties);
        return fromProperties(p);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.url = url;
        b.username = username;
        b.password = password;
        b.name = name;
        b.poolSize = poolSize;
        b.maxOverflow = maxOverflow;
        b.overflowIdleTimeout = overflowIdleTimeout;
        b.recycle = recycle;
        b.prePing = prePing;
        b.resetSession = resetSession;
        b.keepalive = keepalive;
        b.timeout = timeout;
        b.validationTimeout = validationTimeout;
        b.leakDetectionThreshold = leakDetectionThreshold;
        b.probeEnabled = probeEnabled;
        b.probeInterval = probeInterval;
        b.probeScanEvery = probeScanEvery;
        b.probeScanThreshold = probeScanThreshold;
        b.probeProcRoot = probeProcRoot;
        b.probeCountConnects = probeCountConnects;
        b.churnWarnInterval = churnWarnInterval;
        b.churnMinRate = churnMinRate;
        b.churnOutsideFactor = churnOutsideFactor;
        b.churnPortWarnRatio = churnPortWarnRatio;
        b.hikariProperties.putAll(hikariProperties);
        b.driverProperties.putAll(driverProperties);
        b.extensionProperties.putAll(extensionProperties);
        b.explicitKeys.addAll(explicitKeys);
        return b;
    }

    public String url() { return url; }
    public String username() { return username; }
    /** The password; never printed by twpool. */
    public String password() { return password; }
    public String name() { return name; }
    /** Connections kept open at all times (Hikari minimumIdle). */
    public int poolSize() { return poolSize; }
    /** Connections allowed above {@link #poolSize()} under load. */
    public int maxOverflow() { return maxOverflow; }
    /** {@code poolSize + maxOverflow}: Hikari maximumPoolSize. */
    public int maxPoolSize() { return poolSize + maxOverflow; }
    public Duration overflowIdleTimeout() { return overflowIdleTimeout; }
    /** Maximum lifetime of a connection; {@link Duration#ZERO} means never recycled. */
    public Duration recycle() { return recycle; }
    public boolean prePing() { return prePing; }
    public boolean resetSession() { return resetSession; }
    /** Interval of Hikari's keepalive on idle connections; {@link Duration#ZERO} means off. */
    public Duration keepalive() { return keepalive; }
    /** How long {@code getConnection()} waits for a connection. */
    public Duration timeout() { return timeout; }
    public Duration validationTimeout() { return validationTimeout; }
    /** {@link Duration#ZERO} means off. */
    public Duration leakDetectionThreshold() { return leakDetectionThreshold; }
    public boolean probeEnabled() { return probeEnabled; }
    public Duration probeInterval() { return probeInterval; }
    public int probeScanEvery() { return probeScanEvery; }
    public int probeScanThreshold() { return probeScanThreshold; }
    /** Where the probe reads {@code net/tcp} etc.; {@code /proc} by default. */
    public String probeProcRoot() { return probeProcRoot; }
    /** Whether the probe counts every connection this JVM opens, at the JDBC driver. */
    public boolean probeCountConnects() { return probeCountConnects; }
    public Duration churnWarnInterval() { return churnWarnInterval; }
    public double churnMinRate() { return churnMinRate; }
    public double churnOutsideFactor() { return churnOutsideFactor; }
    public double churnPortWarnRatio() { return churnPortWarnRatio; }
    /** Extra Hikari properties ({@code twpool.hikari.*}), by Hikari's own names. */
    public Map<String, String> hikariProperties() { return hikariProperties; }
    /** Driver properties ({@code twpool.driver.*}) set by the user; they win over extension defaults. */
    public Map<String, String> driverProperties() { return driverProperties; }
    /** Properties owned by an extension, e.g. {@code mysql.clamp-recycle}, without the {@code twpool.} prefix. */
    public Map<String, String> extensionProperties() { return extensionProperties; }

    /** True when the key (without prefix, e.g. {@code recycle}) was given explicitly rather than defaulted. */
    public boolean isExplicit(String key) {
        return explicitKeys.contains(key);
    }

    /** The one-line effective policy, without secrets. */
    public String describe() {
        return "pool-size=" + poolSize
                + " max-overflow=" + maxOverflow
                + (maxOverflow > 0 ? " overflow-idle-timeout=" + Durations.format(overflowIdleTimeout) : "")
                + " recycle=" + (recycle.isZero() ? "never" : Durations.format(recycle))
                + " pre-ping=" + (prePing ? "true (validate every borrow)" : "false (validate after 500ms idle)")
                + " reset-session=" + resetSession
                + " keepalive=" + (keepalive.isZero() ? "off" : Durations.format(keepalive))
                + " timeout=" + Durations.format(timeout)
                + " validation-timeout=" + Durations.format(validationTimeout)
                + " leak-detection-threshold=" + (leakDetectionThreshold.isZero() ? "off" : Durations.format(leakDetectionThreshold))
                + " probe=" + (probeEnabled ? Durations.format(probeInterval) : "off");
    }

    @Override
    public String toString() {
        return "TwPoolConfig[name=" + name + ", url=" + Secrets.maskUrl(url)
                + ", username=" + (username == null ? "null" : ConfigKeys.printable(username)) + ", password=" + (password == null ? "null" : Secrets.MASK)
                + ", " + describe() + "]";
    }

    /**
     * Collects values; {@link #build()} validates them all together. Every setter names its property in the
     * error it may raise later, so code and properties report problems the same way.
     */
    public static final class Builder {
        private String url;
        private String username;
        private String password;
        private String name = "twpool";
        private int poolSize = 10;
        private int maxOverflow = 0;
        private Duration overflowIdleTimeout = Duration.ofMinutes(10);
        private Duration recycle = Duration.ofMinutes(30);
        private boolean prePing = false;
        private boolean resetSession = false;
        private Duration keepalive = Duration.ofMinutes(2);
        private Duration timeout = Duration.ofSeconds(30);
        private Duration validationTimeout = Duration.ofSeconds(5);
        private Duration leakDetectionThreshold = Duration.ZERO;
        private boolean probeEnabled = true;
        private Duration probeInterval = Duration.ofSeconds(10);
        private int probeScanEvery = 6;
        private int probeScanThreshold = 50;
        private String probeProcRoot = "/proc";
        private boolean probeCountConnects = true;
        private Duration churnWarnInterval = Duration.ofMinutes(5);
        private double churnMinRate = 2.0;
        private double churnOutsideFactor = 3.0;
        private double churnPortWarnRatio = 0.25;
        private final Map<String, String> hikariProperties = new LinkedHashMap<>();
        private final Map<String, String> driverProperties = new LinkedHashMap<>();
        private final Map<String, String> extensionProperties = new LinkedHashMap<>();
        private final java.util.Set<String> explicitKeys = new java.util.HashSet<>();

        private Builder() {
        }

        private Builder mark(String key) {
            explicitKeys.add(key);
            return this;
        }

        public Builder url(String url) { this.url = url; return mark(ConfigKeys.URL); }
        public Builder username(String username) { this.username = username; return mark(ConfigKeys.USERNAME); }
        public Builder password(String password) { this.password = password; return mark(ConfigKeys.PASSWORD); }
        public Builder name(String name) { this.name = name; return mark(ConfigKeys.NAME); }
        public Builder poolSize(int poolSize) { this.poolSize = poolSize; return mark(ConfigKeys.POOL_SIZE); }
        public Builder maxOverflow(int maxOverflow) { this.maxOverflow = maxOverflow; return mark(ConfigKeys.MAX_OVERFLOW); }
        public Builder overflowIdleTimeout(Duration d) { this.overflowIdleTimeout = d; return mark(ConfigKeys.OVERFLOW_IDLE_TIMEOUT); }
        public Builder recycle(Duration d) { this.recycle = d; return mark(ConfigKeys.RECYCLE); }
        public Builder prePing(boolean prePing) { this.prePing = prePing; return mark(ConfigKeys.PRE_PING); }
        public Builder resetSession(boolean resetSession) { this.resetSession = resetSession; return mark(ConfigKeys.RESET_SESSION); }
        public Builder keepalive(Duration d) { this.keepalive = d; return mark(ConfigKeys.KEEPALIVE); }
        public Builder timeout(Duration d) { this.timeout = d; return mark(ConfigKeys.TIMEOUT); }
        public Builder validationTimeout(Duration d) { this.validationTimeout = d; return mark(ConfigKeys.VALIDATION_TIMEOUT); }
        public Builder leakDetectionThreshold(Duration d) { this.leakDetectionThreshold = d; return mark(ConfigKeys.LEAK_DETECTION_THRESHOLD); }
        public Builder probeEnabled(boolean enabled) { this.probeEnabled = enabled; return mark(ConfigKeys.PROBE_ENABLED); }
        public Builder probeInterval(Duration d) { this.probeInterval = d; return mark(ConfigKeys.PROBE_INTERVAL); }
        public Builder probeScanEvery(int ticks) { this.probeScanEvery = ticks; return mark(ConfigKeys.PROBE_SCAN_EVERY); }
        public Builder probeScanThreshold(int sockets) { this.probeScanThreshold = sockets; return mark(ConfigKeys.PROBE_SCAN_THRESHOLD); }
        public Builder probeProcRoot(String path) { this.probeProcRoot = path; return mark(ConfigKeys.PROBE_PROC_ROOT); }
        public Builder probeCountConnects(boolean count) { this.probeCountConnects = count; return mark(ConfigKeys.PROBE_COUNT_CONNECTS); }
        public Builder churnWarnInterval(Duration d) { this.churnWarnInterval = d; return mark(ConfigKeys.CHURN_WARN_INTERVAL); }
        public Builder churnMinRate(double perSecond) { this.churnMinRate = perSecond; return mark(ConfigKeys.CHURN_MIN_RATE); }
        public Builder churnOutsideFactor(double factor) { this.churnOutsideFactor = factor; return mark(ConfigKeys.CHURN_OUTSIDE_FACTOR); }
        public Builder churnPortWarnRatio(double ratio) { this.churnPortWarnRatio = ratio; return mark(ConfigKeys.CHURN_PORT_WARN_RATIO); }

        /** A Hikari property by Hikari's name, e.g. {@code connectionInitSql}; see the README for what is allowed. */
        public Builder hikariProperty(String hikariName, String value) {
            hikariProperties.put(Objects.requireNonNull(hikariName), Objects.requireNonNull(value));
            return this;
        }

        /** A JDBC driver property, passed to the driver as is; it wins over defaults an extension applies. */
        public Builder driverProperty(String driverName, String value) {
            driverProperties.put(Objects.requireNonNull(driverName), Objects.requireNonNull(value));
            return this;
        }

        /** A property owned by an extension, by its name under {@code twpool.}, e.g. {@code mysql.clamp-recycle}. */
        public Builder extensionProperty(String key, String value) {
            extensionProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /** Validates every value and the combinations; throws {@link TwPoolConfigException} on the first problem. */
        public TwPoolConfig build() {
            if (!explicitKeys.contains(ConfigKeys.KEEPALIVE)) {
                // An unset keepalive adapts to a short recycle (it must fire before a connection retires); a set one is checked.
                keepalive = ConfigKeys.defaultKeepalive(recycle);
            }
            if (!explicitKeys.contains(ConfigKeys.VALIDATION_TIMEOUT) && timeout != null
                    && validationTimeout.compareTo(timeout) >= 0) {
                // Only the default is adjusted to a short timeout; a validation-timeout given explicitly is checked.
                Duration half = Durations.tooLargeForMillis(timeout) ? timeout : Duration.ofMillis(timeout.toMillis() / 2);
                validationTimeout = half.compareTo(Duration.ofMillis(250)) < 0 ? Duration.ofMillis(250) : half;
            }
            TwPoolConfig config = new TwPoolConfig(this);
            ConfigKeys.validate(config);
            return config;
        }
    }
}
