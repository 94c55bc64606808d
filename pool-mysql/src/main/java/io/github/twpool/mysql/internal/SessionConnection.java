package io.github.twpool.mysql.internal;

import io.github.twpool.delegation.Delegating;
import io.github.twpool.spi.PoolContext;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * What a borrower gets with {@code reset-session=true}: Hikari's connection, whose {@link #close()} first resets the
 * server session ({@link SessionReset}). A connection whose reset fails is evicted, never handed to the next borrower
 * dirty, and the borrower's {@code close()} does not throw for it.
 *
 * <p>Every way back to the connection leads here, as with HikariCP's own proxies: statements, result sets and
 * metadata are wrapped ({@link SessionStatement} and its siblings), so that {@code stmt.getConnection().close()}
 * resets too. Once closed, this wrapper stays closed: every call but {@code close()}, {@code isClosed()},
 * {@code isValid()} and {@code abort()} throws, and nothing reaches the physical connection, which may belong to
 * another borrower by then. Only that behaviour is written here; the delegation of the other methods (each after
 * {@link #checkOpen()}) is generated at build time into {@code SessionResetConnection}.
 */
@Delegating(name = "SessionResetConnection", check = "checkOpen")
abstract class SessionConnection implements Connection {

    final Connection delegate;
    private final SessionReset reset;
    private final PoolContext pool;
    private final SessionTracker tracker;
    private final List<Statement> statements = new ArrayList<>(4);
    private boolean closed;
    /** The borrower ran SQL the server's session tracking cannot vouch for, or reached the driver's own objects. */
    private boolean untracked;

    SessionConnection(Connection delegate, SessionReset reset, PoolContext pool, SessionTracker tracker) {
        this.delegate = delegate;
        this.reset = reset;
        this.pool = pool;
        this.tracker = tracker;
    }

    /** Notes SQL the borrower runs or prepares: the return resets the session unless the tracker covers it. */
    final void ran(String sql) {
        if (!untracked && !TrackerCoverage.covers(sql)) {
            untracked = true;
        }
    }

    /**
     * The borrower holds the driver's own connection, statement or result set: whatever it runs there passes no
     * wrapper, so the return resets the session.
     */
    final void reachedDriver() {
        untracked = true;
    }

    @Override
    public final void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (delegate.isClosed()) {
            return; // Hikari took it back already (aborted, evicted): nothing of it is ours any more
        }
        try {
            reset.reset(delegate, this::closeStatements, tracker, untracked);
        } catch (SQLException | RuntimeException e) {
            reset.failed(pool, delegate, e);
        }
        delegate.close();
    }

    @Override
    public final boolean isClosed() throws SQLException {
        return closed || delegate.isClosed();
    }

    @Override
    public final boolean isValid(int timeout) throws SQLException {
        return !closed && delegate.isValid(timeout);
    }

    /** Aborts the physical connection and gives its place in the pool back: it is evicted, never reused. */
    @Override
    public final void abort(Executor executor) throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        pool.evict(delegate);
        try {
            delegate.abort(executor);
        } finally {
            delegate.close();
        }
    }

    final void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("connection is closed", "08003");
        }
    }

    private <S extends Statement> S track(S statement) {
        statements.add(statement);
        return statement;
    }

    final void forget(Statement statement) {
        statements.remove(statement);
    }

    /** Closes what the borrower left open, before the reset: an unread streaming result would make it fail. */
    private void closeStatements() throws SQLException {
        SQLException failure = null;
        for (Statement s : statements.toArray(new Statement[0])) {
            try {
                s.close();
            } catch (SQLException e) {
                failure = failure == null ? e : failure;
            }
        }
        statements.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /** A result set whose {@code getStatement()} leads back here: to {@code statement}, or to a wrapper of its own. */
    final ResultSet wrap(ResultSet resultSet, Statement statement) throws SQLException {
        if (resultSet == null) {
            return null;
        }
        Statement owner = statement;
        if (owner == null) {
            Statement raw = resultSet.getStatement();
            owner = raw == null ? null : new GeneratedSessionStatement(raw, this);
        }
        return new GeneratedSessionResultSet(resultSet, owner, this);
    }

    @Override
    public final void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException("connection is closed", "08003", 0, Map.of());
        }
        delegate.setClientInfo(name, value);
    }

    @Override
    public final void setClientInfo(Properties properties) throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException("connection is closed", "08003", 0, Map.of());
        }
        delegate.setClientInfo(properties);
    }

    @Override
    public final <T> T unwrap(Class<T> iface) throws SQLException {
        checkOpen();
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        reachedDriver();
        return delegate.unwrap(iface);
    }

    @Override
    public final boolean isWrapperFor(Class<?> iface) throws SQLException {
        checkOpen();
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + (closed ? ", closed" : "") + "]";
    }

    @Override
    public final DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        return new GeneratedSessionDatabaseMetaData(delegate.getMetaData(), this);
    }

    @Override
    public final Statement createStatement() throws SQLException {
        checkOpen();
        return track(new GeneratedSessionStatement(delegate.createStatement(), this));
    }

    @Override
    public final Statement createStatement(int type, int concurrency) throws SQLException {
        checkOpen();
        return track(new GeneratedSessionStatement(delegate.createStatement(type, concurrency), this));
    }

    @Override
    public final Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        return track(new GeneratedSessionStatement(delegate.createStatement(type, concurrency, holdability), this));
    }

    @Override
    public final PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen();
        ran(sql);
        return track(new GeneratedSessionPreparedStatement(delegate.prepareStatement(sql), this));
    }

    @Override
    public final PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        checkOpen();
        ran(sql);
        return track(new GeneratedSessionPreparedStatement(delegate.prepareStatement(sql, type, concurrency), this));
    }

    @Override
    public final PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        ran(sql);
        return track(new GeneratedSessionPreparedStatement(delegate.prepareStatement(sql, type, concurrency, holdability), this));
    }

    @Override
    public final PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen();
        ran(sql);
        return track(new GeneratedSessionPreparedStatement(delegate.prepareStatement(sql, autoGeneratedKeys), this));
    }

    @Override
    public final PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        checkOpen();
        ran(sql);
        return track(new GeneratedSessionPreparedStatement(delegate.prepareStatement(sql, columnIndexes), this));
    }

    @Override
    public final PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        ran(sql);
        return track(new GeneratedSessionPreparedStatement(delegate.prepareStatement(sql, columnNames), this));
    }

    @Override
    public final CallableStatement prepareCall(String sql) throws SQLException {
        checkOpen();
        reachedDriver(); // a stored procedure may do what the trackers do not report
        return track(new GeneratedSessionCallableStatement(delegate.prepareCall(sql), this));
    }

    @Override
    public final CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
        checkOpen();
        reachedDriver(); // a stored procedure may do what the trackers do not report
        return track(new GeneratedSessionCallableStatement(delegate.prepareCall(sql, type, concurrency), this));
    }

    @Override
    public final CallableStatement prepareCall(String sql, int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        reachedDriver(); // a stored procedure may do what the trackers do not report
        return track(new GeneratedSessionCallableStatement(delegate.prepareCall(sql, type, concurrency, holdability), this));
    }
}
