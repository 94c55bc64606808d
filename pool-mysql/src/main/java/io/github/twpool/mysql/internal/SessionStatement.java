package io.github.twpool.mysql.internal;

import io.github.twpool.delegation.Delegating;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A borrower's statement under reset-session: its way back to the connection ({@code getConnection()}, and the
 * result sets it returns) leads to the borrower's {@link SessionConnection}, and closing it takes it off the list of
 * what the reset closes. Everything else is delegation, generated at build time ({@code GeneratedSessionStatement}).
 */
@Delegating(wrap = "wrap", observer = "ran", observed = {"execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "addBatch"})
abstract class SessionStatement implements Statement {

    final Statement delegate;
    final SessionConnection connection;

    SessionStatement(Statement delegate, SessionConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    /** The SQL a borrower runs here, for the reset to tell whether the server can vouch for the session after it. */
    final void ran(String sql) {
        connection.ran(sql);
    }

    /** A result set of this statement, whose {@code getStatement()} returns this wrapper. */
    final ResultSet wrap(ResultSet resultSet) throws SQLException {
        return connection.wrap(resultSet, this);
    }

    @Override
    public final Connection getConnection() {
        return connection;
    }

    @Override
    public final void close() throws SQLException {
        connection.forget(this);
        delegate.close();
    }

    @Override
    public final <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        connection.reachedDriver();
        return delegate.unwrap(iface);
    }

    @Override
    public final boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
