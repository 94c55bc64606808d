package io.github.twpool.mysql.internal;

import io.github.twpool.delegation.Delegating;

import java.sql.PreparedStatement;

/** {@link SessionStatement} for a prepared statement; its delegation is generated at build time. */
@Delegating(wrap = "wrap", observer = "ran", observed = {"execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "addBatch"})
abstract class SessionPreparedStatement extends SessionStatement implements PreparedStatement {

    SessionPreparedStatement(PreparedStatement delegate, SessionConnection connection) {
        super(delegate, connection);
    }
}
