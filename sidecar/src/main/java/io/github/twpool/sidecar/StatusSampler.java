package io.github.twpool.sidecar;

import io.github.twpool.ServerStatus;
import io.github.twpool.mysql.internal.MySqlStatusSource;
import io.github.twpool.postgresql.internal.PgStatusSource;
import io.github.twpool.spi.ServerStatusSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * The server's own count of new connections on one
 * long-lived connection of the sidecar's: one connection for the sidecar's life, not one per sample, so the sidecar
 * does not churn itself. A server that does not answer is retried every {@link #RETRY}, with one line when it goes
 * and one when it comes back; the census goes on without it. Not thread-safe: the endpoint's watcher owns it.
 *
 * <p>The endpoint's port says which server it is: 5432 is PostgreSQL ({@code pg_stat_database}, pool-postgresql's
 * status source, database {@code postgres}), any other port MySQL or MariaDB ({@code SHOW GLOBAL STATUS},
 * pool-mysql's).
 */
final class StatusSampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.sidecar");
    static final Duration RETRY = Duration.ofSeconds(60);
    static final int CONNECT_TIMEOUT_MS = 3000;
    static final int SOCKET_TIMEOUT_MS = 5000;

    private final String endpoint;
    private final String url;
    private final String user;
    private final Password password;
    private final boolean postgres;
    private final ServerStatusSource source;
    private Connection connection;
    private long opened;
    private long retryAtNanos;
    private boolean failing;
    private ServerStatus last;
    private long openedAtLast;

    StatusSampler(String endpoint, String user, Password password, Duration interval) {
        this(endpoint, endpoint.endsWith(":5432"), user, password, interval);
    }

    StatusSampler(String endpoint, boolean postgres, String user, Password password, Duration interval) {
        this.endpoint = endpoint;
        this.postgres = postgres;
        // No TLS requirement: the status query is all. Timeouts bound a server that accepts and stalls.
        if (postgres) {
            // pgjdbc's timeouts are in seconds; its database must exist, and postgres does unless dropped.
            this.url = "jdbc:postgresql://" + endpoint + "/postgres?connectTimeout=" + CONNECT_TIMEOUT_MS / 1000
                    + "&loginTimeout=" + CONNECT_TIMEOUT_MS / 1000 + "&socketTimeout=" + SOCKET_TIMEOUT_MS / 1000
                    + "&tcpKeepAlive=true&ApplicationName=twpool-sidecar&assumeMinServerVersion=9.0";
            this.source = new PgStatusSource(interval, null);
        } else {
            this.url = "jdbc:mysql://" + endpoint + "/?connectTimeout=" + CONNECT_TIMEOUT_MS + "&socketTimeout="
                    + SOCKET_TIMEOUT_MS + "&tcpKeepAlive=true&connectionAttributes=program_name:twpool-sidecar";
            this.source = new MySqlStatusSource(interval, null);
        }
        this.user = user;
        this.password = password;
    }

    /** Samples now unless waiting to retry; returns the latest sample (possibly older), or {@code null}. */
    ServerStatus sample(long nowNanos) {
        if (failing && nowNanos < retryAtNanos) {
            return last;
        }
        try {
            if (connection == null || connection.isClosed()) {
                connection = open();
            }
            last = source.sample(connection);
            openedAtLast = opened;
            if (failing) {
                failing = false;
                LOG.info("twpool sidecar: the server's status at {} can be read again.", endpoint);
            }
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            retryAtNanos = nowNanos + RETRY.toNanos();
            if (!failing) {
                failing = true;
                LOG.warn("twpool sidecar: cannot read the server's status at {} ({}); retrying every {}s. The census and "
                        + "its warnings go on without the server's count.", endpoint, describe(e), RETRY.toSeconds());
            }
        }
        return last;
    }

    private Connection open() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password.present()) {
            p.setProperty("password", password.reveal());
        }
        Connection c = postgres ? new org.postgresql.Driver().connect(url, p) : new com.mysql.cj.jdbc.Driver().connect(url, p);
        if (c == null) {
            throw new SQLException((postgres ? "pgjdbc" : "Connector/J") + " did not accept " + url);
        }
        opened++;
        return c;
    }

    /** Connections the sidecar opened to the server, as of the latest sample: the server verdict subtracts them. */
    long openedAtLastSample() {
        return openedAtLast;
    }

    boolean failing() {
        return failing;
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException e) {
                // closing a broken connection
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
