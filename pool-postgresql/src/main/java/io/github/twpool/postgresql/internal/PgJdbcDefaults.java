package io.github.twpool.postgresql.internal;

import io.github.twpool.TwPoolConfig;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * pgjdbc properties for pooled use, each for a reason pool-postgresql's README gives in full:
 * <ul>
 *   <li>{@code ApplicationName} = the pool's name: {@code pg_stat_activity} and the server's log then say which
 *       application a session belongs to, not only which host, which is what a churn diagnosis needs on a server
 *       several services share;</li>
 *   <li>{@code assumeMinServerVersion=9.0}: pgjdbc then sends {@code application_name} and
 *       {@code extra_float_digits} in the startup packet instead of a {@code SET} after it: one round trip less per
 *       connect, the name visible from the session's first moment (and in {@code log_connections}), and both are
 *       the session's defaults, which {@code DISCARD ALL} (reset-session) keeps; set with {@code SET} they would be
 *       reset to the server's, leaving the session nameless and floats rendered with fewer digits. Servers before
 *       9.0 have been out of support since 2015;</li>
 *   <li>{@code tcpKeepAlive=true}: a pooled connection idles for minutes; keepalive probes find a peer that vanished
 *       (a failover, a NAT that forgot the flow) instead of a borrower hanging on it;</li>
 *   <li>{@code connectTimeout=10} (seconds) and {@code loginTimeout=10}: a server that does not answer the TCP
 *       handshake, or answers it and never the startup (an overloaded postmaster, a proxy without a backend), fails
 *       the attempt in 10 s instead of holding HikariCP's connection-adder thread; the same 10 s pool-mysql gives
 *       Connector/J's connectTimeout;</li>
 *   <li>{@code currentSchema} = the pool's schema ({@code twpool.hikari.schema}), when there is one: HikariCP
 *       sets it with a {@code SET} after connecting, which with autocommit off runs in a transaction the first
 *       rollback undoes, and which {@code DISCARD ALL} resets; as a startup parameter it is the session's default
 *       and survives both;</li>
 *   <li>{@code socketTimeout} stays 0 (none), as in pool-mysql: a finite one would kill legitimately long queries.
 *       What waits on the pool's own behalf is bounded elsewhere: validation by HikariCP's validation timeout, the
 *       session reset by the same timeout as its network timeout.</li>
 * </ul>
 * A property the user set with {@code twpool.driver.*} wins (pool-core applies it after these); one in the URL wins
 * too, because pgjdbc lets URL parameters override connection properties; such a property is left out here so that
 * any dump of the properties shows the user's value as theirs.
 */
public final class PgJdbcDefaults {

    static final String CONNECT_TIMEOUT_SECONDS = "10";

    private PgJdbcDefaults() {
    }

    public static Map<String, String> forConfig(TwPoolConfig config) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(PGProperty.APPLICATION_NAME.getName(), config.name());
        d.put(PGProperty.ASSUME_MIN_SERVER_VERSION.getName(), "9.0");
        d.put(PGProperty.TCP_KEEP_ALIVE.getName(), "true");
        d.put(PGProperty.CONNECT_TIMEOUT.getName(), CONNECT_TIMEOUT_SECONDS);
        d.put(PGProperty.LOGIN_TIMEOUT.getName(), CONNECT_TIMEOUT_SECONDS);
        String schema = PgSessionReset.schema(config);
        if (schema != null) {
            d.put(PGProperty.CURRENT_SCHEMA.getName(), schema);
        }
        Properties url = urlProperties(config.url());
        d.keySet().removeIf(k -> url.containsKey(k) || config.driverProperties().containsKey(k));
        return d;
    }

    /** The search_path the session starts with (pgjdbc's currentSchema, by whoever set it); null for the server's. */
    static String currentSchema(TwPoolConfig config) {
        String name = PGProperty.CURRENT_SCHEMA.getName();
        String user = config.driverProperties().get(name);
        if (user != null) {
            return user;
        }
        return urlProperties(config.url()).getProperty(name, forConfig(config).get(name));
    }

    /** The URL's own properties (host, port, database as PGHOST/PGPORT/PGDBNAME, and its parameters); empty when unreadable. */
    static Properties urlProperties(String url) {
        Properties p = Driver.parseURL(url, new Properties());
        return p == null ? new Properties() : p;
    }

    /** The database the URL names; null when it names none. */
    public static String database(TwPoolConfig config) {
        String db = urlProperties(config.url()).getProperty(PGProperty.PG_DBNAME.getName());
        return db == null || db.isEmpty() ? null : db;
    }

    /**
     * pgjdbc's own name for {@code name} when pgjdbc would ignore {@code name} (its property names are
     * case-sensitive and unknown ones are ignored) but has a property of that name in another case; null otherwise.
     */
    public static String propertyNameInOtherCase(String name) {
        for (PGProperty p : PGProperty.values()) {
            if (p.getName().equals(name)) {
                return null;
            }
        }
        for (PGProperty p : PGProperty.values()) {
            if (p.getName().equalsIgnoreCase(name)) {
                return p.getName();
            }
        }
        return null;
    }
}
