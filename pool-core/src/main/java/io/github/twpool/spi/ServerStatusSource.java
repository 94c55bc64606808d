package io.github.twpool.spi;

import io.github.twpool.ServerStatus;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Reads server-wide counters on a pooled connection. Called on the probe thread, never on a caller's, at most once
 * per {@link #interval()}. A source that cannot read (missing privilege, not the server it expects) throws; the
 * probe then disables it with one INFO line.
 */
public interface ServerStatusSource {

    Duration interval();

    ServerStatus sample(Connection connection) throws SQLException;
}
