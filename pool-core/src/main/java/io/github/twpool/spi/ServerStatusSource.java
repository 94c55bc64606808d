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

    /**
     * How often the probe may call {@link #sample(Connection)}.
     *
     * @return the shortest time between two samples
     */
    Duration interval();

    /**
     * Reads the server's counters.
     *
     * @param connection a pooled connection the probe borrowed for this call and returns afterwards
     * @return the counters now, {@code -1} for those the server does not report
     * @throws SQLException when they cannot be read; the probe then stops calling this source
     */
    ServerStatus sample(Connection connection) throws SQLException;
}
