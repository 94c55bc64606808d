package io.github.twpool.internal;

import com.zaxxer.hikari.HikariConfig;
import io.github.twpool.TwPoolConfigException;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The HikariCP properties that may pass through {@code twpool.hikari.*}, and those twpool owns. */
final class HikariProperties {

    private enum Type { STRING, BOOLEAN, LONG_MILLIS }

    static java.util.Set<String> names() {
        return PASS_THROUGH.keySet();
    }

    private static final Map<String, Type> PASS_THROUGH = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private static final Map<String, String> OWNED = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        PASS_THROUGH.put("autoCommit", Type.BOOLEAN);
        PASS_THROUGH.put("readOnly", Type.BOOLEAN);
        PASS_THROUGH.put("isolateInternalQueries", Type.BOOLEAN);
        PASS_THROUGH.put("allowPoolSuspension", Type.BOOLEAN);
        PASS_THROUGH.put("registerMbeans", Type.BOOLEAN);
        PASS_THROUGH.put("connectionTestQuery", Type.STRING);
        PASS_THROUGH.put("connectionInitSql", Type.STRING);
        PASS_THROUGH.put("catalog", Type.STRING);
        PASS_THROUGH.put("schema", Type.STRING);
        PASS_THROUGH.put("transactionIsolation", Type.STRING);
        PASS_THROUGH.put("driverClassName", Type.STRING);
        PASS_THROUGH.put("exceptionOverrideClassName", Type.STRING);
        PASS_THROUGH.put("initializationFailTimeout", Type.LONG_MILLIS);

        OWNED.put("jdbcUrl", "twpool.url");
        OWNED.put("username", "twpool.username");
        OWNED.put("password", "twpool.password");
        OWNED.put("poolName", "twpool.name");
        OWNED.put("minimumIdle", "twpool.pool-size");
        OWNED.put("maximumPoolSize", "twpool.pool-size and twpool.max-overflow");
        OWNED.put("idleTimeout", "twpool.overflow-idle-timeout");
        OWNED.put("maxLifetime", "twpool.recycle");
        OWNED.put("keepaliveTime", "twpool.keepalive");
        OWNED.put("connectionTimeout", "twpool.timeout");
        OWNED.put("validationTimeout", "twpool.validation-timeout");
        OWNED.put("leakDetectionThreshold", "twpool.leak-detection-threshold");
        OWNED.put("dataSourceClassName", "twpool.url (twpool creates connections through the JDBC driver so it can count them)");
        OWNED.put("dataSourceJNDI", "twpool.url");
        OWNED.put("dataSourceProperties", "twpool.driver.*");
        OWNED.put("metricsTrackerFactory", "TwPoolDataSource (pool-metrics installs Micrometer's tracker)");
    }

    private HikariProperties() {
    }

    static void validate(Map<String, String> properties) {
        properties.forEach(HikariProperties::check);
    }

    /** Applies the validated pass-through properties to Hikari's config. */
    static void apply(Map<String, String> properties, HikariConfig hikari) {
        properties.forEach((name, value) -> {
            String canonical = canonical(name);
            switch (canonical) {
                case "autoCommit" -> hikari.setAutoCommit(Boolean.parseBoolean(value.trim()));
                case "readOnly" -> hikari.setReadOnly(Boolean.parseBoolean(value.trim()));
                case "isolateInternalQueries" -> hikari.setIsolateInternalQueries(Boolean.parseBoolean(value.trim()));
                case "allowPoolSuspension" -> hikari.setAllowPoolSuspension(Boolean.parseBoolean(value.trim()));
                case "registerMbeans" -> hikari.setRegisterMbeans(Boolean.parseBoolean(value.trim()));
                case "connectionTestQuery" -> hikari.setConnectionTestQuery(value);
                case "connectionInitSql" -> hikari.setConnectionInitSql(value);
                case "catalog" -> hikari.setCatalog(value);
                case "schema" -> hikari.setSchema(value);
                case "transactionIsolation" -> hikari.setTransactionIsolation(value.trim());
                case "driverClassName" -> hikari.setDriverClassName(value.trim());
                case "exceptionOverrideClassName" -> hikari.setExceptionOverrideClassName(value.trim());
                case "initializationFailTimeout" -> hikari.setInitializationFailTimeout(millis(value));
                default -> throw new IllegalStateException("unvalidated Hikari property " + name);
            }
        });
    }

    private static String canonical(String name) {
        for (String k : PASS_THROUGH.keySet()) {
            if (k.equalsIgnoreCase(name)) {
                return k;
            }
        }
        return name;
    }

    private static void check(String name, String value) {
        String key = "twpool.hikari." + name;
        String owner = OWNED.get(name);
        if (owner != null) {
            throw new TwPoolConfigException(key, key + "=" + Secrets.displayValue(key, value)
                    + ": twpool sets this Hikari property itself; use " + owner + " instead");
        }
        Type type = PASS_THROUGH.get(name);
        if (type == null) {
            throw new TwPoolConfigException(key, key + "=" + Secrets.displayValue(key, value)
                    + ": unknown Hikari property" + Suggestions.didYouMean(name, PASS_THROUGH.keySet())
                    + " (allowed: " + String.join(", ", PASS_THROUGH.keySet()) + ")");
        }
        String v = value.trim();
        switch (type) {
            case BOOLEAN -> {
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    throw TwPoolConfigException.invalid(key, value, "must be true or false");
                }
            }
            case LONG_MILLIS -> {
                if (millisOrNull(v) == null) {
                    throw TwPoolConfigException.invalid(key, value, "must be milliseconds (e.g. 1, -1) or " + Durations.ALLOWED);
                }
            }
            case STRING -> {
                if (name.equalsIgnoreCase("transactionIsolation") && !v.toUpperCase(Locale.ROOT).startsWith("TRANSACTION_")) {
                    throw TwPoolConfigException.invalid(key, value,
                            "must be a java.sql.Connection constant such as TRANSACTION_READ_COMMITTED");
                }
            }
        }
    }

    private static long millis(String value) {
        return millisOrNull(value.trim());
    }

    private static Long millisOrNull(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            Duration d = Durations.parse(v);
            return d == null ? null : d.toMillis();
        }
    }
}
