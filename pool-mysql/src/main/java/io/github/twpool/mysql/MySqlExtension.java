package io.github.twpool.mysql;

import com.mysql.cj.conf.PropertyKey;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.spi.Setting;
import io.github.twpool.mysql.internal.ConnectorJDefaults;
import io.github.twpool.mysql.internal.MySqlStatusSource;
import io.github.twpool.mysql.internal.RecycleGuard;
import io.github.twpool.mysql.internal.SessionReset;
import io.github.twpool.spi.ConnectionDecorator;
import io.github.twpool.spi.PoolContext;
import io.github.twpool.spi.ServerStatusSource;
import io.github.twpool.spi.TwPoolExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * MySQL Connector/J specifics for twpool, found by {@link java.util.ServiceLoader} when pool-mysql is on the
 * classpath: driver defaults for pooled use, {@code reset-session} with COM_RESET_CONNECTION, {@code recycle} kept
 * under the server's {@code wait_timeout}, and server-side churn signals from {@code SHOW GLOBAL STATUS}.
 *
 * <p>{@code jdbc:mariadb:} URLs (MariaDB Connector/J) pool as usual but get none of this; the features that need
 * Connector/J ({@code reset-session}, {@code twpool.mysql.*}) are refused with a message saying so.
 */
public final class MySqlExtension implements TwPoolExtension {

    public static final Setting<Boolean> CLAMP_RECYCLE = Setting.bool("mysql.clamp-recycle", true)
            .doc("Clamp `recycle` under `wait_timeout` with a WARN, or fail at start.");
    public static final Setting<Duration> STATUS_INTERVAL = Setting.duration("mysql.status-interval", Duration.ofSeconds(60))
            .range(Duration.ofSeconds(1), Duration.ofHours(1))
            .doc("How often server-side signals are read.");
    public static final Setting<Boolean> STATUS_ENABLED = Setting.bool("mysql.status-enabled", true)
            .doc("Read server-side signals at all.");
    private static final List<Setting<?>> SETTINGS = List.of(CLAMP_RECYCLE, STATUS_INTERVAL, STATUS_ENABLED);

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public boolean supports(String jdbcUrl) {
        return isConnectorJ(jdbcUrl) || isMariaDbDriver(jdbcUrl);
    }

    static boolean isConnectorJ(String url) {
        return url.startsWith("jdbc:mysql:");
    }

    static boolean isMariaDbDriver(String url) {
        return url.startsWith("jdbc:mariadb:");
    }

    @Override
    public List<Setting<?>> settings() {
        return SETTINGS;
    }

    @Override
    public void validate(TwPoolConfig config) {
        if (isMariaDbDriver(config.url())) {
            if (config.resetSession()) {
                throw TwPoolConfigException.invalid("twpool.reset-session", true,
                        "is implemented with MySQL Connector/J (jdbc:mysql: URLs, which talk to MariaDB servers too); "
                                + "MariaDB Connector/J (jdbc:mariadb:) is not supported for it: use a jdbc:mysql: URL or reset-session=false");
            }
            if (!config.extensionProperties().isEmpty()) {
                String key = config.extensionProperties().keySet().iterator().next();
                throw new TwPoolConfigException("twpool." + key, "twpool." + key
                        + ": pool-mysql's settings apply to MySQL Connector/J (jdbc:mysql:) URLs only, not to jdbc:mariadb:");
            }
            return;
        }
        checkDriverPropertyNames(config);
        if (config.resetSession()) {
            checkResetSessionCanWork(config);
        }
    }

    /**
     * Connector/J ignores a property name it does not know, and its names are case-sensitive: {@code sslmode=REQUIRED}
     * would connect without TLS. A name that is one of the driver's in another case is refused (value not shown);
     * Spring Boot binds environment variables such as {@code TWPOOL_DRIVER_SSLMODE} to lowercase keys.
     */
    private static void checkDriverPropertyNames(TwPoolConfig config) {
        for (String name : config.driverProperties().keySet()) {
            String meant = ConnectorJDefaults.propertyNameInOtherCase(name);
            if (meant != null) {
                throw new TwPoolConfigException("twpool.driver." + name, "twpool.driver." + name + ": Connector/J's"
                        + " property names are case-sensitive and it ignores names it does not know; write twpool.driver."
                        + meant + " (environment variables give lowercase keys: set it in a properties or YAML file, in"
                        + " SPRING_APPLICATION_JSON, or as " + meant + "=... in the URL)");
            }
        }
    }

    /** Refuses driver settings under which the reset would be skipped or would break the next borrower's statements. */
    private static void checkResetSessionCanWork(TwPoolConfig config) {
        if (ConnectorJDefaults.isTrue(config, PropertyKey.paranoid)) {
            throw TwPoolConfigException.invalid("twpool.reset-session", true,
                    "cannot work with Connector/J's paranoid=true, which silently skips the session reset: Connector/J reads "
                            + "paranoid as true from twpool.driver.paranoid or the URL (true/yes in any case, URL-encoded or in "
                            + "(key=value) host syntax); remove it or set reset-session=false");
        }
        if (ConnectorJDefaults.cachesServerPreparedStatements(config)) {
            throw TwPoolConfigException.invalid("twpool.reset-session", true,
                    "cannot work with Connector/J's useServerPrepStmts=true together with cachePrepStmts=true: the reset "
                            + "(COM_RESET_CONNECTION) deallocates server-side prepared statements that the cache would hand "
                            + "to the next borrower dead (\"Unknown prepared statement handler\"); pool-mysql defaults "
                            + "useServerPrepStmts=false with reset-session=true, so remove useServerPrepStmts=true "
                            + "(twpool.driver.useServerPrepStmts or the URL), set cachePrepStmts=false, or set reset-session=false");
        }
        if (!SessionReset.forConfig(config).hasDatabase()) {
            throw TwPoolConfigException.invalid("twpool.reset-session", true,
                    "needs a database to go back to: COM_RESET_CONNECTION keeps the database a borrower selected with "
                            + "USE, and MySQL cannot go back to none, so the next borrower's unqualified table names would "
                            + "reach the previous borrower's database; name one in the URL (jdbc:mysql://host:3306/db) or "
                            + "in twpool.hikari.catalog, or set reset-session=false");
        }
    }

    @Override
    public Map<String, String> driverDefaults(TwPoolConfig config) {
        return isConnectorJ(config.url()) ? ConnectorJDefaults.forConfig(config) : Map.of();
    }

    @Override
    public ConnectionDecorator sessionReset(TwPoolConfig config) {
        return isConnectorJ(config.url()) ? SessionReset.forConfig(config) : null;
    }

    @Override
    public void onStart(PoolContext context) {
        if (isConnectorJ(context.config().url())) {
            new RecycleGuard(context, clampRecycle(context.config())).checkAtStart();
        }
    }

    @Override
    public ServerStatusSource serverStatusSource(PoolContext context) {
        TwPoolConfig config = context.config();
        if (!isConnectorJ(config.url()) || !statusEnabled(config)) {
            return null;
        }
        return new MySqlStatusSource(statusInterval(config), new RecycleGuard(context, clampRecycle(config)));
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
