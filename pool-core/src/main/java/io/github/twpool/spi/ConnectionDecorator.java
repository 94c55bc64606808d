package io.github.twpool.spi;

import java.sql.Connection;
import java.sql.SQLException;

/** Wraps a connection borrowed from Hikari, e.g. to reset the server session when it is returned. */
@FunctionalInterface
public interface ConnectionDecorator {
    Connection decorate(Connection pooled) throws SQLException;
}
