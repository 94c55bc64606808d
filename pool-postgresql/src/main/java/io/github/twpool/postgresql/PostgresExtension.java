package io.github.twpool.postgresql;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.postgresql.internal.PgJdbcDefaults;
import io.github.twpool.postgresql.internal.PgRecycleGuard;
import io.github.twpool.postgresql.internal.PgSessionReset;
import io.github.twpool.postgresql.internal.PgStatusSource;
import io.github.twpool.postgresql.internal.ResetOnClose;
import io.github.twpool.spi.ConnectionDecorator;
import io.github.twpool.spi.PoolContext;
import io.github.twpool.spi.ServerStatusSource;
import io.github.twpool.spi.Setting;
import io.github.twpool.spi.TwPoolExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL (pgjdbc, {@code jdbc:postgresql:} URLs) specifics for twpool, found by {@link java.util.ServiceLoader}
 * when pool-postgresql is on the classpath: driver defaults for pooled use and churn diagnosis, {@code reset-session}
 * with {@code DISCARD ALL}, {@code recycle} kept under the session's {@code idle_session_timeout}, and server-side
 * churn signals from {@code pg_stat_database}.
 *
 * <p>Its settings, {@code twpool.postgresql.*}, are declared here and nowhere else.
 */
public final class PostgresExtension implements TwPoolExtension {

    public static final String NAME = "postgresql";
    public static final Setting<Boolean> CLAMP_RECYCLE = Setting.bool(NAME + ".clamp-recycle", true)
            .doc("Clamp `recycle` under the session's `idle_session_timeout` with a WARN, or fail at start.");
    public static final Setting<Duration> STATUS_INTERVAL = Setting.duration(NAME + ".status-interval", Duration.ofSeconds(60))
            .range(Duration.ofSeconds(1), Duration.ofHours(1))
            .doc("How often server-side signals (`pg_stat_database`, `pg_stat_activity`) are read.");
    public static final Setting<Boolean> STATUS_ENABLED = Setting.bool(NAME + ".status-enabled", true)
            .doc("Read server-side signals at all.");
    private static final List<Setting<?>> SETTINGS = List.of(CLAMP_RECYCLE, STATUS_INTERVAL, STATUS_ENABLED);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public List<Setting<?>> settings() {
        return SETTINGS;
    }

    @Override
    public void validate(TwPoolConfig config) {
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
        return config.get(CLAMP_RECYCLE);
    }

    static boolean statusEnabled(TwPoolConfig config) {
        return config.get(STATUS_ENABLED);
    }

    static Duration statusInterval(TwPoolConfig config) {
        return config.get(STATUS_INTERVAL);
    }
}
