package io.github.twpool.mysql.internal;

import io.github.twpool.TwPoolConfig;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Connector/J properties careful operators set for pooled use (HikariCP's MySQL recommendations and Connector/J's
 * reference); the table in pool-mysql's README gives the reason for each. A property the user set with
 * {@code twpool.driver.*} wins (pool-core applies user properties after these); one given in the URL wins too,
 * because Connector/J lets URL parameters override connection properties.
 */
public final class ConnectorJDefaults {

    private ConnectorJDefaults() {
    }

    public static Map<String, String> forUrl(String url) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("cachePrepStmts", "true");
        d.put("prepStmtCacheSize", "250");
        d.put("prepStmtCacheSqlLimit", "2048");
        d.put("useServerPrepStmts", "true");
        d.put("useLocalSessionState", "true");
        d.put("rewriteBatchedStatements", "true");
        d.put("cacheResultSetMetadata", "true");
        d.put("cacheServerConfiguration", "true");
        d.put("elideSetAutoCommits", "true");
        d.put("maintainTimeStats", "false");
        d.put("tcpKeepAlive", "true");
        d.put("connectTimeout", "10000");
        // Drop what the URL already says so the user's value shows as theirs in any dump of properties.
        String query = url.toLowerCase(Locale.ROOT);
        d.keySet().removeIf(k -> query.contains(k.toLowerCase(Locale.ROOT) + "="));
        return d;
    }

    /** True when Connector/J would run with {@code paranoid=true}, from driver properties or the URL. */
    public static boolean paranoid(TwPoolConfig config) {
        for (var e : config.driverProperties().entrySet()) {
            if (e.getKey().equalsIgnoreCase("paranoid") && e.getValue().trim().equalsIgnoreCase("true")) {
                return true;
            }
        }
        String url = config.url().toLowerCase(Locale.ROOT).replace(" ", "");
        return url.contains("paranoid=true") || url.contains("paranoid=yes");
    }
}
