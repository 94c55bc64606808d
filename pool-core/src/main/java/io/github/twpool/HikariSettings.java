package io.github.twpool;

import com.zaxxer.hikari.HikariConfig;
import io.github.twpool.internal.ConfigRules;
import io.github.twpool.internal.Durations;
import io.github.twpool.internal.Secrets;
import io.github.twpool.spi.Setting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * HikariCP settings, as an application already has them (a {@code HikariConfig}, {@code hikari.properties},
 * Spring Boot's {@code spring.datasource.hikari.*}), mapped onto twpool's keys so that the pool behaves as HikariCP
 * did: the sizes to {@code pool-size}/{@code max-overflow}, the timeouts to twpool's durations, the session settings
 * to {@code twpool.hikari.*}, data source properties to {@code twpool.driver.*}. Where HikariCP silently corrects a
 * value (a max-lifetime under 30 s, a minimum-idle above the maximum, ...), the mapping takes the value HikariCP
 * itself ends up with (it asks HikariCP's own {@code validate()} on a scratch copy) and says once what and why.
 */
public final class HikariSettings {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.config");

    /** The HikariCP settings the mapping knows, by HikariCP's property names, in the order they are reported. */
    enum Property {
        MAXIMUM_POOL_SIZE("maximumPoolSize"), MINIMUM_IDLE("minimumIdle"), MAX_LIFETIME("maxLifetime"),
        IDLE_TIMEOUT("idleTimeout"), KEEPALIVE_TIME("keepaliveTime"), CONNECTION_TIMEOUT("connectionTimeout"),
        VALIDATION_TIMEOUT("validationTimeout"), LEAK_DETECTION_THRESHOLD("leakDetectionThreshold"), POOL_NAME("poolName"),
        AUTO_COMMIT("autoCommit"), TRANSACTION_ISOLATION("transactionIsolation"), READ_ONLY("readOnly"), CATALOG("catalog"),
        SCHEMA("schema"), CONNECTION_INIT_SQL("connectionInitSql"), CONNECTION_TEST_QUERY("connectionTestQuery"),
        INITIALIZATION_FAIL_TIMEOUT("initializationFailTimeout"), ISOLATE_INTERNAL_QUERIES("isolateInternalQueries"),
        ALLOW_POOL_SUSPENSION("allowPoolSuspension"), REGISTER_MBEANS("registerMbeans"),
        EXCEPTION_OVERRIDE_CLASS_NAME("exceptionOverrideClassName"), DRIVER_CLASS_NAME("driverClassName"),
        JDBC_URL("jdbcUrl"), USERNAME("username"), PASSWORD("password");

        private final String hikariName;

        Property(String hikariName) {
            this.hikariName = hikariName;
        }

        /** HikariCP's name, e.g. {@code maximumPoolSize}. */
        public String hikariName() {
            return hikariName;
        }

        /** Spring Boot's name under {@code spring.datasource.hikari.}, e.g. {@code maximum-pool-size}. */
        public String kebabName() {
            return hikariName.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        }

        boolean isMillis() {
            return this == MAX_LIFETIME || this == IDLE_TIMEOUT || this == KEEPALIVE_TIME || this == CONNECTION_TIMEOUT
                    || this == VALIDATION_TIMEOUT || this == LEAK_DETECTION_THRESHOLD || this == INITIALIZATION_FAIL_TIMEOUT;
        }

        boolean isInteger() {
            return this == MAXIMUM_POOL_SIZE || this == MINIMUM_IDLE;
        }

        boolean isBoolean() {
            return this == AUTO_COMMIT || this == READ_ONLY || this == ISOLATE_INTERNAL_QUERIES || this == ALLOW_POOL_SUSPENSION
                    || this == REGISTER_MBEANS;
        }

        /** The setting of this name, or null. */
        public static Property of(String hikariName) {
            for (Property p : values()) {
                if (p.hikariName.equalsIgnoreCase(hikariName)) {
                    return p;
                }
            }
            return null;
        }
    }

    /** Where a value came from, as the user wrote its name: {@code spring.datasource.hikari.max-lifetime}, {@code maxLifetime}. */
    private final Map<Property, String> sources = new LinkedHashMap<>();
    private final Map<Property, Object> given = new LinkedHashMap<>();
    private final Map<String, String> dataSourceProperties = new LinkedHashMap<>();
    private String dataSourcePropertiesSource;
    private final String sourceName;

    /** No settings yet; {@code sourceName} says in messages where they come from ("HikariConfig", "spring.datasource.hikari.*"). */
    public HikariSettings(String sourceName) {
        this.sourceName = Objects.requireNonNull(sourceName);
    }

    /** Whether {@code hikariName} (HikariCP's name, e.g. {@code maximumPoolSize}) is a setting twpool maps. */
    public static boolean knows(String hikariName) {
        return Property.of(hikariName) != null;
    }

    /** The HikariCP names twpool maps, e.g. {@code maximumPoolSize}, in the order of HikariCP's documentation. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Property p : Property.values()) {
            names.add(p.hikariName());
        }
        return names;
    }

    /**
     * One setting by HikariCP's name ({@code maxLifetime}), as given: a typed value (an Integer, a Long of
     * milliseconds, a Boolean, text) or text to read as HikariCP's unit would be: a bare number of milliseconds or a
     * duration such as {@code 25m} for times, ASCII digits for sizes, {@code true}/{@code false}. {@code source} is
     * the name the user wrote, for messages ({@code spring.datasource.hikari.max-lifetime}).
     *
     * @throws TwPoolConfigException naming {@code source} when the value cannot be read
     * @throws IllegalArgumentException when twpool does not map the setting ({@link #knows})
     */
    public HikariSettings set(String hikariName, Object value, String source) {
        Property p = Property.of(hikariName);
        if (p == null) {
            throw new IllegalArgumentException("not a HikariCP setting twpool maps: " + hikariName);
        }
        return put(p, read(p, value, source), source);
    }

    private static Object read(Property p, Object value, String source) {
        String text = String.valueOf(value).trim();
        if (p.isInteger()) {
            if (value instanceof Integer) {
                return value;
            }
            if (text.matches("-?[0-9]{1,9}")) {
                return Integer.parseInt(text);
            }
            throw TwPoolConfigException.invalid(source, ConfigRules.printable(text), "must be a whole number written in ASCII digits");
        }
        if (p.isMillis()) {
            if (value instanceof Integer || value instanceof Long) {
                return ((Number) value).longValue();
            }
            if (text.matches("-?[0-9]{1,18}")) {
                return Long.parseLong(text); // HikariCP's unit
            }
            Duration d = Durations.parse(text);
            if (d == null || !Durations.isWholeMillis(d) || Durations.tooLargeForMillis(d)) {
                throw TwPoolConfigException.invalid(source, ConfigRules.printable(text), "must be milliseconds (HikariCP's unit,"
                        + " e.g. 1500000) or " + Durations.ALLOWED + ", in whole milliseconds");
            }
            return d.toMillis();
        }
        if (p.isBoolean()) {
            if (value instanceof Boolean) {
                return value;
            }
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(text);
            }
            throw TwPoolConfigException.invalid(source, ConfigRules.printable(text), "must be true or false");
        }
        return p == Property.PASSWORD ? String.valueOf(value) : text;
    }

    /**
     * The settings of a HikariConfig that differ from HikariCP's defaults (those are twpool's too: 10 connections,
     * 30m lifetime, 10m idle timeout, 2m keepalive, 30s and 5s timeouts), as HikariCP holds them. Not changed.
     */
    static HikariSettings of(HikariConfig h) {
        HikariConfig d = new HikariConfig();
        HikariSettings m = new HikariSettings("HikariConfig");
        Object[][] values = {
                {Property.MAXIMUM_POOL_SIZE, h.getMaximumPoolSize(), d.getMaximumPoolSize()},
                {Property.MINIMUM_IDLE, h.getMinimumIdle(), d.getMinimumIdle()},
                {Property.MAX_LIFETIME, h.getMaxLifetime(), d.getMaxLifetime()},
                {Property.IDLE_TIMEOUT, h.getIdleTimeout(), d.getIdleTimeout()},
                {Property.KEEPALIVE_TIME, h.getKeepaliveTime(), d.getKeepaliveTime()},
                {Property.CONNECTION_TIMEOUT, h.getConnectionTimeout(), d.getConnectionTimeout()},
                {Property.VALIDATION_TIMEOUT, h.getValidationTimeout(), d.getValidationTimeout()},
                {Property.LEAK_DETECTION_THRESHOLD, h.getLeakDetectionThreshold(), d.getLeakDetectionThreshold()},
                {Property.INITIALIZATION_FAIL_TIMEOUT, h.getInitializationFailTimeout(), d.getInitializationFailTimeout()},
                {Property.AUTO_COMMIT, h.isAutoCommit(), d.isAutoCommit()},
                {Property.READ_ONLY, h.isReadOnly(), d.isReadOnly()},
                {Property.ISOLATE_INTERNAL_QUERIES, h.isIsolateInternalQueries(), d.isIsolateInternalQueries()},
                {Property.ALLOW_POOL_SUSPENSION, h.isAllowPoolSuspension(), d.isAllowPoolSuspension()},
                {Property.REGISTER_MBEANS, h.isRegisterMbeans(), d.isRegisterMbeans()},
                {Property.POOL_NAME, h.getPoolName(), d.getPoolName()},
                {Property.TRANSACTION_ISOLATION, h.getTransactionIsolation(), d.getTransactionIsolation()},
                {Property.CATALOG, h.getCatalog(), d.getCatalog()},
                {Property.SCHEMA, h.getSchema(), d.getSchema()},
                {Property.CONNECTION_INIT_SQL, h.getConnectionInitSql(), d.getConnectionInitSql()},
                {Property.CONNECTION_TEST_QUERY, h.getConnectionTestQuery(), d.getConnectionTestQuery()},
                {Property.EXCEPTION_OVERRIDE_CLASS_NAME, h.getExceptionOverrideClassName(), d.getExceptionOverrideClassName()},
                {Property.DRIVER_CLASS_NAME, h.getDriverClassName(), d.getDriverClassName()},
                {Property.JDBC_URL, h.getJdbcUrl(), d.getJdbcUrl()},
                {Property.USERNAME, h.getUsername(), d.getUsername()},
                {Property.PASSWORD, h.getPassword(), d.getPassword()}};
        for (Object[] v : values) {
            if (v[1] != null && !v[1].equals(v[2])) {
                m.put((Property) v[0], v[1], ((Property) v[0]).hikariName());
            }
        }
        h.getDataSourceProperties().forEach((k, v) -> m.dataSourceProperty(String.valueOf(k), String.valueOf(v), "dataSourceProperties"));
        if (h.getDataSourceClassName() != null || h.getDataSource() != null || h.getDataSourceJNDI() != null) {
            throw new TwPoolConfigException("dataSourceClassName", "HikariConfig: a dataSource, dataSourceClassName or"
                    + " dataSourceJNDI is set; twpool opens connections through the JDBC driver of a jdbcUrl (so it can count"
                    + " them): set jdbcUrl (and driver properties as dataSourceProperties) instead");
        }
        return m;
    }

    private HikariSettings put(Property property, Object value, String source) {
        given.put(property, Objects.requireNonNull(value));
        sources.put(property, source);
        return this;
    }

    /** One data source property (a driver property: {@code cachePrepStmts=true}). */
    public HikariSettings dataSourceProperty(String name, String value, String source) {
        dataSourceProperties.put(name, value);
        dataSourcePropertiesSource = source;
        return this;
    }

    public boolean isEmpty() {
        return given.isEmpty() && dataSourceProperties.isEmpty();
    }

    /** What the settings become in twpool, with HikariCP's corrections and the words for the logs. */
    record Result(Map<Setting<?>, Object> settings, Map<Setting<?>, String> settingSources,
                  Map<String, String> hikariProperties, Map<String, String> hikariSources,
                  Map<String, String> driverProperties, String driverSource, List<String> corrections, String mapping) {

        @SuppressWarnings("unchecked")
        private static <T> void set(TwPoolConfig.Builder builder, Setting<T> setting, Object value) {
            builder.set(setting, (T) value);
        }

        /** Which HikariCP setting a twpool key came from, for messages naming both. */
        String sourceOf(String twpoolProperty) {
            for (var e : settingSources.entrySet()) {
                if (e.getKey().property().equals(twpoolProperty)) {
                    return e.getValue();
                }
            }
            return null;
        }
    }

    /**
     * The configuration these settings describe, with twpool's own settings from {@code twpool} on top: a setting
     * given both ways with different values fails naming both keys; one given once is taken. Logs the mapping at
     * INFO and HikariCP's corrections at WARN, once each. A value twpool refuses is named by the HikariCP setting it
     * came from and the twpool key it became.
     */
    public TwPoolConfig buildOver(TwPoolConfig.Builder twpool) {
        Result r = map();
        layer(r, twpool);
        TwPoolConfig config;
        try {
            config = twpool.build();
        } catch (TwPoolConfigException e) {
            String source = r.sourceOf(e.property());
            if (source == null) {
                throw e;
            }
            throw new TwPoolConfigException(source, ConfigRules.printable(source) + " → " + e.getMessage(), e);
        }
        LOG.info("{}", r.mapping());
        if (!r.corrections().isEmpty()) {
            LOG.warn("HikariCP settings corrected as HikariCP itself corrects them: {}", String.join("; ", r.corrections()));
        }
        return config;
    }

    /** Sets what the mapping gives under what {@code twpool} already has; the same setting with another value fails. */
    private static void layer(Result r, TwPoolConfig.Builder twpool) {
        for (var e : r.settings().entrySet()) {
            Setting<?> s = e.getKey();
            if (twpool.isSet(s)) {
                Object own = twpool.get(s);
                if (!Objects.equals(own, e.getValue())) {
                    throw conflict(s.property(), shownSetting(s, own), r.settingSources().get(s), shownSetting(s, e.getValue()));
                }
            } else {
                Result.set(twpool, s, e.getValue());
            }
        }
        for (var e : r.hikariProperties().entrySet()) {
            String own = valueIgnoringCase(twpool.hikariProperties(), e.getKey());
            if (own != null && !own.trim().equalsIgnoreCase(e.getValue().trim())) {
                throw conflict("twpool.hikari." + e.getKey(), ConfigRules.printable(own), r.hikariSources().get(e.getKey()),
                        ConfigRules.printable(e.getValue()));
            }
            if (own == null) {
                twpool.hikariProperty(e.getKey(), e.getValue());
            }
        }
        for (var e : r.driverProperties().entrySet()) {
            String own = twpool.driverProperties().get(e.getKey());
            String key = "twpool.driver." + e.getKey();
            if (own != null && !own.equals(e.getValue())) {
                throw conflict(key, ConfigRules.printable(Secrets.displayValue(key, own)), r.driverSource() + "." + e.getKey(),
                        ConfigRules.printable(Secrets.displayValue(key, e.getValue())));
            }
            if (own == null) {
                twpool.driverProperty(e.getKey(), e.getValue());
            }
        }
    }

    private static String valueIgnoringCase(Map<String, String> map, String key) {
        for (var e : map.entrySet()) {
            if (e.getKey().equalsIgnoreCase(key)) {
                return e.getValue();
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <T> String shownSetting(Setting<T> s, Object value) {
        return s.isSecret() ? Secrets.MASK : ConfigRules.printable(s.format((T) value));
    }

    private static TwPoolConfigException conflict(String twpoolKey, String twpoolValue, String hikariKey, String hikariValue) {
        return new TwPoolConfigException(twpoolKey, ConfigRules.printable(twpoolKey) + "=" + twpoolValue + " and "
                + ConfigRules.printable(hikariKey) + "=" + hikariValue + " set the same setting with different values;"
                + " give it once (either key), or the same value in both");
    }

    /** Maps the settings, taking HikariCP's effective value wherever HikariCP would correct one. */
    Result map() {
        Map<Property, Object> effective = effective();
        Map<Setting<?>, Object> settings = new LinkedHashMap<>();
        Map<Setting<?>, String> settingSources = new LinkedHashMap<>();
        Map<String, String> hikari = new LinkedHashMap<>();
        Map<String, String> hikariSources = new LinkedHashMap<>();
        List<String> corrections = new ArrayList<>();
        StringJoiner mapping = new StringJoiner("; ");

        for (Property p : given.keySet()) {
            if (!Objects.equals(given.get(p), effective.get(p))) {
                corrections.add(sources.get(p) + "=" + shown(p, given.get(p)) + ": " + reason(p, effective) + ", so twpool uses "
                        + shown(p, effective.get(p)) + " as HikariCP would");
            }
        }
        if (given.containsKey(Property.MAXIMUM_POOL_SIZE) || given.containsKey(Property.MINIMUM_IDLE)) {
            int max = (Integer) effective.get(Property.MAXIMUM_POOL_SIZE);
            int min = (Integer) effective.get(Property.MINIMUM_IDLE);
            String minSource = sources.getOrDefault(Property.MINIMUM_IDLE, sources.get(Property.MAXIMUM_POOL_SIZE));
            if (min < 1) {
                corrections.add(minSource + "=" + min + ": twpool keeps at least one connection open (pool-size from 1),"
                        + " so it uses minimum-idle 1");
                min = 1;
            }
            put(settings, settingSources, TwPoolSettings.POOL_SIZE, min, minSource);
            put(settings, settingSources, TwPoolSettings.MAX_OVERFLOW, max - min,
                    sources.getOrDefault(Property.MAXIMUM_POOL_SIZE, minSource));
            mapping.add(join(Property.MAXIMUM_POOL_SIZE, Property.MINIMUM_IDLE) + " → pool-size=" + min + ", max-overflow=" + (max - min));
        }
        Duration recycle = null;
        if (given.containsKey(Property.MAX_LIFETIME)) {
            recycle = millis(effective, Property.MAX_LIFETIME);
            put(settings, settingSources, TwPoolSettings.RECYCLE, recycle, sources.get(Property.MAX_LIFETIME));
            mapping.add(join(Property.MAX_LIFETIME) + " → recycle=" + TwPoolSettings.RECYCLE.describe(recycle));
        }
        if (given.containsKey(Property.IDLE_TIMEOUT)) {
            Integer max = (Integer) effective.get(Property.MAXIMUM_POOL_SIZE);
            Integer min = (Integer) effective.get(Property.MINIMUM_IDLE);
            Duration idle = millis(effective, Property.IDLE_TIMEOUT);
            if (max != null && min != null && max > Math.max(1, min)) {
                // HikariCP's 0 keeps idle connections above minimumIdle until their lifetime ends.
                Duration lifetime = recycle != null ? recycle : (Duration) settings.getOrDefault(TwPoolSettings.RECYCLE, TwPoolSettings.RECYCLE.defaultValue());
                Duration overflowIdle = !idle.isZero() ? idle
                        : lifetime.isZero() ? Duration.ofDays(3650) : lifetime.minusSeconds(1);
                put(settings, settingSources, TwPoolSettings.OVERFLOW_IDLE_TIMEOUT, overflowIdle, sources.get(Property.IDLE_TIMEOUT));
                mapping.add(join(Property.IDLE_TIMEOUT) + " → overflow-idle-timeout=" + Durations.format(overflowIdle)
                        + (idle.isZero() ? " (0: idle overflow connections stay until they are recycled)" : ""));
            } else {
                mapping.add(join(Property.IDLE_TIMEOUT) + " → unused (a fixed-size pool retires no idle connection, in HikariCP too)");
            }
        }
        mapDuration(Property.KEEPALIVE_TIME, TwPoolSettings.KEEPALIVE, effective, settings, settingSources, mapping);
        mapDuration(Property.CONNECTION_TIMEOUT, TwPoolSettings.TIMEOUT, effective, settings, settingSources, mapping);
        mapDuration(Property.VALIDATION_TIMEOUT, TwPoolSettings.VALIDATION_TIMEOUT, effective, settings, settingSources, mapping);
        mapDuration(Property.LEAK_DETECTION_THRESHOLD, TwPoolSettings.LEAK_DETECTION_THRESHOLD, effective, settings, settingSources, mapping);
        if (given.containsKey(Property.POOL_NAME)) {
            put(settings, settingSources, TwPoolSettings.NAME, given.get(Property.POOL_NAME), sources.get(Property.POOL_NAME));
            mapping.add(join(Property.POOL_NAME) + " → name");
        }
        for (Property p : new Property[] {Property.JDBC_URL, Property.USERNAME, Property.PASSWORD}) {
            if (given.containsKey(p)) {
                Setting<String> s = p == Property.JDBC_URL ? TwPoolSettings.URL : p == Property.USERNAME ? TwPoolSettings.USERNAME : TwPoolSettings.PASSWORD;
                put(settings, settingSources, s, given.get(p), sources.get(p));
                mapping.add(sources.get(p) + " → " + s.key());
            }
        }
        List<String> passed = new ArrayList<>();
        for (Property p : given.keySet()) {
            if (p.isBoolean() || p == Property.TRANSACTION_ISOLATION || p == Property.CATALOG || p == Property.SCHEMA
                    || p == Property.CONNECTION_INIT_SQL || p == Property.CONNECTION_TEST_QUERY
                    || p == Property.INITIALIZATION_FAIL_TIMEOUT || p == Property.EXCEPTION_OVERRIDE_CLASS_NAME
                    || p == Property.DRIVER_CLASS_NAME) {
                hikari.put(p.hikariName(), String.valueOf(effective.get(p)));
                hikariSources.put(p.hikariName(), sources.get(p));
                passed.add(p.hikariName());
            }
        }
        if (!passed.isEmpty()) {
            StringJoiner shownPassed = new StringJoiner(", ");
            for (String name : passed) {
                Property p = Property.of(name);
                // values of flags and levels; SQL and names only by key (SQL may quote anything)
                boolean showValue = p.isBoolean() || p == Property.TRANSACTION_ISOLATION || p.isMillis();
                shownPassed.add(sources.get(p) + (showValue ? "=" + shown(p, effective.get(p)) : ""));
            }
            mapping.add(shownPassed + " → twpool.hikari.*");
        }
        if (!dataSourceProperties.isEmpty()) {
            mapping.add(dataSourcePropertiesSource + " " + String.join(", ", dataSourceProperties.keySet()) + " → twpool.driver.*");
        }
        return new Result(settings, settingSources, hikari, hikariSources, new LinkedHashMap<>(dataSourceProperties),
                dataSourcePropertiesSource, corrections,
                sourceName + " mapped onto twpool: " + mapping);
    }

    private void mapDuration(Property p, Setting<Duration> setting, Map<Property, Object> effective,
                             Map<Setting<?>, Object> settings, Map<Setting<?>, String> settingSources, StringJoiner mapping) {
        if (given.containsKey(p)) {
            Duration d = millis(effective, p);
            put(settings, settingSources, setting, d, sources.get(p));
            mapping.add(join(p) + " → " + setting.key() + "=" + setting.describe(d));
        }
    }

    private static void put(Map<Setting<?>, Object> settings, Map<Setting<?>, String> sources, Setting<?> s, Object value, String source) {
        settings.put(s, value);
        sources.put(s, source);
    }

    private String join(Property... properties) {
        StringJoiner j = new StringJoiner(", ");
        for (Property p : properties) {
            if (given.containsKey(p)) {
                j.add(sources.get(p) + "=" + shown(p, given.get(p)));
            }
        }
        return j.toString();
    }

    private static Duration millis(Map<Property, Object> values, Property p) {
        return Duration.ofMillis(((Number) values.get(p)).longValue());
    }

    private static String shown(Property p, Object value) {
        if (p == Property.PASSWORD) {
            return Secrets.MASK;
        }
        if (p.isMillis() && value instanceof Number n) {
            long ms = n.longValue();
            return ms < 0 ? String.valueOf(ms) : Durations.format(Duration.ofMillis(ms));
        }
        return ConfigRules.printable(String.valueOf(value));
    }

    /** Why HikariCP changed the value: its own rules, in words. */
    private static String reason(Property p, Map<Property, Object> effective) {
        return switch (p) {
            case MAX_LIFETIME -> "HikariCP allows no max-lifetime under 30s (but 0) and uses its default instead";
            case MINIMUM_IDLE -> "HikariCP allows no minimum-idle above the maximum pool size and uses the maximum";
            case MAXIMUM_POOL_SIZE -> "HikariCP corrects the maximum pool size";
            case IDLE_TIMEOUT -> ((Number) effective.get(p)).longValue() == 0
                    ? "HikariCP turns idle-timeout off when it is not at least 1s shorter than max-lifetime"
                    : "HikariCP allows no idle-timeout under 10s (but 0) and uses its default instead";
            case KEEPALIVE_TIME -> "HikariCP turns keepalive off when it is under 30s or not shorter than max-lifetime";
            case LEAK_DETECTION_THRESHOLD -> "HikariCP turns leak detection off when it is under 2s or above max-lifetime";
            case VALIDATION_TIMEOUT -> "HikariCP allows no validation-timeout under 250ms and uses its default instead";
            case CONNECTION_TIMEOUT -> "HikariCP reads a connection-timeout of 0 as the longest it can wait";
            default -> "HikariCP corrects it";
        };
    }

    /** The values HikariCP itself would run with: its {@code validate()} on a scratch copy of the numbers. */
    private Map<Property, Object> effective() {
        HikariConfig scratch = new HikariConfig();
        // HikariCP logs its corrections under this name, as it would have; named, it counts no JVM-wide pool number
        Object name = given.get(Property.POOL_NAME);
        scratch.setPoolName(name != null ? name.toString() : TwPoolSettings.NAME.defaultValue());
        scratch.setJdbcUrl("jdbc:twpool:mapping");
        try {
            if (given.containsKey(Property.MAXIMUM_POOL_SIZE)) {
                scratch.setMaximumPoolSize((Integer) given.get(Property.MAXIMUM_POOL_SIZE));
            }
            if (given.containsKey(Property.MINIMUM_IDLE)) {
                scratch.setMinimumIdle((Integer) given.get(Property.MINIMUM_IDLE));
            }
            setMillis(Property.MAX_LIFETIME, scratch::setMaxLifetime);
            setMillis(Property.IDLE_TIMEOUT, scratch::setIdleTimeout);
            setMillis(Property.KEEPALIVE_TIME, scratch::setKeepaliveTime);
            setMillis(Property.CONNECTION_TIMEOUT, scratch::setConnectionTimeout);
            setMillis(Property.VALIDATION_TIMEOUT, scratch::setValidationTimeout);
            setMillis(Property.LEAK_DETECTION_THRESHOLD, scratch::setLeakDetectionThreshold);
            scratch.validate();
        } catch (IllegalArgumentException e) {
            // HikariCP refuses the value outright (a pool size under 1, a negative time): so does twpool
            throw refused(e);
        }
        Map<Property, Object> effective = new LinkedHashMap<>(given);
        effective.put(Property.MAXIMUM_POOL_SIZE, scratch.getMaximumPoolSize());
        effective.put(Property.MINIMUM_IDLE, scratch.getMinimumIdle());
        for (Property p : new Property[] {Property.MAX_LIFETIME, Property.IDLE_TIMEOUT, Property.KEEPALIVE_TIME,
                Property.CONNECTION_TIMEOUT, Property.VALIDATION_TIMEOUT, Property.LEAK_DETECTION_THRESHOLD}) {
            if (given.containsKey(p)) {
                effective.put(p, switch (p) {
                    case MAX_LIFETIME -> scratch.getMaxLifetime();
                    case IDLE_TIMEOUT -> scratch.getIdleTimeout();
                    case KEEPALIVE_TIME -> scratch.getKeepaliveTime();
                    case CONNECTION_TIMEOUT -> scratch.getConnectionTimeout();
                    case VALIDATION_TIMEOUT -> scratch.getValidationTimeout();
                    default -> scratch.getLeakDetectionThreshold();
                });
            }
        }
        // the given numbers as HikariCP holds them (an Integer and a Long of the same value are the same setting)
        for (Property p : given.keySet()) {
            if (p.isMillis() && given.get(p) instanceof Number n) {
                given.put(p, n.longValue());
            }
        }
        return effective;
    }

    private void setMillis(Property p, java.util.function.LongConsumer setter) {
        if (given.containsKey(p)) {
            setter.accept(((Number) given.get(p)).longValue());
        }
    }

    private TwPoolConfigException refused(IllegalArgumentException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        for (Property p : given.keySet()) {
            if (message.contains(p.hikariName().replace("maximumPoolSize", "maxPoolSize"))
                    || message.toLowerCase(Locale.ROOT).contains(p.hikariName().toLowerCase(Locale.ROOT))) {
                return TwPoolConfigException.invalid(sources.get(p), shown(p, given.get(p)), "HikariCP refuses it: " + message);
            }
        }
        return new TwPoolConfigException(sourceName, sourceName + ": HikariCP refuses the settings: " + message, e);
    }
}
