package io.github.twpool.mysql.internal;

import com.mysql.cj.NativeSession;
import com.mysql.cj.Session;
import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.UtilityElf;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.spi.ConnectionDecorator;
import io.github.twpool.spi.PoolContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * reset-session for one pool: what a returned connection goes through before Hikari takes it back, and the session
 * settings the pool itself configured (read from HikariCP's data source, which set them on each new connection),
 * which COM_RESET_CONNECTION throws away and which HikariCP, unaware of the reset, would never set again.
 *
 * <p>The order matters: an open transaction is rolled back first, explicitly, so nothing the reset or the restore
 * does can commit it; then COM_RESET_CONNECTION; then the pool's settings in HikariCP's own order (read-only,
 * autocommit, isolation, catalog, schema, init SQL). The database goes back to the pool's catalog, or the URL's
 * database, because COM_RESET_CONNECTION leaves a borrower's {@code USE} in place. Settings go to the server as SQL
 * and then through Connector/J's setters, so that the driver's local state ({@code useLocalSessionState}) agrees with the server.
 */
public final class SessionReset implements ConnectionDecorator {

    private static final Logger LOG = LoggerFactory.getLogger(SessionReset.class);

    /** The URL's database, where the session goes back to when the pool sets no catalog. */
    private final String urlDatabase;
    private final boolean catalogConfigured;
    /** What the pool sets on its sessions, read from HikariCP once the pool runs; null until the first borrow. */
    private volatile PoolSession session;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    private SessionReset(String urlDatabase, boolean catalogConfigured) {
        this.urlDatabase = urlDatabase;
        this.catalogConfigured = catalogConfigured;
    }

    /** The reset for a pool with this configuration; each pool has its own (and its own failure log). */
    public static SessionReset forConfig(TwPoolConfig config) {
        boolean catalog = config.hikariProperties().keySet().stream().anyMatch(k -> k.equalsIgnoreCase("catalog"));
        return new SessionReset(ConnectorJDefaults.database(config), catalog);
    }

    /** Whether there is a database to go back to after the reset: the pool's catalog or the URL's database. */
    public boolean hasDatabase() {
        return catalogConfigured || urlDatabase != null;
    }

    @Override
    public Connection decorate(Connection pooled, PoolContext pool) throws SQLException {
        if (session == null) {
            // The pool's first borrow, before any reset: the session still has the role its login gave it. If the
            // connection cannot answer, the pool evicts it (TwPoolDataSource does for every failed decoration).
            session = PoolSession.of(pool, urlDatabase, loginRoleSql(pooled.unwrap(JdbcConnection.class)));
        }
        return new SessionResetConnection(pooled, this, pool);
    }

    /**
     * The session settings the pool configured, as HikariCP itself holds them (its getters, its reading of the
     * isolation name), and the statement that puts the login role back ("" when the account has no role to switch
     * to).
     */
    private record PoolSession(boolean autoCommit, boolean readOnly, int isolation, String isolationSql,
                               String database, String schema, String initSql, String loginRoleSql, int timeoutMillis) {

        static PoolSession of(PoolContext pool, String urlDatabase, String loginRoleSql) throws SQLException {
            if (!(pool.pool() instanceof HikariDataSource hikari)) {
                throw new SQLException("reset-session needs HikariCP's data source, not " + pool.pool().getClass().getName());
            }
            String catalog = hikari.getCatalog();
            int isolation = UtilityElf.getTransactionIsolation(hikari.getTransactionIsolation());
            return new PoolSession(hikari.isAutoCommit(), hikari.isReadOnly(), isolation, SessionReset.isolationSql(isolation),
                    catalog != null ? catalog : urlDatabase, hikari.getSchema(), hikari.getConnectionInitSql(),
                    loginRoleSql, (int) Math.min(Integer.MAX_VALUE, Math.max(1, hikari.getValidationTimeout())));
        }
    }

    /**
     * SET ROLE survives COM_RESET_CONNECTION (MariaDB 10.11, 11.4), so a borrower's role would give the next borrower
     * its privileges. Read once per pool: the role a login gets (the account's default, the same for every
     * connection of the pool), and whether the account has any role to switch to at all; without one, nothing is
     * sent on return. A server without roles (MySQL 5.7) has none.
     */
    private static String loginRoleSql(JdbcConnection physical) throws SQLException {
        String sql;
        try (Statement s = physical.createStatement();
             java.sql.ResultSet rs = s.executeQuery(
                     "SELECT CURRENT_ROLE(), (SELECT COUNT(*) FROM information_schema.APPLICABLE_ROLES)")) {
            rs.next();
            String role = rs.getString(1);
            if (rs.getLong(2) == 0) {
                sql = "";
            } else if (role == null || role.equals("NONE")) {
                sql = "SET ROLE NONE";
            } else {
                // MySQL 8 lists the active roles as quoted accounts (`r`@`%`); MariaDB gives the bare name.
                sql = "SET ROLE " + (role.contains("`") ? role : quoteIdentifier(role));
            }
        } catch (SQLException e) {
            // 1305: no CURRENT_ROLE() (MySQL 5.7); 1109: no APPLICABLE_ROLES (MySQL before 8.0.19): no roles there.
            if (e.getErrorCode() != 1305 && e.getErrorCode() != 1109) {
                throw e;
            }
            sql = "";
        }
        if (!physical.getAutoCommit()) {
            physical.rollback(); // the query opened a transaction; the borrower must start its own
        }
        return sql;
    }

    /**
     * Makes the session of a borrowed connection what a new borrower must find. {@code pooled} is Hikari's proxy,
     * still open: the rollback goes through it so that Hikari does not roll back again (and fail) on close.
     */
    void reset(Connection pooled, LeftOpen leftOpen) throws SQLException {
        PoolSession session = this.session;
        JdbcConnection physical = pooled.unwrap(JdbcConnection.class);
        // Every reply is awaited validation-timeout at most, as Hikari's validation is: a server or network that
        // stopped answering would otherwise hang the borrower's close() (forever, with the driver's default
        // socketTimeout=0) where Hikari alone returns a clean connection without a round trip. Draining a streaming
        // result the borrower left open comes under it too. Set back only on success: a connection whose reset
        // failed is evicted.
        int borrowersTimeout = physical.getNetworkTimeout();
        physical.setNetworkTimeout(Runnable::run, session.timeoutMillis());
        leftOpen.close();
        if (!pooled.getAutoCommit()) {
            // Through Hikari's proxy, which then has nothing left to roll back on close. Skipped only where nothing
            // is open and autocommit stays off (the pool's own setting), so that Hikari's rollback cannot fail.
            if (session.autoCommit() || inTransaction(physical)) {
                pooled.rollback();
            }
        } else if (inTransaction(physical)) {
            // START TRANSACTION with autocommit on: Connector/J's rollback() refuses, the statement does not.
            execute(physical, "ROLLBACK");
        }
        // COM_RESET_CONNECTION; Connector/J then re-applies its sessionVariables and autocommit=1.
        physical.resetServerState();
        restoreDriverSession(physical);
        restore(physical, session);
        physical.setNetworkTimeout(Runnable::run, borrowersTimeout);
    }

    /**
     * What Connector/J sets on the session at connect and its resetServerState() does not set again: the session
     * time_zone under forceConnectionTimeZoneToSession=true. The driver keeps rendering timestamps in the connection's
     * zone, so a session left at the server's zone would shift every TIMESTAMP the next borrower writes.
     */
    private static void restoreDriverSession(JdbcConnection physical) {
        if (physical.getPropertySet().getBooleanProperty(PropertyKey.forceConnectionTimeZoneToSession).getValue()
                && physical.getSession() instanceof NativeSession session) {
            session.getProtocol().configureTimeZone();
        }
    }

    private static void restore(JdbcConnection physical, PoolSession session) throws SQLException {
        boolean readOnly = session.readOnly();
        String isolationSql = session.isolationSql();
        String database = session.database();
        List<String> server = new ArrayList<>(3);
        // Connector/J's own rule in setReadOnly(): elsewhere read-only is a flag kept in the driver only.
        boolean readOnlyToServer = readOnly
                && physical.getPropertySet().getBooleanProperty(PropertyKey.readOnlyPropagatesToServer).getValue()
                && physical.getSession().versionMeetsMinimum(5, 6, 5);
        if (isolationSql != null || readOnlyToServer) {
            server.add("SET SESSION TRANSACTION "
                    + (isolationSql == null ? "" : "ISOLATION LEVEL " + isolationSql + (readOnlyToServer ? ", " : ""))
                    + (readOnlyToServer ? "READ ONLY" : ""));
        }
        String roleSql = session.loginRoleSql();
        if (!roleSql.isEmpty()) {
            server.add(roleSql);
        }
        // COM_RESET_CONNECTION keeps the current database: a borrower's USE would reach the next borrower.
        if (database != null) {
            server.add("USE " + quoteIdentifier(database));
        }
        if (!server.isEmpty()) {
            try (Statement s = physical.createStatement()) {
                for (String sql : server) {
                    s.execute(sql);
                }
            }
        }
        // No round trip where the driver's cached value already matches what the server now has.
        if (readOnly) {
            physical.setReadOnly(true);
        }
        if (!session.autoCommit()) {
            physical.setAutoCommit(false);
        }
        if (session.isolation() >= 0) {
            physical.setTransactionIsolation(session.isolation());
        }
        if (database != null) {
            physical.setCatalog(database);
        }
        if (session.schema() != null) {
            physical.setSchema(session.schema());
        }
        if (session.initSql() != null && !session.initSql().isBlank()) {
            execute(physical, session.initSql());
        }
    }

    /** What the borrower left open on the connection (statements, a streaming result), closed before the reset. */
    @FunctionalInterface
    interface LeftOpen {
        void close() throws SQLException;
    }

    /** Evicts the connection a reset failed on; logs the first failure of this pool only. */
    void failed(PoolContext pool, Connection pooled, Exception e) {
        pool.evict(pooled);
        if (pool.pool() instanceof HikariDataSource hikari && hikari.isClosed()) {
            return; // the pool's close() aborted the connection under its borrower: nothing to report
        }
        if (failureLogged.compareAndSet(false, true)) {
            LOG.warn("twpool '{}': resetting a session on return failed ({}); the connection was evicted, not reused. "
                    + "Further failures of this pool are not logged.", pool.config().name(), e.getMessage());
        }
    }

    /**
     * The server's in-transaction flag from the last reply, as Connector/J keeps it: no round trip. A connection
     * without a session is closed, and the reset that follows fails and evicts it.
     */
    private static boolean inTransaction(JdbcConnection physical) {
        Session session = physical.getSession();
        return session != null && session.getServerSession().inTransactionOnServer();
    }

    private static void execute(JdbcConnection physical, String sql) throws SQLException {
        try (Statement s = physical.createStatement()) {
            s.execute(sql);
        }
    }

    private static String isolationSql(int level) {
        switch (level) {
            case Connection.TRANSACTION_READ_UNCOMMITTED: return "READ UNCOMMITTED";
            case Connection.TRANSACTION_READ_COMMITTED: return "READ COMMITTED";
            case Connection.TRANSACTION_REPEATABLE_READ: return "REPEATABLE READ";
            case Connection.TRANSACTION_SERIALIZABLE: return "SERIALIZABLE";
            default: return null;
        }
    }

    private static String quoteIdentifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
