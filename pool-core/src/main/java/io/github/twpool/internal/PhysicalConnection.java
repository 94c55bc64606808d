package io.github.twpool.internal;

import io.github.twpool.CloseReason;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A physical connection the pool opened through {@link CountingDataSource}: the driver's connection, with its end
 * counted once (Hikari closes it, or aborts it at shutdown) with the reason it ended, and its last successful
 * {@link #isValid} noted. Hikari's proxy sits in front of it, so borrowers never see this class; every other call
 * goes straight to the driver.
 *
 * <p>HikariCP does not tell why it closes a connection; this class notes what it sees of one (its age, when it was
 * last returned, a failed validation and how fast it failed, an eviction asked through twpool, whether the driver
 * already considered itself closed) and {@link CloseReasons} names the reason from that when it ends.
 */
final class PhysicalConnection implements Connection {

    private final Connection driver;
    private final CountingDataSource owner;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Written by whichever thread validated last; a stale read only costs one more validation. */
    private boolean validated;
    private long validatedAtNanos;
    private final long openedAtNanos = System.nanoTime();
    /** HikariCP's maxLifetime when this connection was opened: the one its end of life was scheduled with. */
    private final long lifetimeMillis;
    /** When HikariCP last returned it to the pool (its proxy's close clears the warnings), or opened it. */
    private volatile long returnedAtNanos = openedAtNanos;
    private volatile boolean evicted;
    /** A validation that failed: 0 none, 1 fast (the connection was found closed), 2 slow (no answer in time). */
    private volatile int failedValidation;

    PhysicalConnection(Connection driver, CountingDataSource owner) {
        this.driver = driver;
        this.owner = owner;
        this.lifetimeMillis = owner.maxLifetimeMillis();
    }

    /** Marks it evicted by twpool, the application or an extension, before the pool is asked to evict it. */
    void markEvicted() {
        evicted = true;
    }

    /** True when this connection passed {@link #isValid} at or after {@code nanos} ({@link System#nanoTime()}). */
    boolean validatedSince(long nanos) {
        return validated && validatedAtNanos - nanos >= 0;
    }

    private void ended(CloseReason reason) {
        if (ended.compareAndSet(false, true)) {
            owner.closed(this, reason);
        }
    }

    /** Why it is ending, from what was seen of it; read before the driver closes it. */
    private CloseReason reason() {
        boolean driverClosed;
        try {
            driverClosed = driver.isClosed();
        } catch (SQLException | RuntimeException e) {
            driverClosed = true;
        }
        long now = System.nanoTime();
        return CloseReasons.of(owner.isPoolClosing(), evicted, failedValidation, driverClosed,
                (now - openedAtNanos) / 1_000_000, lifetimeMillis, (now - returnedAtNanos) / 1_000_000, owner.idleTimeoutMillis());
    }

    @Override
    public void close() throws SQLException {
        CloseReason reason = ended.get() ? null : reason();
        try {
            driver.close();
        } finally {
            ended(reason);
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        CloseReason reason = ended.get() ? null : reason();
        try {
            driver.abort(executor);
        } finally {
            ended(reason);
        }
    }

    @Override
    public boolean isValid(int timeoutSeconds) throws SQLException {
        long start = System.nanoTime();
        boolean valid = false;
        try {
            valid = driver.isValid(timeoutSeconds);
        } finally {
            if (valid) {
                validatedAtNanos = System.nanoTime();
                validated = true;
            } else {
                failedValidation = CloseReasons.failedFast(System.nanoTime() - start, timeoutSeconds) ? 1 : 2;
            }
        }
        return valid;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : driver.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || driver.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return driver.toString();
    }

    @Override
    public void beginRequest() throws SQLException {
        driver.beginRequest();
    }

    @Override
    public void clearWarnings() throws SQLException {
        returnedAtNanos = System.nanoTime(); // HikariCP clears them as the borrower's proxy closes: a return
        driver.clearWarnings();
    }

    @Override
    public void commit() throws SQLException {
        driver.commit();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return driver.createArrayOf(typeName, elements);
    }

    @Override
    public Blob createBlob() throws SQLException {
        return driver.createBlob();
    }

    @Override
    public Clob createClob() throws SQLException {
        return driver.createClob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return driver.createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return driver.createSQLXML();
    }

    @Override
    public Statement createStatement() throws SQLException {
        return driver.createStatement();
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return driver.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return driver.createStatement(resultSetType, resultSetConcurrency);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return driver.createStruct(typeName, attributes);
    }

    @Override
    public void endRequest() throws SQLException {
        driver.endRequest();
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return driver.getAutoCommit();
    }

    @Override
    public String getCatalog() throws SQLException {
        return driver.getCatalog();
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return driver.getClientInfo();
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return driver.getClientInfo(name);
    }

    @Override
    public int getHoldability() throws SQLException {
        return driver.getHoldability();
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return driver.getMetaData();
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return driver.getNetworkTimeout();
    }

    @Override
    public String getSchema() throws SQLException {
        return driver.getSchema();
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return driver.getTransactionIsolation();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return driver.getTypeMap();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return driver.getWarnings();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return driver.isClosed();
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return driver.isReadOnly();
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return driver.nativeSQL(sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return driver.prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return driver.prepareCall(sql, resultSetType, resultSetConcurrency);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return driver.prepareCall(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return driver.prepareStatement(sql, columnIndexes);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return driver.prepareStatement(sql, columnNames);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
        return driver.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return driver.prepareStatement(sql, resultSetType, resultSetConcurrency);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return driver.prepareStatement(sql, autoGeneratedKeys);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return driver.prepareStatement(sql);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        driver.releaseSavepoint(savepoint);
    }

    @Override
    public void rollback() throws SQLException {
        driver.rollback();
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        driver.rollback(savepoint);
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        driver.setAutoCommit(autoCommit);
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        driver.setCatalog(catalog);
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        driver.setClientInfo(name, value);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        driver.setClientInfo(properties);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        driver.setHoldability(holdability);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        driver.setNetworkTimeout(executor, milliseconds);
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        driver.setReadOnly(readOnly);
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return driver.setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return driver.setSavepoint(name);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        driver.setSchema(schema);
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey, ShardingKey superShardingKey) throws SQLException {
        driver.setShardingKey(shardingKey, superShardingKey);
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey) throws SQLException {
        driver.setShardingKey(shardingKey);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, int timeout) throws SQLException {
        return driver.setShardingKeyIfValid(shardingKey, timeout);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, ShardingKey superShardingKey, int timeout) throws SQLException {
        return driver.setShardingKeyIfValid(shardingKey, superShardingKey, timeout);
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        driver.setTransactionIsolation(level);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        driver.setTypeMap(map);
    }

}
