package io.github.twpool.mysql.internal;

import io.github.twpool.delegation.Delegating;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A result set under reset-session whose {@code getStatement()} leads back to the borrower's statement wrapper (and
 * from there to its {@link SessionConnection}). Everything else is delegation, generated at build time.
 */
@Delegating
abstract class SessionResultSet implements ResultSet {

    final ResultSet delegate;
    private final Statement statement;
    private final SessionConnection connection;

    SessionResultSet(ResultSet delegate, Statement statement, SessionConnection connection) {
        this.delegate = delegate;
        this.statement = statement;
        this.connection = connection;
    }

    @Override
    public final Statement getStatement() {
        return statement;
    }

    @Override
    public final <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        connection.reachedDriver(); // the driver's result set leads to the driver's statement
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
