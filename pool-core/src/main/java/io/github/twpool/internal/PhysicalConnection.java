package io.github.twpool.internal;

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
 * counted once (Hikari closes it, or aborts it at shutdown) and its last successful {@link #isValid} noted. Hikari's
 * proxy sits in front of it, so borrowers never see this class; every other call goes straight to the driver.
 */
final class PhysicalConnection implements Connection {

    private final Connection driver;
    private final CountingDataSource owner;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Written by whichever thread validated last; a stale read only costs one more validation. */
    private boolean validated;
    private long validatedAtNanos;

    PhysicalConnection(Connection driver, CountingDataSource owner) {
        this.driver = driver;
        this.owner = owner;
    }

    /** True when this connection passed {@link #isValid} at or after {@code nanos} ({@link System#nanoTime()}). */
    boolean validatedSince(long nanos) {
        return validated && validatedAtNanos - nanos >= 0;
    }

    private void ended() {
        if (ended.compareAndSet(false, true)) {
            owner.closed(this);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            driver.close();
        } finally {
            ended();
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        try {
            driver.abort(executor);
        } finally {
            ended();
        }
    }

    @Override
    public boolean isValid(int timeoutSeconds) throws SQLException {
        boolean valid = driver.isValid(timeoutSeconds);
        if (valid) {
            validatedAtNanos = System.nanoTime();
            validated = true;
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
        driver.clearWarnings();
    }

    @Override
    public void commit() throws SQLException {
        driver.commit();
    }

    @Override
    public Array createArrayOf(String a0, Object[] a1) throws SQLException {
        return driver.createArrayOf(a0, a1);
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
    public Statement createStatement(int a0, int a1, int a2) throws SQLException {
        return driver.createStatement(a0, a1, a2);
    }

    @Override
    public Statement createStatement(int a0, int a1) throws SQLException {
        return driver.createStatement(a0, a1);
    }

    @Override
    public Struct createStruct(String a0, Object[] a1) throws SQLException {
        return driver.createStruct(a0, a1);
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
    public String getClientInfo(String a0) throws SQLException {
        return driver.getClientInfo(a0);
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
    public String nativeSQL(String a0) throws SQLException {
        return driver.nativeSQL(a0);
    }

    @Override
    public CallableStatement prepareCall(String a0, int a1, int a2, int a3) throws SQLException {
        return driver.prepareCall(a0, a1, a2, a3);
    }

    @Override
    public CallableStatement prepareCall(String a0, int a1, int a2) throws SQLException {
        return driver.prepareCall(a0, a1, a2);
    }

    @Override
    public CallableStatement prepareCall(String a0) throws SQLException {
        return driver.prepareCall(a0);
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int[] a1) throws SQLException {
        return driver.prepareStatement(a0, a1);
    }

    @Override
    public PreparedStatement prepareStatement(String a0, String[] a1) throws SQLException {
        return driver.prepareStatement(a0, a1);
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1, int a2, int a3) throws SQLException {
        return driver.prepareStatement(a0, a1, a2, a3);
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1, int a2) throws SQLException {
        return driver.prepareStatement(a0, a1, a2);
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1) throws SQLException {
        return driver.prepareStatement(a0, a1);
    }

    @Override
    public PreparedStatement prepareStatement(String a0) throws SQLException {
        return driver.prepareStatement(a0);
    }

    @Override
    public void releaseSavepoint(Savepoint a0) throws SQLException {
        driver.releaseSavepoint(a0);
    }

    @Override
    public void rollback() throws SQLException {
        driver.rollback();
    }

    @Override
    public void rollback(Savepoint a0) throws SQLException {
        driver.rollback(a0);
    }

    @Override
    public void setAutoCommit(boolean a0) throws SQLException {
        driver.setAutoCommit(a0);
    }

    @Override
    public void setCatalog(String a0) throws SQLException {
        driver.setCatalog(a0);
    }

    @Override
    public void setClientInfo(String a0, String a1) throws SQLClientInfoException {
        driver.setClientInfo(a0, a1);
    }

    @Override
    public void setClientInfo(Properties a0) throws SQLClientInfoException {
        driver.setClientInfo(a0);
    }

    @Override
    public void setHoldability(int a0) throws SQLException {
        driver.setHoldability(a0);
    }

    @Override
    public void setNetworkTimeout(Executor a0, int a1) throws SQLException {
        driver.setNetworkTimeout(a0, a1);
    }

    @Override
    public void setReadOnly(boolean a0) throws SQLException {
        driver.setReadOnly(a0);
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return driver.setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String a0) throws SQLException {
        return driver.setSavepoint(a0);
    }

    @Override
    public void setSchema(String a0) throws SQLException {
        driver.setSchema(a0);
    }

    @Override
    public void setShardingKey(ShardingKey a0, ShardingKey a1) throws SQLException {
        driver.setShardingKey(a0, a1);
    }

    @Override
    public void setShardingKey(ShardingKey a0) throws SQLException {
        driver.setShardingKey(a0);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey a0, int a1) throws SQLException {
        return driver.setShardingKeyIfValid(a0, a1);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey a0, ShardingKey a1, int a2) throws SQLException {
        return driver.setShardingKeyIfValid(a0, a1, a2);
    }

    @Override
    public void setTransactionIsolation(int a0) throws SQLException {
        driver.setTransactionIsolation(a0);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> a0) throws SQLException {
        driver.setTypeMap(a0);
    }

}
