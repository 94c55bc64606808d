package io.github.twpool.internal;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * The DataSource Hikari opens physical connections through. It counts every connection the pool opens (Hikari's
 * metrics tracker misses the first one) and every failed attempt, on Hikari's own connection-adder thread, so
 * counting costs nothing on a borrower's path. The connections it returns are the driver's, unwrapped.
 */
public final class CountingDataSource implements DataSource {

    private final DataSource driver;
    private final LongAdder opened = new LongAdder();
    private final LongAdder failed = new LongAdder();

    public CountingDataSource(DataSource driver) {
        this.driver = driver;
    }

    /** Physical connections opened since the pool started. */
    public long opened() {
        return opened.sum();
    }

    /** Attempts to open a connection that failed. */
    public long failed() {
        return failed.sum();
    }

    @Override
    public Connection getConnection() throws SQLException {
        io.github.twpool.internal.connect.JvmConnects.poolOpening(); // tells the driver-level count these are the pool's
        try {
            Connection c = driver.getConnection();
            opened.increment();
            return c;
        } catch (SQLException | RuntimeException e) {
            failed.increment();
            throw e;
        } finally {
            io.github.twpool.internal.connect.JvmConnects.poolOpenDone();
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        try {
            Connection c = driver.getConnection(username, password);
            opened.increment();
            return c;
        } catch (SQLException | RuntimeException e) {
            failed.increment();
            throw e;
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return driver.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        driver.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        driver.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return driver.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return driver.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return driver.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || driver.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "CountingDataSource[opened=" + opened() + ", failed=" + failed() + "]";
    }
}
