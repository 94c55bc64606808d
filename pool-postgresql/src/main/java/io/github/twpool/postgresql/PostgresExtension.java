package io.github.twpool.postgresql;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.postgresql.internal.PgJdbcDefaults;
import io.github.twpool.postgresql.internal.PgRecycleGuard;
import io.github.twpool.postgresql.internal.PgSessionReset;
import io.github.twpool.postgresql.internal.PgStatusSource;
import io.github.twpool.postgresql.internal.ResetOnClose;
import io.github.twpool.spi.ConnectionDecorator;
import io.github.twpool.spi.Durations;
import io.github.twpool.spi.PoolContext;
import io.github.twpool.spi.ServerStatusSource;
import io.github.twpool.spi.TwPoolExtension;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * PostgreSQL (pgjdbc, {@code jdbc:postgresql:} URLs) specifics for twpool, found by {@link java.util.ServiceLoader}
 * when pool-postgresql is on the classpath: driver defaults for pooled use and churn diagnosis, {@code reset-session}
 * with {@code DISCARD ALL}, {@code recycle} kept under the session's {@code idle_session_timeout}, and server-side
 * churn signals from {@code pg_stat_database}.
 *
 * <p>Its settings, {@code twpool.postgresql.*}, are declared here and nowhere else:
 * <ul>
 *   <li>{@value #CLAMP_RECYCLE} (default true): lower recycle under {@code idle_session_timeout} with a warning;
 *       false makes a recycle over it a start-up error;</li>
 *   <li>{@value #STATUS_ENABLED} (default true): read the server's counters on the probe thread;</li>
 *   <li>{@value #STATUS_INTERVAL} (default 60s, 1s to 1h): how often.</li>
 * </ul>
 */
public final class PostgresExtension implements TwPoolExtension {

    public static final String NAME = "postgresql";
    public static final String CLAMP_RECYCLE = "clamp-recycle";
    public static final String STATUS_INTERVAL = "status-interval";
    public static final String STATUS_ENABLED = "status-enabled";
    private static final Set<String> KEYS = Set.of(CLAMP_RECYCLE, STATUS_INTERVAL, STATUS_ENABLED);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public Set<String> propertyKeys() {
        return KEYS;
    }

    @Override
    public void validate(TwPoolConfig config) {
        clampRecycle(config);
        statusInterval(config);
        statusEnabled(config);
        checkDriverPropertyNames(config);
    }

    /**
     * pgjdbc ignores a property name it does not know, and its names are case-sensitive: {@code applicationname}
     * would leave the server without the application's name, {@code sslmode} is right but {@code SSLMode} is not.
     * A name that is one of the driver's in another case is refused (value not shown); Spring Boot binds environment
     * variables such as {@code TWPOOL_DRIVER_APPLICATIONNAME} to lowercase keys.
     */
    private static void checkDriverPropertyNames(TwPoolConfig config) {
        for (String name : config.driverProperties().keySet()) {
            String meant = PgJdbcDefaults.propertyNameInOtherCase(name);
            if (meant != null) {
                throw new TwPoolConfigException("twpool.driver." + name, "twpool.driver." + name + ": pgjdbc's property"
                        + " names are case-sensitive and it ignores names it does not know; write twpool.driver." + meant
                        + " (environment variables give lowercase keys: set it in a properties or YAML file, in"
                        + " SPRING_APPLICATION_JSON, or as " + meant + "=... in the URL)");
            }
        }
    }

    @Override
    public Map<String, String> driverDefaults(TwPoolConfig config) {
        return PgJdbcDefaults.forConfig(config);
    }

    @Override
    public ConnectionDecorator sessionReset(TwPoolConfig config) {
        return new ResetOnClose(PgSessionReset.forConfig(config));
    }

    @Override
    public void onStart(PoolContext context) {
        new PgRecycleGuard(context, clampRecycle(context.config())).checkAtStart();
    }

    @Override
    public ServerStatusSource serverStatusSource(PoolContext context) {
        TwPoolConfig config = context.config();
        if (!statusEnabled(config)) {
            return null;
        }
        return new PgStatusSource(statusInterval(config), new PgRecycleGuard(context, clampRecycle(config)));
    }

    static boolean clampRecycle(TwPoolConfig config) {
        return bool(config, CLAMP_RECYCLE, true);
    }

    static boolean statusEnabled(TwPoolConfig config) {
        return bool(config, STATUS_ENABLED, true);
    }

    static Duration statusInterval(TwPoolConfig config) {
        String raw = config.extensionProperties().get(NAME + "." + STATUS_INTERVAL);
        if (raw == null) {
            return Duration.ofSeconds(60);
        }
        Duration d = Durations.parse(raw);
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(1)) > 0) {
            throw TwPoolConfigException.invalid("twpool." + NAME + "." + STATUS_INTERVAL, raw,
                    "must be a duration from 1s to 1h, such as 30s or 5m");
        }
        return d;
    }

    private static boolean bool(TwPoolConfig config, String key, boolean dflt) {
        String raw = config.extensionProperties().get(NAME + "." + key);
        if (raw == null) {
            return dflt;
        }
        String v = raw.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw TwPoolConfigException.invalid("twpool." + NAME + "." + key, raw, "must be true or false");
        }
        return Boolean.parseBoolean(v);
    }
}
