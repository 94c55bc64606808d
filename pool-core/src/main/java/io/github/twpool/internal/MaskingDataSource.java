package io.github.twpool.internal;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.logging.Logger;

/**
 * The driver's DataSource, with every error of opening a connection masked before HikariCP logs or rethrows it:
 * drivers and servers echo the URL, the database name or a property, and these can carry a password. Only
 * physical connects pass here, never a borrow.
 */
final class MaskingDataSource implements DataSource {

    private final DataSource driver;
    private final List<String> secrets;

    MaskingDataSource(DataSource driver, List<String> secrets) {
        this.driver = driver;
        this.secrets = List.copyOf(secrets);
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return driver.getConnection();
        } catch (SQLException e) {
            throw Redaction.redact(e, secrets);
        } catch (RuntimeException e) {
            throw masked(e);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        try {
            return driver.getConnection(username, password);
        } catch (SQLException e) {
            throw Redaction.redact(e, secrets);
        } catch (RuntimeException e) {
            throw masked(e);
        }
    }

    private RuntimeException masked(RuntimeException e) {
        Throwable r = Redaction.redact(e, secrets);
        return r instanceof RuntimeException re ? re : new IllegalStateException(r);
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
        return driver.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return driver.isWrapperFor(iface);
    }
}
