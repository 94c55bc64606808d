package io.github.twpool.internal;

import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code pre-ping=true}: every borrow is validated, as SQLAlchemy's {@code pool_pre_ping} does. HikariCP validates
 * only connections idle for longer than its alive-bypass window (500 ms), a window it reads from a JVM-wide system
 * property when any pool is built; changing that property would change every pool built at the same moment. So
 * Hikari keeps its window, and this pings the connections Hikari did not validate on this borrow: one
 * {@code isValid} per borrow either way. A connection that fails is evicted and the next one tried until
 * {@code timeout} has passed (a borrow already waiting in Hikari finishes its own wait, so the worst case is close to
 * twice {@code timeout} when every connection is dead and the pool is empty).
 */
public final class PrePing {

    private final HikariDataSource hikari;
    private final int validationSeconds;
    private final long timeoutNanos;

    public PrePing(HikariDataSource hikari, long validationTimeoutMs, long timeoutMs) {
        this.hikari = hikari;
        // Hikari's own rounding for isValid: whole seconds, at least one.
        this.validationSeconds = (int) Math.max(1, TimeUnit.MILLISECONDS.toSeconds(validationTimeoutMs));
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    public Connection borrow() throws SQLException {
        long start = System.nanoTime();
        int failed = 0;
        while (true) {
            long borrowStart = System.nanoTime();
            Connection c = hikari.getConnection();
            if (alive(c, borrowStart)) {
                return c;
            }
            failed++;
            hikari.evictConnection(c);
            try {
                c.close(); // evicted: Hikari closes the physical connection as it comes back
            } catch (SQLException | RuntimeException ignored) {
                // it is dead; Hikari has already taken it out of the pool
            }
            if (System.nanoTime() - start >= timeoutNanos) {
                throw new SQLTransientConnectionException(hikari.getPoolName() + " - pre-ping: " + failed
                        + " connection(s) failed validation within timeout=" + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                        + "ms; the database may be unreachable");
            }
        }
    }

    private boolean alive(Connection c, long borrowStart) {
        try {
            return CountingDataSource.validatedSince(c, borrowStart) || c.isValid(validationSeconds);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
