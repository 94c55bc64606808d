package io.github.twpool.mysql.internal;

import io.github.twpool.delegation.Delegating;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A borrower's metadata under reset-session: {@code getConnection()} and the result sets lead back to the borrower's
 * {@link SessionConnection}, and once that is closed every call throws, since the physical connection may
 * belong to another borrower by then. Everything else is delegation, generated at build time.
 */
@Delegating(check = "checkOpen", wrap = "wrap")
abstract class SessionDatabaseMetaData implements DatabaseMetaData {

    final DatabaseMetaData delegate;
    private final SessionConnection connection;

    SessionDatabaseMetaData(DatabaseMetaData delegate, SessionConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    final void checkOpen() throws SQLException {
        connection.checkOpen();
    }

    /** A metadata result set, with a statement wrapper of its own for {@code getStatement()}. */
    final ResultSet wrap(ResultSet resultSet) throws SQLException {
        return connection.wrap(resultSet, null);
    }

    @Override
    public final Connection getConnection() {
        return connection;
    }

    @Override
    public final <T> T unwrap(Class<T> iface) throws SQLException {
        checkOpen();
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        connection.reachedDriver();
        return delegate.unwrap(iface);
    }

    @Override
    public final boolean isWrapperFor(Class<?> iface) throws SQLException {
        checkOpen();
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate + "]";
    }
}
