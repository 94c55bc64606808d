package io.github.twpool.mysql.internal;

import com.mysql.cj.conf.ConnectionUrl;
import com.mysql.cj.conf.HostInfo;
import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.jdbc.JdbcPropertySetImpl;
import io.github.twpool.TwPoolConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Connector/J properties careful operators set for pooled use (HikariCP's MySQL recommendations and Connector/J's
 * reference); the table in pool-mysql's README gives the reason for each. A property the user set with
 * {@code twpool.driver.*} wins (pool-core applies user properties after these); one given in the URL wins too,
 * because Connector/J lets URL parameters override connection properties.
 */
public final class ConnectorJDefaults {

    private ConnectorJDefaults() {
    }

    public static Map<String, String> forConfig(TwPoolConfig config) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("cachePrepStmts", "true");
        d.put("prepStmtCacheSize", "250");
        d.put("prepStmtCacheSqlLimit", "2048");
        // COM_RESET_CONNECTION deallocates server-side statements, which the cache would then hand out dead.
        d.put("useServerPrepStmts", config.resetSession() ? "false" : "true");
        d.put("useLocalSessionState", "true");
        if (config.resetSession()) {
            // The server then reports session changes in its OK packets: a return whose session is unchanged needs
            // no reset (SessionReset).
            d.put("trackSessionState", "true");
            // Sockets a returned connection can be checked on without a round trip (closed by the server?).
            d.put("socketFactory", ChannelSocketFactory.class.getName());
        }
        d.put("rewriteBatchedStatements", "true");
        d.put("cacheResultSetMetadata", "true");
        d.put("cacheServerConfiguration", "true");
        d.put("elideSetAutoCommits", "true");
        d.put("maintainTimeStats", "false");
        d.put("tcpKeepAlive", "true");
        d.put("connectTimeout", "10000");
        // Drop what the URL already says so the user's value shows as theirs in any dump of properties.
        String query = config.url().toLowerCase(Locale.ROOT);
        d.keySet().removeIf(k -> query.contains(k.toLowerCase(Locale.ROOT) + "="));
        return d;
    }

    /**
     * The properties Connector/J will connect with, one set per host of the URL, read by the driver's own parser
     * from the URL (query, {@code (key=value)} and {@code address=(key=value)} forms, URL-encoding,
     * {@code useConfigs}, {@code propertiesTransform}) and the driver properties, exactly as it reads them when it
     * connects. Empty when the driver cannot read them: then it cannot connect either, and says why when it tries.
     */
    static List<PropertySet> effective(TwPoolConfig config) {
        Properties info = new Properties();
        info.putAll(forConfig(config));
        info.putAll(config.driverProperties());
        List<PropertySet> sets = new ArrayList<>();
        try {
            for (HostInfo host : ConnectionUrl.getConnectionUrlInstance(config.url(), info).getHostsList()) {
                JdbcPropertySetImpl set = new JdbcPropertySetImpl();
                set.initializeProperties(host.exposeAsProperties());
                sets.add(set);
            }
        } catch (RuntimeException e) {
            return List.of(); // its message may quote the URL, credentials included: the driver reports it at connect
        }
        return sets;
    }

    /** The database the URL names, by the driver's own reading; null when it names none (or cannot be read). */
    static String database(TwPoolConfig config) {
        try {
            String db = ConnectionUrl.getConnectionUrlInstance(config.url(), new Properties()).getMainHost().getDatabase();
            return db == null || db.isEmpty() ? null : db;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** True when Connector/J would run with this boolean property true for any host, by the driver's own reading. */
    public static boolean isTrue(TwPoolConfig config, PropertyKey key) {
        for (PropertySet set : effective(config)) {
            if (set.getBooleanProperty(key).getValue()) {
                return true;
            }
        }
        return false;
    }

    /** True when Connector/J would cache server-side prepared statements, which COM_RESET_CONNECTION deallocates. */
    public static boolean cachesServerPreparedStatements(TwPoolConfig config) {
        for (PropertySet set : effective(config)) {
            if (set.getBooleanProperty(PropertyKey.useServerPrepStmts).getValue()
                    && set.getBooleanProperty(PropertyKey.cachePrepStmts).getValue()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The driver's own name for {@code name} when Connector/J would ignore {@code name} but has a property of that
     * name in another case; null when it reads {@code name} as it is (its case-insensitive names such as user and
     * password included) or has no such property at all.
     */
    public static String propertyNameInOtherCase(String name) {
        if (PropertyKey.fromValue(PropertyKey.normalizeCase(name)) != null) {
            return null;
        }
        for (PropertyKey key : PropertyKey.values()) {
            if (key.getKeyName().equalsIgnoreCase(name)) {
                return key.getKeyName();
            }
            if (key.getCcAlias() != null && key.getCcAlias().equalsIgnoreCase(name)) {
                return key.getCcAlias();
            }
        }
        return null;
    }
}
