package io.github.twpool.internal;

import com.zaxxer.hikari.HikariConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolSettings;
import io.github.twpool.spi.Setting;

import java.time.Duration;
import java.util.List;
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

        // The HikariCP properties twpool's own keys set, as their declarations name them.
        for (Setting<?> s : TwPoolSettings.ALL) {
            if (s.hikariProperty() != null) {
                OWNED.put(s.hikariProperty(), s.property());
            }
        }
        OWNED.put("maximumPoolSize", TwPoolSettings.POOL_SIZE.property() + " and " + TwPoolSettings.MAX_OVERFLOW.property());
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
        String shownKey = ConfigRules.printable(key);
        String owner = OWNED.get(name);
        if (owner != null) {
            throw new TwPoolConfigException(key, shownKey + "=" + ConfigRules.printable(Secrets.displayValue(key, value))
                    + ": twpool sets this Hikari property itself; use " + owner + " instead");
        }
        Type type = PASS_THROUGH.get(name);
        if (type == null) {
            // the value is not shown: twpool cannot know whether an unknown key holds a secret
            throw new TwPoolConfigException(key, shownKey + ": unknown Hikari property (its value is not shown)"
                    + Suggestions.didYouMean(name, PASS_THROUGH.keySet())
                    + " (allowed: " + String.join(", ", PASS_THROUGH.keySet()) + ")");
        }
        String v = value.trim();
        switch (type) {
            case BOOLEAN -> {
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    throw invalid(key, value, "must be true or false");
                }
            }
            case LONG_MILLIS -> {
                if (millisOrNull(v) == null) {
                    throw invalid(key, value, "must be milliseconds (e.g. 1, -1) or " + Durations.ALLOWED);
                }
            }
            case STRING -> checkString(key, name, v);
        }
    }

    /** HikariCP's names for isolation levels (java.sql.Connection's constants and a few vendors'). */
    static final List<String> ISOLATION_LEVELS = List.of("TRANSACTION_NONE", "TRANSACTION_READ_UNCOMMITTED",
            "TRANSACTION_READ_COMMITTED", "TRANSACTION_REPEATABLE_READ", "TRANSACTION_SERIALIZABLE",
            "TRANSACTION_CURSOR_STABILITY", "TRANSACTION_LAST_COMMITTED", "TRANSACTION_SQL_SERVER_SNAPSHOT_ISOLATION_LEVEL");

    // CREATE/ALTER USER ... IDENTIFIED [WITH plugin] BY|AS, SET PASSWORD, PASSWORD('...')
    private static final java.util.regex.Pattern PASSWORD_SQL = java.util.regex.Pattern.compile(
            "(?i)\\bIDENTIFIED\\s+(WITH\\s+\\S+\\s+)?(BY|AS)\\b|\\bSET\\s+PASSWORD\\b|\\bPASSWORD\\s*\\(");
    // SET @name = ..., @name := ...: the variable's name may say it holds a secret
    private static final java.util.regex.Pattern USER_VARIABLE = java.util.regex.Pattern.compile(
            "@[`'\"]?([A-Za-z0-9_.$]+)[`'\"]?\\s*:?=");

    /**
     * True when the SQL carries a password: HikariCP prints connectionInitSql and connectionTestQuery verbatim in
     * its DEBUG configuration dump and a server echoes a failing statement, so twpool could not keep it out of logs.
     */
    static boolean carriesSecret(String sql) {
        if (PASSWORD_SQL.matcher(sql).find()) {
            return true;
        }
        java.util.regex.Matcher m = USER_VARIABLE.matcher(sql);
        while (m.find()) {
            if (!m.group(0).startsWith("@@") && Secrets.isSecretKey(m.group(1))) {
                return true;
            }
        }
        return false;
    }

    private static void checkString(String key, String name, String v) {
        if ((name.equalsIgnoreCase("connectionInitSql") || name.equalsIgnoreCase("connectionTestQuery")) && carriesSecret(v)) {
            throw new TwPoolConfigException(key, ConfigRules.printable(key) + ": carries a password (IDENTIFIED BY, "
                    + "SET PASSWORD, PASSWORD(...) or a secret-named @variable; the statement is not shown): HikariCP "
                    + "prints this property in its DEBUG configuration dump and a server error echoes the statement, "
                    + "so it would reach the logs; run such statements outside the pool, or give the secret as a "
                    + "twpool.driver.* property");
        }
        if (name.equalsIgnoreCase("transactionIsolation") && !ISOLATION_LEVELS.contains(v.toUpperCase(Locale.ROOT))) {
            throw invalid(key, v, "must be a java.sql.Connection constant: " + String.join(", ", ISOLATION_LEVELS.subList(0, 5))
                    + " (HikariCP also knows " + String.join(", ", ISOLATION_LEVELS.subList(5, ISOLATION_LEVELS.size())) + ")");
        }
        if (name.equalsIgnoreCase("driverClassName")) {
            checkClass(key, v, java.sql.Driver.class, "a JDBC driver (java.sql.Driver)",
                    "; usually it is not needed: leave it unset and the driver is found from twpool.url");
        }
        if (name.equalsIgnoreCase("exceptionOverrideClassName")) {
            checkClass(key, v, com.zaxxer.hikari.SQLExceptionOverride.class,
                    "an implementation of com.zaxxer.hikari.SQLExceptionOverride with a public no-argument constructor", "");
        }
    }

    /** The class must load (as HikariCP loads it: context class loader, then HikariCP's) and be of the right kind. */
    private static void checkClass(String key, String className, Class<?> kind, String what, String hint) {
        Class<?> c = load(className);
        if (c == null) {
            throw invalid(key, className, "no such class on the classpath; must name " + what + hint);
        }
        if (!kind.isAssignableFrom(c)) {
            throw invalid(key, className, "is not " + what + hint);
        }
        if (kind == com.zaxxer.hikari.SQLExceptionOverride.class) {
            try {
                c.getConstructor();
            } catch (NoSuchMethodException e) {
                throw invalid(key, className, "has no public no-argument constructor; must name " + what);
            }
        }
    }

    private static Class<?> load(String className) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[] {context, HikariConfig.class.getClassLoader(), HikariProperties.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                return Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader
            }
        }
        return null;
    }

    private static TwPoolConfigException invalid(String key, String value, String allowed) {
        return TwPoolConfigException.invalid(key, ConfigRules.printable(Secrets.displayValue(key, value)), allowed);
    }

    private static long millis(String value) {
        return millisOrNull(value.trim());
    }

    private static Long millisOrNull(String v) {
        if (v.matches("-?[0-9]{1,18}")) {
            return Long.parseLong(v);
        }
        Duration d = Durations.parse(v);
        return d == null || !Durations.isWholeMillis(d) ? null : d.toMillis();
    }
}
