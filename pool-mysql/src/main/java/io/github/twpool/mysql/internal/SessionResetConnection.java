package io.github.twpool.mysql.internal;

import io.github.twpool.spi.PoolContext;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
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
 * metadata are wrapped ({@link SessionStatement} and its siblings, generated), so that
 * {@code stmt.getConnection().close()} resets too. Once closed, this wrapper stays closed: every call but
 * {@code close()}, {@code isClosed()}, {@code isValid()} and {@code abort()} throws, and nothing reaches the physical
 * connection, which may belong to another borrower by then. Hand-written delegation, no reflection proxy.
 */
public final class SessionResetConnection implements Connection {

    private final Connection delegate;
    private final SessionReset reset;
    private final PoolContext pool;
    private final List<Statement> statements = new ArrayList<>(4);
    private boolean closed;

    SessionResetConnection(Connection delegate, SessionReset reset, PoolContext pool) {
        this.delegate = delegate;
        this.reset = reset;
        this.pool = pool;
    }

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        if (delegate.isClosed()) {
            return; // Hikari took it back already (aborted, evicted): nothing of it is ours any more
        }
        try {
            reset.reset(delegate, this::closeStatements);
        } catch (SQLException | RuntimeException e) {
            reset.failed(pool, delegate, e);
        }
        delegate.close();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return closed || delegate.isClosed();
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        return !closed && delegate.isValid(timeout);
    }

    /** Aborts the physical connection and gives its place in the pool back: it is evicted, never reused. */
    @Override
    public void abort(Executor executor) throws SQLException {
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

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLException("connection is closed", "08003");
        }
    }

    private <S extends Statement> S track(S statement) {
        statements.add(statement);
        return statement;
    }

    void forget(Statement statement) {
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
    ResultSet wrap(ResultSet resultSet, Statement statement) throws SQLException {
        if (resultSet == null) {
            return null;
        }
        Statement owner = statement;
        if (owner == null) {
            Statement raw = resultSet.getStatement();
            owner = raw == null ? null : new SessionStatement(raw, this);
        }
        return new SessionResultSet(resultSet, owner, this);
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException("connection is closed", "08003", 0, Map.of());
        }
        delegate.setClientInfo(name, value);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException("connection is closed", "08003", 0, Map.of());
        }
        delegate.setClientInfo(properties);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        checkOpen();
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        checkOpen();
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "SessionResetConnection[" + delegate + (closed ? ", closed" : "") + "]";
    }

    @Override
    public Statement createStatement() throws SQLException {
        checkOpen();
        return track(new SessionStatement(delegate.createStatement(), this));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen();
        return track(new SessionPreparedStatement(delegate.prepareStatement(sql), this));
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        checkOpen();
        return track(new SessionCallableStatement(delegate.prepareCall(sql), this));
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        checkOpen();
        return delegate.nativeSQL(sql);
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        checkOpen();
        delegate.setAutoCommit(autoCommit);
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return delegate.getAutoCommit();
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        delegate.commit();
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        delegate.rollback();
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        return new SessionDatabaseMetaData(delegate.getMetaData(), this);
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        delegate.setReadOnly(readOnly);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return delegate.isReadOnly();
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        delegate.setCatalog(catalog);
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return delegate.getCatalog();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        delegate.setTransactionIsolation(level);
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return delegate.getTransactionIsolation();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return delegate.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        delegate.clearWarnings();
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return track(new SessionStatement(delegate.createStatement(resultSetType, resultSetConcurrency), this));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return track(new SessionPreparedStatement(delegate.prepareStatement(sql, resultSetType, resultSetConcurrency), this));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return track(new SessionCallableStatement(delegate.prepareCall(sql, resultSetType, resultSetConcurrency), this));
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        checkOpen();
        return delegate.getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        delegate.setTypeMap(map);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        delegate.setHoldability(holdability);
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return delegate.getHoldability();
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        checkOpen();
        return delegate.setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        checkOpen();
        return delegate.setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        checkOpen();
        delegate.rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkOpen();
        delegate.releaseSavepoint(savepoint);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        checkOpen();
        return track(new SessionStatement(delegate.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability), this));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        checkOpen();
        return track(new SessionPreparedStatement(delegate.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability), this));
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        checkOpen();
        return track(new SessionCallableStatement(delegate.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability), this));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen();
        return track(new SessionPreparedStatement(delegate.prepareStatement(sql, autoGeneratedKeys), this));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        checkOpen();
        return track(new SessionPreparedStatement(delegate.prepareStatement(sql, columnIndexes), this));
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        return track(new SessionPreparedStatement(delegate.prepareStatement(sql, columnNames), this));
    }

    @Override
    public Clob createClob() throws SQLException {
        checkOpen();
        return delegate.createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        checkOpen();
        return delegate.createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        checkOpen();
        return delegate.createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        checkOpen();
        return delegate.createSQLXML();
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return delegate.getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        return delegate.getClientInfo();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        checkOpen();
        return delegate.createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        checkOpen();
        return delegate.createStruct(typeName, attributes);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        delegate.setSchema(schema);
    }

    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        return delegate.getSchema();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        delegate.setNetworkTimeout(executor, milliseconds);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return delegate.getNetworkTimeout();
    }
}
