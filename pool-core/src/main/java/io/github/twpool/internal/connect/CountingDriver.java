package io.github.twpool.internal.connect;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Stands in {@link java.sql.DriverManager}'s list for one real driver and counts the connections it opens. Only
 * {@link #connect} does anything of its own, and the connection it returns is the real driver's, unwrapped: a
 * connection's life after it is opened never passes through twpool.
 *
 * <p>It replaces the real driver in the list instead of sitting before it: {@code DriverManager.getConnection} tries
 * every driver in turn after a failure, so with both registered a failing connect would be attempted twice.
 */
final class CountingDriver implements Driver {

    private final Driver real;

    CountingDriver(Driver real) {
        this.real = real;
    }

    Driver real() {
        return real;
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        Connection c = real.connect(url, info);
        if (c != null) {
            JvmConnects.connected(url);
        }
        return c;
    }

    @Override
    public boolean acceptsURL(String url) throws SQLException {
        return real.acceptsURL(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return real.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
        return real.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return real.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return real.jdbcCompliant();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return real.getParentLogger();
    }

    @Override
    public String toString() {
        return "twpool connect counter for " + real;
    }
}
