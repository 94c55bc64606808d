package io.github.twpool.mysql.internal;

import io.github.twpool.delegation.Delegating;

import java.sql.CallableStatement;

/** {@link SessionStatement} for a stored-procedure call; its delegation is generated at build time. */
@Delegating(wrap = "wrap", observer = "ran", observed = {"execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "addBatch"})
abstract class SessionCallableStatement extends SessionPreparedStatement implements CallableStatement {

    SessionCallableStatement(CallableStatement delegate, SessionConnection connection) {
        super(delegate, connection);
    }
}
