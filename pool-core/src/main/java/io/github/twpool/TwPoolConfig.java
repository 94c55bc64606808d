package io.github.twpool;

import io.github.twpool.internal.ConfigRules;
import io.github.twpool.internal.Durations;
import io.github.twpool.internal.PropertiesParser;
import io.github.twpool.internal.Secrets;
import io.github.twpool.internal.SettingsLine;
import io.github.twpool.spi.Setting;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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
 * Each key is declared once in {@link TwPoolSettings}; the README's property table is generated from there.
 */
public final class TwPoolConfig {

    /** The prefix of every property twpool reads. */
    public static final String PREFIX = "twpool.";

    private final Map<String, Object> values;
    private final Map<String, String> hikariProperties;
    private final Map<String, String> driverProperties;
    private final Map<String, String> extensionProperties;
    private final Set<String> explicitKeys;

    private TwPoolConfig(Builder b) {
        this.values = Collections.unmodifiableMap(new HashMap<>(b.values));
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

    /**
     * The configuration an application's HikariCP settings describe: maximumPoolSize/minimumIdle as pool-size and
     * max-overflow, maxLifetime as recycle, the timeouts, the pool name, the session settings as {@code twpool.hikari.*},
     * dataSourceProperties as driver properties, and jdbcUrl/username/password. Where HikariCP would correct a value
     * (a maxLifetime under 30 s, a minimumIdle above the maximum), twpool takes HikariCP's effective value and logs
     * once at WARN what and why; one INFO line shows the mapping. {@code hikari} is not changed. A
     * {@code hikari.properties} file works through HikariCP's own loader: {@code fromHikari(new HikariConfig("/hikari.properties"))}.
     * To change twpool's own settings on top: {@code fromHikari(h).toBuilder()...build()}, or
     * {@link #fromHikari(com.zaxxer.hikari.HikariConfig, Properties)}.
     *
     * @throws TwPoolConfigException naming the HikariCP setting (and the twpool key it became) when a value is refused
     */
    public static TwPoolConfig fromHikari(com.zaxxer.hikari.HikariConfig hikari) {
        return HikariSettings.of(hikari).buildOver(builder());
    }

    /**
     * As {@link #fromHikari(com.zaxxer.hikari.HikariConfig)}, with twpool's own {@code twpool.*} properties layered on top: a setting
     * given both ways with different values (twpool.pool-size and minimumIdle) fails naming both.
     */
    public static TwPoolConfig fromHikari(com.zaxxer.hikari.HikariConfig hikari, Properties twpool) {
        return HikariSettings.of(hikari).buildOver(PropertiesParser.parse(twpool));
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.hikariProperties.putAll(hikariProperties);
        b.driverProperties.putAll(driverProperties);
        b.extensionProperties.putAll(extensionProperties);
        b.explicitKeys.addAll(explicitKeys);
        return b;
    }

    /**
     * The value of any key, twpool's own ({@link TwPoolSettings}) or an extension's: as set, else its default. An
     * extension's value is read from {@link #extensionProperties()} by its declaration.
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (values.containsKey(setting.key())) {
            return (T) values.get(setting.key());
        }
        String raw = extensionProperties.get(setting.key());
        if (raw != null) {
            return setting.read(raw);
        }
        return setting.defaultValue();
    }

    public String url() { return get(TwPoolSettings.URL); }
    public String username() { return get(TwPoolSettings.USERNAME); }
    /** The password; never printed by twpool. */
    public String password() { return get(TwPoolSettings.PASSWORD); }
    public String name() { return get(TwPoolSettings.NAME); }
    /** Connections kept open at all times (Hikari minimumIdle). */
    public int poolSize() { return get(TwPoolSettings.POOL_SIZE); }
    /** Connections allowed above {@link #poolSize()} under load. */
    public int maxOverflow() { return get(TwPoolSettings.MAX_OVERFLOW); }
    /** {@code poolSize + maxOverflow}: Hikari maximumPoolSize. */
    public int maxPoolSize() { return poolSize() + maxOverflow(); }
    public Duration overflowIdleTimeout() { return get(TwPoolSettings.OVERFLOW_IDLE_TIMEOUT); }
    /** Maximum lifetime of a connection; {@link Duration#ZERO} means never recycled. */
    public Duration recycle() { return get(TwPoolSettings.RECYCLE); }
    public boolean prePing() { return get(TwPoolSettings.PRE_PING); }
    public boolean resetSession() { return get(TwPoolSettings.RESET_SESSION); }
    /** Interval of Hikari's keepalive on idle connections; {@link Duration#ZERO} means off. */
    public Duration keepalive() { return get(TwPoolSettings.KEEPALIVE); }
    /** How long {@code getConnection()} waits for a connection. */
    public Duration timeout() { return get(TwPoolSettings.TIMEOUT); }
    public Duration validationTimeout() { return get(TwPoolSettings.VALIDATION_TIMEOUT); }
    /** {@link Duration#ZERO} means off. */
    public Duration leakDetectionThreshold() { return get(TwPoolSettings.LEAK_DETECTION_THRESHOLD); }
    public boolean probeEnabled() { return get(TwPoolSettings.PROBE_ENABLED); }
    public Duration probeInterval() { return get(TwPoolSettings.PROBE_INTERVAL); }
    public int probeScanEvery() { return get(TwPoolSettings.PROBE_SCAN_EVERY); }
    public int probeScanThreshold() { return get(TwPoolSettings.PROBE_SCAN_THRESHOLD); }
    /** Where the probe reads {@code net/tcp} etc.; {@code /proc} by default. */
    public String probeProcRoot() { return get(TwPoolSettings.PROBE_PROC_ROOT); }
    /** Whether the probe counts every connection this JVM opens, at the JDBC driver. */
    public boolean probeCountConnects() { return get(TwPoolSettings.PROBE_COUNT_CONNECTS); }
    public Duration churnWarnInterval() { return get(TwPoolSettings.CHURN_WARN_INTERVAL); }
    public double churnMinRate() { return get(TwPoolSettings.CHURN_MIN_RATE); }
    public double churnOutsideFactor() { return get(TwPoolSettings.CHURN_OUTSIDE_FACTOR); }
    public double churnPortWarnRatio() { return get(TwPoolSettings.CHURN_PORT_WARN_RATIO); }
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

    /** The one-line effective policy, without secrets: each key the start line shows, as {@code key=value}. */
    public String describe() {
        return SettingsLine.render(this, Map.of());
    }

    @Override
    public String toString() {
        return "TwPoolConfig[name=" + name() + ", url=" + Secrets.maskUrl(url())
                + ", username=" + (username() == null ? "null" : ConfigRules.printable(username())) + ", password="
                + (password() == null ? "null" : Secrets.MASK) + ", " + describe() + "]";
    }

    /**
     * Collects values; {@link #build()} validates them all together. Every setter names its property in the
     * error it may raise later, so code and properties report problems the same way.
     */
    public static final class Builder {
        private final Map<String, Object> values = new HashMap<>();
        private final Map<String, String> hikariProperties = new LinkedHashMap<>();
        private final Map<String, String> driverProperties = new LinkedHashMap<>();
        private final Map<String, String> extensionProperties = new LinkedHashMap<>();
        private final Set<String> explicitKeys = new HashSet<>();

        private Builder() {
        }

        /**
         * Sets any key by its declaration: one of {@link TwPoolSettings} or an extension's (kept, as text, in
         * {@link TwPoolConfig#extensionProperties()}). The value is checked by {@link #build()}.
         */
        public <T> Builder set(Setting<T> setting, T value) {
            if (TwPoolSettings.ALL.stream().anyMatch(s -> s.key().equals(setting.key()))) {
                values.put(setting.key(), value);
            } else {
                extensionProperties.put(setting.key(), setting.format(Objects.requireNonNull(value)));
            }
            explicitKeys.add(setting.key());
            return this;
        }

        /** Whether the key was set on this builder (rather than left to its default). */
        public boolean isSet(Setting<?> setting) {
            return explicitKeys.contains(setting.key());
        }

        /** The value set for the key, else its default. */
        @SuppressWarnings("unchecked")
        public <T> T get(Setting<T> setting) {
            if (values.containsKey(setting.key())) {
                return (T) values.get(setting.key());
            }
            String raw = extensionProperties.get(setting.key());
            return raw != null ? setting.parse(raw) : setting.defaultValue();
        }

        /** The HikariCP properties set so far ({@code twpool.hikari.*}), read-only. */
        public Map<String, String> hikariProperties() {
            return Collections.unmodifiableMap(hikariProperties);
        }

        /** The driver properties set so far ({@code twpool.driver.*}), read-only. */
        public Map<String, String> driverProperties() {
            return Collections.unmodifiableMap(driverProperties);
        }

        public Builder url(String url) { return set(TwPoolSettings.URL, url); }
        public Builder username(String username) { return set(TwPoolSettings.USERNAME, username); }
        public Builder password(String password) { return set(TwPoolSettings.PASSWORD, password); }
        public Builder name(String name) { return set(TwPoolSettings.NAME, name); }
        public Builder poolSize(int poolSize) { return set(TwPoolSettings.POOL_SIZE, poolSize); }
        public Builder maxOverflow(int maxOverflow) { return set(TwPoolSettings.MAX_OVERFLOW, maxOverflow); }
        public Builder overflowIdleTimeout(Duration d) { return set(TwPoolSettings.OVERFLOW_IDLE_TIMEOUT, d); }
        public Builder recycle(Duration d) { return set(TwPoolSettings.RECYCLE, d); }
        public Builder prePing(boolean prePing) { return set(TwPoolSettings.PRE_PING, prePing); }
        public Builder resetSession(boolean resetSession) { return set(TwPoolSettings.RESET_SESSION, resetSession); }
        public Builder keepalive(Duration d) { return set(TwPoolSettings.KEEPALIVE, d); }
        public Builder timeout(Duration d) { return set(TwPoolSettings.TIMEOUT, d); }
        public Builder validationTimeout(Duration d) { return set(TwPoolSettings.VALIDATION_TIMEOUT, d); }
        public Builder leakDetectionThreshold(Duration d) { return set(TwPoolSettings.LEAK_DETECTION_THRESHOLD, d); }
        public Builder probeEnabled(boolean enabled) { return set(TwPoolSettings.PROBE_ENABLED, enabled); }
        public Builder probeInterval(Duration d) { return set(TwPoolSettings.PROBE_INTERVAL, d); }
        public Builder probeScanEvery(int ticks) { return set(TwPoolSettings.PROBE_SCAN_EVERY, ticks); }
        public Builder probeScanThreshold(int sockets) { return set(TwPoolSettings.PROBE_SCAN_THRESHOLD, sockets); }
        public Builder probeProcRoot(String path) { return set(TwPoolSettings.PROBE_PROC_ROOT, path); }
        public Builder probeCountConnects(boolean count) { return set(TwPoolSettings.PROBE_COUNT_CONNECTS, count); }
        public Builder churnWarnInterval(Duration d) { return set(TwPoolSettings.CHURN_WARN_INTERVAL, d); }
        public Builder churnMinRate(double perSecond) { return set(TwPoolSettings.CHURN_MIN_RATE, perSecond); }
        public Builder churnOutsideFactor(double factor) { return set(TwPoolSettings.CHURN_OUTSIDE_FACTOR, factor); }
        public Builder churnPortWarnRatio(double ratio) { return set(TwPoolSettings.CHURN_PORT_WARN_RATIO, ratio); }

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
            explicitKeys.add(key);
            return this;
        }

        /** Validates every value and the combinations; throws {@link TwPoolConfigException} on the first problem. */
        public TwPoolConfig build() {
            if (!explicitKeys.contains(TwPoolSettings.KEEPALIVE.key())) {
                // An unset keepalive adapts to a short recycle (it must fire before a connection retires); a set one is checked.
                values.put(TwPoolSettings.KEEPALIVE.key(), ConfigRules.defaultKeepalive((Duration) values.get(TwPoolSettings.RECYCLE.key())));
            }
            Duration timeout = values.containsKey(TwPoolSettings.TIMEOUT.key())
                    ? (Duration) values.get(TwPoolSettings.TIMEOUT.key()) : TwPoolSettings.TIMEOUT.defaultValue();
            Duration validation = TwPoolSettings.VALIDATION_TIMEOUT.defaultValue();
            if (!explicitKeys.contains(TwPoolSettings.VALIDATION_TIMEOUT.key()) && timeout != null
                    && validation.compareTo(timeout) >= 0) {
                // Only the default is adjusted to a short timeout; a validation-timeout given explicitly is checked.
                Duration half = Durations.tooLargeForMillis(timeout) ? timeout : Duration.ofMillis(timeout.toMillis() / 2);
                Duration floor = TwPoolSettings.VALIDATION_TIMEOUT.min();
                values.put(TwPoolSettings.VALIDATION_TIMEOUT.key(), half.compareTo(floor) < 0 ? floor : half);
            }
            TwPoolConfig config = new TwPoolConfig(this);
            ConfigRules.validate(config);
            return config;
        }
    }
}
