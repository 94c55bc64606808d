package io.github.twpool.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.util.DriverDataSource;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.spi.TwPoolExtension;

import java.util.List;
import java.util.Properties;

/** The one place twpool's policy becomes Hikari settings; the README's mapping table describes it. */
public final class HikariConfigFactory {

    private HikariConfigFactory() {
    }

    /** Driver properties: each extension's defaults, then the user's {@code twpool.driver.*}, which win. */
    public static Properties driverProperties(TwPoolConfig config, List<TwPoolExtension> extensions) {
        Properties p = new Properties();
        for (TwPoolExtension e : extensions) {
            p.putAll(e.driverDefaults(config));
        }
        p.putAll(config.driverProperties());
        return p;
    }

    public static HikariConfig create(TwPoolConfig config, CountingDataSource connections) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(config.name());
        h.setDataSource(connections);
        // Credentials live only in the driver DataSource below, so Hikari never holds or prints them.
        h.setMinimumIdle(config.poolSize());
        h.setMaximumPoolSize(config.maxPoolSize());
        // Hikari only retires idle connections above minimumIdle: exactly the overflow.
        h.setIdleTimeout(config.maxOverflow() > 0 ? config.overflowIdleTimeout().toMillis() : 0);
        h.setMaxLifetime(config.recycle().toMillis());
        h.setKeepaliveTime(config.keepalive().toMillis());
        h.setConnectionTimeout(config.timeout().toMillis());
        h.setValidationTimeout(config.validationTimeout().toMillis());
        h.setLeakDetectionThreshold(config.leakDetectionThreshold().toMillis());
        HikariProperties.apply(config.hikariProperties(), h);
        return h;
    }

    /**
     * The driver-backed DataSource Hikari itself would build from a jdbcUrl, wrapped to count connections. The
     * credentials of the URL move into driver properties first (HikariCP logs the URL at DEBUG), and every error of
     * opening a connection is masked before Hikari logs or rethrows it.
     */
    public static CountingDataSource connections(TwPoolConfig config, Properties driverProperties) {
        String driverClass = null;
        for (var e : config.hikariProperties().entrySet()) {
            if (e.getKey().equalsIgnoreCase("driverClassName")) {
                driverClass = e.getValue().trim();
            }
        }
        UrlCredentials.Split split = UrlCredentials.split(config.url());
        Properties properties = new Properties();
        properties.putAll(driverProperties);
        properties.putAll(split.properties());
        try {
            return new CountingDataSource(new DriverDataSource(split.url(), driverClass, properties,
                    config.username(), config.password()), Secrets.known(config));
        } catch (RuntimeException e) {
            String key = driverClass == null ? "twpool.url" : "twpool.hikari.driverClassName";
            String value = driverClass == null ? Secrets.maskUrl(config.url()) : driverClass;
            throw new io.github.twpool.TwPoolConfigException(key, key + "=" + value
                    + ": no JDBC driver on the classpath accepts it; add the driver to the application"
                    + " (for MySQL: com.mysql:mysql-connector-j, or io.github.twpool:pool-mysql which brings it)",
                    Redaction.redact(e, Secrets.known(config)));
        }
    }
}
