package io.github.twpool.postgresql.internal;

import com.zaxxer.hikari.HikariDataSource;
import io.github.twpool.spi.ConnectionDecorator;
import io.github.twpool.spi.PoolContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * reset-session's wrapper: the borrower gets HikariCP's connection behind a proxy whose {@code close()} runs
 * {@link PgSessionReset} first, and evicts the connection instead when the reset fails; the borrower's
 * {@code close()} does not throw for it.
 *
 * <p>Every way back to the connection leads to the proxy, as with HikariCP's own proxies: statements, result sets
 * and metadata are wrapped so that {@code getConnection()} and {@code getStatement()} return the wrappers, and
 * {@code stmt.getConnection().close()} resets too. Once closed, the proxy stays closed: every call but
 * {@code close()}, {@code isClosed()}, {@code isValid()} and {@code abort()} throws, on it and on what it handed
 * out, and nothing reaches the physical connection, which may belong to another borrower by then.
 *
 * <p>The delegation is done by {@link Proxy} here. The reset steps are apart from it ({@link PgSessionReset} takes
 * only the connection), so that a proxy layer shared with other extensions, with delegation generated at build
 * time, can take this class's place without touching them.
 */
public final class ResetOnClose implements ConnectionDecorator {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.postgresql");

    private final PgSessionReset reset;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    public ResetOnClose(PgSessionReset reset) {
        this.reset = reset;
    }

    @Override
    public Connection decorate(Connection pooled, PoolContext pool) throws SQLException {
        reset.onBorrow(pooled);
        return new Borrowed(pooled, pool).proxy;
    }

    /** Evicts the connection a reset failed on; logs the first failure of this pool only. */
    private void failed(PoolContext pool, Connection pooled, Exception e) {
        pool.evict(pooled);
        if (pool.pool() instanceof HikariDataSource hikari && hikari.isClosed()) {
            return; // the pool's close() aborted the connection under its borrower: nothing to report
        }
        if (failureLogged.compareAndSet(false, true)) {
            LOG.warn("twpool '{}': resetting a session on return failed ({}); the connection was evicted, not reused. "
                    + "Further failures of this pool are not logged.", pool.config().name(), e.getMessage());
        }
    }

    private static SQLException closedException(Method method) {
        for (Class<?> t : method.getExceptionTypes()) {
            if (t == SQLException.class) {
                return new SQLException("connection is closed", "08003");
            }
        }
        // setClientInfo declares SQLClientInfoException only
        return new SQLClientInfoException("connection is closed", "08003", 0, Map.of());
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** One borrow: the connection proxy and the statements it handed out. */
    private final class Borrowed implements InvocationHandler {

        private final Connection delegate;
        private final PoolContext pool;
        private final Connection proxy;
        private final List<Statement> statements = new ArrayList<>(4);
        private boolean closed;

        Borrowed(Connection delegate, PoolContext pool) {
            this.delegate = delegate;
            this.pool = pool;
            this.proxy = (Connection) Proxy.newProxyInstance(ResetOnClose.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, this);
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close": close(); return null;
                case "isClosed": return closed || delegate.isClosed();
                case "isValid": return !closed && delegate.isValid((Integer) args[0]);
                case "abort": abort((java.util.concurrent.Executor) args[0]); return null;
                case "equals": return self == args[0];
                case "hashCode": return System.identityHashCode(self);
                case "toString": return "ResetOnClose[" + delegate + (closed ? ", closed" : "") + "]";
                default: break;
            }
            if (closed) {
                throw closedException(method);
            }
            if (method.getName().equals("unwrap") && ((Class<?>) args[0]).isInstance(self)) {
                return self;
            }
            if (method.getName().equals("isWrapperFor") && ((Class<?>) args[0]).isInstance(self)) {
                return true;
            }
            Object result = call(delegate, method, args);
            if (result instanceof Statement s && Statement.class.isAssignableFrom(method.getReturnType())) {
                Statement wrapped = wrapStatement(s);
                statements.add(wrapped);
                return wrapped;
            }
            if (result instanceof DatabaseMetaData m && method.getReturnType() == DatabaseMetaData.class) {
                return child(m, DatabaseMetaData.class, null);
            }
            return result;
        }

        private void close() throws SQLException {
            if (closed) {
                return;
            }
            closed = true;
            if (delegate.isClosed()) {
                return; // HikariCP took it back already (aborted, evicted): nothing of it is ours any more
            }
            try {
                closeStatements();
                reset.reset(delegate);
            } catch (SQLException | RuntimeException e) {
                failed(pool, delegate, e);
            }
            delegate.close();
        }

        /** Aborts the physical connection and gives its place in the pool back: it is evicted, never reused. */
        private void abort(java.util.concurrent.Executor executor) throws SQLException {
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

        /** What the borrower left open, closed before the reset: an open portal would keep its snapshot. */
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

        Statement wrapStatement(Statement s) {
            Class<?> type = s instanceof CallableStatement ? CallableStatement.class
                    : s instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
            return (Statement) child(s, type, null);
        }

        ResultSet wrapResultSet(ResultSet rs, Statement owner) {
            return (ResultSet) child(rs, ResultSet.class, owner);
        }

        private Object child(Object target, Class<?> type, Statement owner) {
            return Proxy.newProxyInstance(ResetOnClose.class.getClassLoader(), new Class<?>[] {type},
                    new Child(this, target, owner));
        }
    }

    /** A statement, result set or metadata handed out by a borrowed connection. */
    private static final class Child implements InvocationHandler {

        private final Borrowed connection;
        private final Object delegate;
        /** For a result set: the statement wrapper {@code getStatement()} returns; null until needed. */
        private Statement owner;

        Child(Borrowed connection, Object delegate, Statement owner) {
            this.connection = connection;
            this.delegate = delegate;
            this.owner = owner;
        }

        @Override
        public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            switch (name) {
                case "equals": return self == args[0];
                case "hashCode": return System.identityHashCode(self);
                case "toString": return "ResetOnClose[" + delegate + "]";
                case "getConnection":
                    if (method.getReturnType() == Connection.class) {
                        return connection.proxy;
                    }
                    break;
                case "close":
                    if (args == null) {
                        connection.statements.remove(self);
                        return call(delegate, method, args); // closing twice, or after the pool did, is fine
                    }
                    break;
                case "isClosed":
                    return connection.closed || (Boolean) call(delegate, method, args);
                default:
                    break;
            }
            if (connection.closed) {
                throw closedException(method);
            }
            if (name.equals("unwrap") && ((Class<?>) args[0]).isInstance(self)) {
                return self;
            }
            if (name.equals("isWrapperFor") && ((Class<?>) args[0]).isInstance(self)) {
                return true;
            }
            if (name.equals("getStatement") && delegate instanceof ResultSet rs) {
                if (owner == null) {
                    Statement raw = rs.getStatement();
                    owner = raw == null ? null : connection.wrapStatement(raw);
                }
                return owner;
            }
            Object result = call(delegate, method, args);
            if (result instanceof ResultSet rs && !(result instanceof Proxy)) {
                return connection.wrapResultSet(rs, delegate instanceof Statement ? (Statement) self : null);
            }
            return result;
        }
    }
}
