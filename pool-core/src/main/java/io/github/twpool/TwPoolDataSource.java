package io.github.twpool;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.internal.CountingDataSource;
import io.github.twpool.internal.EffectiveSettings;
import io.github.twpool.internal.EnvironmentProperties;
import io.github.twpool.internal.Extensions;
import io.github.twpool.internal.HikariConfigFactory;
import io.github.twpool.internal.PrePing;
import io.github.twpool.internal.Redaction;
import io.github.twpool.internal.Secrets;
import io.github.twpool.internal.SettingKeys;
import io.github.twpool.spi.ConnectionDecorator;
import io.github.twpool.internal.churn.PoolMonitor;
import io.github.twpool.internal.probe.AutoCensus;
import io.github.twpool.spi.PoolContext;
import io.github.twpool.spi.ServerStatusSource;
import io.github.twpool.spi.TwPoolExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.Closeable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A HikariCP pool configured with twpool's policies. With optional features off, {@link #getConnection()} returns
 * Hikari's own connection: nothing of twpool sits on the borrower's path.
 *
 * <p>{@link #unwrap(Class)} reaches the {@link HikariDataSource}, its {@link HikariPoolMXBean} and
 * {@link HikariConfigMXBean}, so tools that look for Hikari (Spring Boot's metrics binder, for one) find it.
 */
public final class TwPoolDataSource implements DataSource, Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(TwPoolDataSource.class);

    private final TwPoolConfig config;
    private final HikariDataSource hikari;
    private final CountingDataSource connections;
    private final ConnectionDecorator decorator;
    private final PrePing prePing;
    private final PoolMonitor monitor;
    private final PoolContext context;
    private final EffectiveSettings settings;

    private TwPoolDataSource(TwPoolConfig config, List<TwPoolExtension> extensions) {
        this.config = config;
        List<TwPoolExtension> applicable = Extensions.forUrl(extensions, config.url());
        // Whatever fails from here on, what was opened is closed and no secret leaves in the exception.
        HikariDataSource startedPool = null;
        PoolMonitor startedMonitor = null;
        try {
            SettingKeys.checkExtensionProperties(config, applicable);
            for (TwPoolExtension e : applicable) {
                e.validate(config);
            }
            this.decorator = config.resetSession() ? sessionReset(config, applicable) : null;
            this.connections = HikariConfigFactory.connections(config,
                    HikariConfigFactory.driverProperties(config, applicable));
            com.zaxxer.hikari.HikariConfig hikariConfig = HikariConfigFactory.create(config, connections);
            connections.watch(hikariConfig); // the pool opens its first connection before its constructor returns
            this.hikari = startedPool = new HikariDataSource(hikariConfig);
            connections.watch(hikari.getHikariConfigMXBean()); // live: pool-mysql may shorten maxLifetime at run time
            this.prePing = config.prePing()
                    ? new PrePing(hikari, hikari.getValidationTimeout(), hikari.getConnectionTimeout()) : null;
            this.settings = EffectiveSettings.of(config, hikari.getHikariConfigMXBean());
            this.context = new Context();
            for (TwPoolExtension e : applicable) {
                e.onStart(context);
            }
            this.monitor = startedMonitor = config.probeEnabled()
                    ? new PoolMonitor(config, hikari, connections, serverStatusSource(context, applicable), Path.of(config.probeProcRoot()))
                    : null;
            if (monitor != null) {
                monitor.start();
            }
        } catch (RuntimeException e) {
            closeAfterFailure(startedMonitor, startedPool, e);
            throw Redaction.forCaller(e, Secrets.known(config), config.name());
        } catch (Error e) {
            closeAfterFailure(startedMonitor, startedPool, e);
            throw e;
        }
        LOG.info("twpool '{}' started for {}: {}{}{}", config.name(), Secrets.maskUrl(config.url()), settings.describe(),
                applicable.isEmpty() ? "" : " extensions=" + applicable.stream().map(TwPoolExtension::name).collect(Collectors.joining(",")),
                monitor == null ? "" : " census=" + AutoCensus.planned(Path.of(config.probeProcRoot())));
    }

    private static void closeAfterFailure(PoolMonitor monitor, HikariDataSource pool, Throwable failure) {
        try {
            if (monitor != null) {
                monitor.close();
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        try {
            if (pool != null) {
                pool.close();
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** A pool for the configuration, with the extensions found on the classpath. */
    public static TwPoolDataSource create(TwPoolConfig config) {
        return new TwPoolDataSource(config, Extensions.discovered());
    }

    /** A pool for the configuration with exactly these extensions (no classpath discovery). */
    public static TwPoolDataSource create(TwPoolConfig config, List<TwPoolExtension> extensions) {
        return new TwPoolDataSource(config, List.copyOf(extensions));
    }

    /** A pool from {@code twpool.*} properties. */
    public static TwPoolDataSource fromProperties(Properties properties) {
        return create(TwPoolConfig.fromProperties(properties));
    }

    /**
     * A pool from the application's environment: {@code twpool.properties} on the classpath (or
     * {@code application.properties}), then system properties, then {@code TWPOOL_*} environment variables; later
     * sources win.
     */
    public static TwPoolDataSource fromEnvironment() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = TwPoolDataSource.class.getClassLoader();
        }
        return fromProperties(EnvironmentProperties.load(loader, System.getProperties(), System.getenv()));
    }

    private static ConnectionDecorator sessionReset(TwPoolConfig config, List<TwPoolExtension> extensions) {
        for (TwPoolExtension e : extensions) {
            ConnectionDecorator d = e.sessionReset(config);
            if (d != null) {
                return d;
            }
        }
        throw TwPoolConfigException.invalid("twpool.reset-session", true,
                "needs a database extension that can reset sessions, and none on the classpath handles "
                        + Secrets.maskUrl(config.url()) + "; for MySQL add io.github.twpool:pool-mysql, for PostgreSQL "
                        + "io.github.twpool:pool-postgresql, or set reset-session=false");
    }

    private static ServerStatusSource serverStatusSource(PoolContext context, List<TwPoolExtension> extensions) {
        for (TwPoolExtension e : extensions) {
            ServerStatusSource s = e.serverStatusSource(context);
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    /** The configuration this pool was created with; {@link #toString()} shows what it runs with now. */
    public TwPoolConfig config() {
        return config;
    }

    /** The database endpoint the probe watches, {@code host:port} of the URL's first host (no credentials). */
    public String endpoint() {
        return io.github.twpool.internal.probe.Endpoint.displayOf(config.url());
    }

    /** Physical connections this pool has opened since it started (Hikari's first one included). */
    public long connectionsOpened() {
        return connections.opened();
    }

    /** Physical connections this pool has closed since it started; never decreases. */
    public long connectionsClosed() {
        return connections.closed();
    }

    /**
     * Physical connections this pool has closed for one reason since it started; never decreases. The reasons add up
     * to {@link #connectionsClosed()}; {@link CloseReason} says how each is told.
     */
    public long connectionsClosed(CloseReason reason) {
        return connections.closed(reason);
    }

    /**
     * Retires a connection this pool lent: it is closed now (or, if the borrower still holds it, when the pool can) and
     * replaced, and counted as {@code evicted}. For a connection whose state cannot be trusted any more.
     */
    public void evictConnection(Connection connection) {
        CountingDataSource.markEvicted(connection);
        hikari.evictConnection(connection);
    }

    /**
     * Returns whose server session reset-session reset (a session the borrower changed, or one the server cannot
     * vouch for); 0 without reset-session. Never decreases.
     */
    public long sessionResets() {
        return decorator == null ? 0 : decorator.resetsDone();
    }

    /** Returns that reset-session let through without a reset because the session was unchanged. Never decreases. */
    public long sessionResetsSkipped() {
        return decorator == null ? 0 : decorator.resetsSkipped();
    }

    /** Attempts to open a physical connection that failed. */
    public long connectionAttemptsFailed() {
        return connections.failed();
    }

    /**
     * What twpool knows about connection churn now: the latest socket census for the database endpoint, rates,
     * kernel settings and active verdicts. Cheap: it returns the snapshot the probe thread published last.
     */
    public ChurnReport churnReport() {
        PoolMonitor m = monitor;
        if (m == null) {
            return PoolMonitor.disabledReport(config, connections.opened(), connections.closed());
        }
        return m.report();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection c = prePing == null ? hikari.getConnection() : prePing.borrow();
        if (decorator == null) {
            return c;
        }
        try {
            return decorator.decorate(c, context);
        } catch (SQLException | RuntimeException | Error e) {
            // Its session state is unknown now: evict it rather than keep the pool's place borrowed forever.
            try {
                evictConnection(c);
            } catch (RuntimeException evictFailure) {
                e.addSuppressed(evictFailure);
            }
            throw e;
        }
    }

    /** Not supported, as in HikariCP: a pool's connections all belong to one user. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("twpool pools connections of one user; set twpool.username/password");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return hikari.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        hikari.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        hikari.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return hikari.getLoginTimeout();
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return hikari.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (iface.isInstance(hikari)) {
            return iface.cast(hikari);
        }
        if (iface == HikariPoolMXBean.class) {
            return iface.cast(hikari.getHikariPoolMXBean());
        }
        if (iface == HikariConfigMXBean.class) {
            return iface.cast(hikari.getHikariConfigMXBean());
        }
        return hikari.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isInstance(hikari) || iface == HikariPoolMXBean.class
                || iface == HikariConfigMXBean.class || hikari.isWrapperFor(iface);
    }

    public boolean isClosed() {
        return hikari.isClosed();
    }

    /** Closes every connection and stops twpool's background work. Idempotent. */
    @Override
    public void close() {
        if (monitor != null) {
            monitor.close();
        }
        connections.poolClosing();
        hikari.close();
    }

    @Override
    public String toString() {
        return "TwPoolDataSource[name=" + config.name() + ", url=" + Secrets.maskUrl(config.url())
                + ", " + settings.describe() + (isClosed() ? ", closed" : "") + "]";
    }

    private final class Context implements PoolContext {
        @Override
        public TwPoolConfig config() {
            return config;
        }

        @Override
        public DataSource pool() {
            return hikari;
        }

        @Override
        public HikariConfigMXBean hikariConfig() {
            return hikari.getHikariConfigMXBean();
        }

        @Override
        public HikariPoolMXBean hikariPool() {
            return hikari.getHikariPoolMXBean();
        }

        @Override
        public void evict(Connection connection) {
            evictConnection(connection);
        }

        @Override
        public void recycleLimitedBy(String serverSetting) {
            settings.recycleLimitedBy(serverSetting);
        }
    }
}
