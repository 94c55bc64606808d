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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * reset-session for one pool: what a returned connection goes through before Hikari takes it back, and the session
 * settings the pool itself configured (read from HikariCP's data source, which set them on each new connection),
 * which COM_RESET_CONNECTION throws away and which HikariCP, unaware of the reset, would never set again.
 *
 * <p>Only a changed session is reset. Each connection asks the server to report session changes in its OK packets
 * ({@link SessionTracker}); a return is let through without a command when the server reported nothing, no
 * transaction or table lock is open, the borrower ran only SQL the trackers vouch for ({@link TrackerCoverage}) and
 * the socket shows the server did not close the connection ({@link ChannelSocketFactory}). Where a connection cannot
 * track, every return is reset, and the pool says so once.
 *
 * <p>The order of a reset matters: an open transaction is rolled back first, explicitly, so nothing the reset or the
 * restore does can commit it; then COM_RESET_CONNECTION; then the pool's settings in HikariCP's own order (read-only,
 * autocommit, isolation, catalog, schema, init SQL), with tracking, isolation and read-only in one {@code SET}. The
 * database goes back to the pool's catalog, or the URL's database, because COM_RESET_CONNECTION leaves a borrower's
 * {@code USE} in place. Settings go to the server as SQL and then through Connector/J's setters, so that the
 * driver's local state ({@code useLocalSessionState}) agrees with the server.
 */
public final class SessionReset implements ConnectionDecorator {

    private static final Logger LOG = LoggerFactory.getLogger(SessionReset.class);

    /** The URL's database, where the session goes back to when the pool sets no catalog. */
    private final String urlDatabase;
    private final boolean catalogConfigured;
    /** What the pool sets on its sessions, read from HikariCP once the pool runs; null until the first borrow. */
    private volatile PoolSession session;
    /** What the server reported about each physical connection's session, for as long as the connection lives. */
    private final Map<JdbcConnection, SessionTracker> trackers = Collections.synchronizedMap(new WeakHashMap<>());
    private final LongAdder resetsDone = new LongAdder();
    private final LongAdder resetsSkipped = new LongAdder();
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private final AtomicBoolean startLogged = new AtomicBoolean();
    private final AtomicBoolean untrackedLogged = new AtomicBoolean();
    private volatile String poolName;

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
        JdbcConnection physical = pooled.unwrap(JdbcConnection.class);
        if (poolName == null) {
            poolName = pool.config().name();
        }
        if (session == null) {
            // The pool's first borrow, before any reset: the session still has the role its login gave it. If the
            // connection cannot answer, the pool evicts it (TwPoolDataSource does for every failed decoration).
            session = PoolSession.of(pool, urlDatabase, loginRoleSql(physical));
        }
        SessionTracker tracker = trackers.get(physical);
        if (tracker == null) {
            tracker = track(physical);
            trackers.put(physical, tracker);
        }
        if (startLogged.compareAndSet(false, true)) {
            logStart(pool, physical, tracker);
        }
        tracker.borrowed();
        return new SessionResetConnection(pooled, this, pool, tracker);
    }

    @Override
    public long resetsDone() {
        return resetsDone.sum();
    }

    @Override
    public long resetsSkipped() {
        return resetsSkipped.sum();
    }

    /**
     * Asks the server to report this connection's session changes (once per connection, and again after every
     * reset, which puts the server's defaults back). Without Connector/J's {@code trackSessionState=true}, or on a
     * server without the trackers (MySQL before 5.7, MariaDB before 10.2), the tracker stays off and every return
     * of the connection is reset.
     */
    private SessionTracker track(JdbcConnection physical) throws SQLException {
        SessionTracker tracker = new SessionTracker();
        if (!physical.getPropertySet().getBooleanProperty(PropertyKey.trackSessionState).getValue()) {
            untracked("Connector/J's trackSessionState is false");
            return tracker;
        }
        if (!ChannelSocketFactory.opened(physical)) {
            untracked("Connector/J's socketFactory is not " + ChannelSocketFactory.class.getName()
                    + ", so a connection the server closed could not be told from a live one without a round trip");
            return tracker;
        }
        physical.getSession().getServerSession().getServerSessionStateController().addSessionStateChangesListener(tracker);
        tracker.arm();
        try {
            execute(physical, "SET SESSION " + TRACKING);
        } catch (SQLException e) {
            if (e.getErrorCode() != UNKNOWN_SYSTEM_VARIABLE) {
                throw e;
            }
            untracked("the server has no session_track_state_change or session_track_transaction_info");
            return tracker;
        }
        if (!tracker.confirm()) {
            untracked("the server reports no session state to Connector/J");
        }
        return tracker;
    }

    private void untracked(String why) {
        if (untrackedLogged.compareAndSet(false, true)) {
            LOG.warn("twpool '{}': reset-session cannot tell a clean session from a changed one ({}), so every return "
                    + "is reset", poolName, why);
        }
    }

    /** The start line of reset-session: what a clean and a dirty return cost with this pool's settings. */
    private void logStart(PoolContext pool, JdbcConnection physical, SessionTracker tracker) {
        int dirty = dirtyCommands(physical, session, tracker.tracks());
        if (tracker.tracks()) {
            LOG.info("twpool '{}': reset-session resets only changed sessions (server session tracking): a clean return"
                    + " sends no command, a changed one {} (COM_RESET_CONNECTION, {} of Connector/J's, {}), one more to"
                    + " roll back an open transaction and one to go back to the pool's database after a USE",
                    pool.config().name(), dirty, driverCommandsAfterReset(physical), ownCommands(session));
        } else {
            LOG.info("twpool '{}': reset-session resets every return: {} commands (COM_RESET_CONNECTION, {} of "
                    + "Connector/J's, then the pool's settings and its database), one more to roll back an open "
                    + "transaction", pool.config().name(), dirty, driverCommandsAfterReset(physical));
        }
    }

    /**
     * Commands a changed return sends with no transaction open: with tracking, the database unchanged; without,
     * the USE that then always goes.
     */
    private static int dirtyCommands(JdbcConnection physical, PoolSession session, boolean tracks) {
        boolean ownSet = tracks || session.isolation() >= 0 || session.readOnly();
        return 1 + driverCommandsAfterReset(physical) + (ownSet ? 1 : 0) + (session.loginRoleSql().isEmpty() ? 0 : 1)
                + (session.initSql() == null || session.initSql().isBlank() ? 0 : 1)
                + (session.autoCommit() ? 0 : 1) + (tracks || session.database() == null ? 0 : 1);
    }

    /**
     * What Connector/J sends after COM_RESET_CONNECTION (measured with 8.x and 9.x): the character set (SET NAMES,
     * SET character_set_results), its sessionVariables, autocommit=1 unless useLocalSessionState, and the time zone
     * under forceConnectionTimeZoneToSession.
     */
    private static int driverCommandsAfterReset(JdbcConnection physical) {
        var props = physical.getPropertySet();
        String vars = props.getStringProperty(PropertyKey.sessionVariables).getValue();
        return 2 + (vars == null || vars.isBlank() ? 0 : 1)
                + (props.getBooleanProperty(PropertyKey.useLocalSessionState).getValue() ? 0 : 1)
                + (props.getBooleanProperty(PropertyKey.forceConnectionTimeZoneToSession).getValue() ? 1 : 0);
    }

    private static String ownCommands(PoolSession session) {
        return "one SET for session tracking and the pool's isolation and read-only"
                + (session.loginRoleSql().isEmpty() ? "" : ", SET ROLE")
                + (session.autoCommit() ? "" : ", autocommit=0")
                + (session.initSql() == null || session.initSql().isBlank() ? "" : ", the init SQL");
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
    void reset(Connection pooled, LeftOpen leftOpen, SessionTracker tracker, boolean untrackedStatements)
            throws SQLException {
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
        if (!untrackedStatements && tracker.unchanged() && !inTransaction(physical)
                && pooled.getAutoCommit() == session.autoCommit()) {
            // The server vouches that nothing changed, and the borrower ran nothing it cannot vouch for. A
            // connection the server closed meanwhile (killed, shut down) would have failed the reset's round trip
            // and been evicted; without the round trip, the socket is asked.
            if (!ChannelSocketFactory.serverQuiet(physical)) {
                throw new SQLException("the server closed the connection or sent what no one asked for", "08006");
            }
            physical.setNetworkTimeout(Runnable::run, borrowersTimeout);
            resetsSkipped.increment();
            return;
        }
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
        restore(physical, session, tracker);
        physical.setNetworkTimeout(Runnable::run, borrowersTimeout);
        resetsDone.increment();
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

    private void restore(JdbcConnection physical, PoolSession session, SessionTracker tracker) throws SQLException {
        boolean readOnly = session.readOnly();
        String database = session.database();
        // One SET for what COM_RESET_CONNECTION put back to the server's defaults: session tracking and the pool's
        // isolation and read-only (Connector/J's own rule in setReadOnly(): elsewhere read-only is a flag kept in the
        // driver only). MariaDB, and MySQL before 5.7.20, name them tx_*.
        boolean readOnlyToServer = readOnly
                && physical.getPropertySet().getBooleanProperty(PropertyKey.readOnlyPropagatesToServer).getValue()
                && physical.getSession().versionMeetsMinimum(5, 6, 5);
        String tx = session.isolation() >= 0 || readOnlyToServer ? transactionVariablePrefix(physical) : null;
        StringBuilder set = new StringBuilder("SET SESSION ");
        set.append(tracker.tracks() ? TRACKING : "");
        if (session.isolation() >= 0) {
            set.append(set.length() > 12 ? ", " : "").append(tx).append("isolation='")
                    .append(session.isolationSql().replace(' ', '-')).append('\'');
        }
        if (readOnlyToServer) {
            set.append(set.length() > 12 ? ", " : "").append(tx).append("read_only=1");
        }
        List<String> server = new ArrayList<>(3);
        if (set.length() > 12) {
            server.add(set.toString());
        }
        String roleSql = session.loginRoleSql();
        if (!roleSql.isEmpty()) {
            server.add(roleSql);
        }
        // COM_RESET_CONNECTION keeps the current database: a borrower's USE would reach the next borrower. Sent when
        // the server reported a change of database, or cannot report one.
        if (database != null && tracker.schemaMayHaveChanged()) {
            server.add("USE " + quoteIdentifier(database));
        }
        if (tracker.tracks()) {
            tracker.arm();
        }
        if (!server.isEmpty()) {
            try (Statement s = physical.createStatement()) {
                for (String sql : server) {
                    s.execute(sql);
                }
            }
        }
        if (tracker.tracks() && !tracker.confirm()) {
            untracked("the server stopped reporting session state");
        }
        tracker.wasReset();
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
        if (database != null && tracker.schemaMayHaveChanged()) {
            physical.setCatalog(database);
        }
        if (session.schema() != null) {
            physical.setSchema(session.schema());
        }
        if (session.initSql() != null && !session.initSql().isBlank()) {
            execute(physical, session.initSql());
        }
    }

    /** MariaDB, and MySQL before 5.7.20, name the session's transaction variables tx_*; MySQL 8 transaction_*. */
    private static String transactionVariablePrefix(JdbcConnection physical) {
        return String.valueOf(physical.getServerVersion()).contains("MariaDB")
                || !physical.getSession().versionMeetsMinimum(5, 7, 20) ? "tx_" : "transaction_";
    }

    /** Switches the trackers on: reported in OK packets, with Connector/J's trackSessionState=true. */
    private static final String TRACKING = "session_track_state_change=ON, session_track_transaction_info='STATE'";
    /** ER_UNKNOWN_SYSTEM_VARIABLE: a server without the trackers. */
    private static final int UNKNOWN_SYSTEM_VARIABLE = 1193;

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
