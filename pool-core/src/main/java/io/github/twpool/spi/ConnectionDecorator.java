package io.github.twpool.spi;

import java.sql.Connection;
import java.sql.SQLException;

/** Wraps a connection borrowed from Hikari, e.g. to reset the server session when it is returned. */
@FunctionalInterface
public interface ConnectionDecorator {

    /**
     * Wraps a connection as it is handed to a borrower.
     *
     * @param pooled Hikari's connection, as a borrower would get it
     * @param pool   the pool it came from, e.g. to evict it when it cannot be made clean again
     * @return the connection the borrower gets: {@code pooled} itself or a wrapper whose {@code close()} returns it
     * @throws SQLException when the connection cannot be prepared; the borrower's {@code getConnection()} fails
     */
    Connection decorate(Connection pooled, PoolContext pool) throws SQLException;

    /**
     * Returns of a borrowed connection whose session this decorator reset (a counter: it never goes down).
     *
     * @return the number of returns that were reset; 0 for a decorator that does not reset sessions
     */
    default long resetsDone() {
        return 0;
    }

    /**
     * Returns of a borrowed connection that needed no reset: the session was unchanged (a counter).
     *
     * @return the number of returns whose reset was skipped; 0 for a decorator that never skips
     */
    default long resetsSkipped() {
        return 0;
    }
}
