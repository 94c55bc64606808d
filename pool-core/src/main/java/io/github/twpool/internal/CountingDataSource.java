package io.github.twpool.internal;

import com.zaxxer.hikari.HikariConfigMXBean;
import io.github.twpool.CloseReason;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The DataSource Hikari opens physical connections through. It counts every connection the pool opens (Hikari's
 * metrics tracker misses the first one), every failed attempt, and every physical connection closed, on Hikari's
 * own adder and closer threads, so counting costs nothing on a borrower's path. Closes are counted where they
 * happen, not derived from "opened minus open now", which goes down while a new connection is on its way into the
 * pool. The connections it returns are {@link PhysicalConnection}s: the driver's, seen through one thin layer. A
 * failed attempt's exception is masked ({@link Redaction}) before Hikari logs or rethrows it: drivers and servers
 * echo the URL, the database name or a property, and these can carry a password.
 */
public final class CountingDataSource implements DataSource {

    private final DataSource driver;
    private final List<String> secrets;
    private final LongAdder opened = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Map<CloseReason, LongAdder> closed = new EnumMap<>(CloseReason.class);
    private volatile boolean poolClosing;
    private volatile LongSupplier maxLifetimeMillis = () -> 0;
    private volatile LongSupplier idleTimeoutMillis = () -> 0;

    public CountingDataSource(DataSource driver) {
        this(driver, List.of());
    }

    /** Counts, and masks {@code secrets} (and URL passwords) in the errors of failed attempts. */
    public CountingDataSource(DataSource driver, List<String> secrets) {
        this.driver = driver;
        this.secrets = List.copyOf(secrets);
        for (CloseReason r : CloseReason.values()) {
            closed.put(r, new LongAdder());
        }
    }

    /** Reads the pool's maxLifetime and idleTimeout from HikariCP's live configuration, to tell why it closes one. */
    public void watch(HikariConfigMXBean hikari) {
        this.maxLifetimeMillis = hikari::getMaxLifetime;
        this.idleTimeoutMillis = hikari::getIdleTimeout;
    }

    /** Called as the pool starts closing: every connection closed from now on is closed with the pool. */
    public void poolClosing() {
        poolClosing = true;
    }

    boolean isPoolClosing() {
        return poolClosing;
    }

    long maxLifetimeMillis() {
        return maxLifetimeMillis.getAsLong();
    }

    long idleTimeoutMillis() {
        return idleTimeoutMillis.getAsLong();
    }

    /**
     * Marks the physical connection behind a pooled one as evicted on purpose, before the pool is asked to evict it;
     * a connection that is not one of a pool's is left alone.
     */
    public static void markEvicted(Connection pooled) {
        try {
            if (pooled.isWrapperFor(PhysicalConnection.class)) {
                pooled.unwrap(PhysicalConnection.class).markEvicted();
            }
        } catch (SQLException | RuntimeException e) {
            // closed already: HikariCP's eviction tells it apart as well as it can
        }
    }

    /** Physical connections opened since the pool started. */
    public long opened() {
        return opened.sum();
    }

    /** Physical connections closed (or aborted) since the pool started; never decreases. */
    public long closed() {
        long sum = 0;
        for (LongAdder a : closed.values()) {
            sum += a.sum();
        }
        return sum;
    }

    /** Physical connections closed for one reason since the pool started; never decreases. */
    public long closed(CloseReason reason) {
        return closed.get(reason).sum();
    }

    /** Physical connections closed since the pool started, by reason (every reason present). */
    public Map<CloseReason, Long> closedByReason() {
        Map<CloseReason, Long> out = new EnumMap<>(CloseReason.class);
        closed.forEach((r, a) -> out.put(r, a.sum()));
        return out;
    }

    void closed(PhysicalConnection connection, CloseReason reason) {
        closed.get(reason == null ? CloseReason.EVICTED : reason).increment();
    }

    /**
     * True when the physical connection behind a pooled one passed {@code isValid} at or after {@code nanos}
     * (Hikari validates a connection idle longer than its alive-bypass window before handing it out).
     */
    public static boolean validatedSince(Connection pooled, long nanos) throws SQLException {
        return pooled.unwrap(PhysicalConnection.class).validatedSince(nanos);
    }

    /** Attempts to open a connection that failed. */
    public long failed() {
        return failed.sum();
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            Connection c = driver.getConnection();
            opened.increment();
            return new PhysicalConnection(c, this);
        } catch (SQLException e) {
            failed.increment();
            throw Redaction.redact(e, secrets);
        } catch (RuntimeException e) {
            failed.increment();
            throw masked(e);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        try {
            Connection c = driver.getConnection(username, password);
            opened.increment();
            return new PhysicalConnection(c, this);
        } catch (SQLException e) {
            failed.increment();
            throw Redaction.redact(e, secrets);
        } catch (RuntimeException e) {
            failed.increment();
            throw masked(e);
        }
    }

    private RuntimeException masked(RuntimeException e) {
        Throwable r = Redaction.redact(e, secrets);
        return r instanceof RuntimeException re ? re : new IllegalStateException(r);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return driver.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        driver.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        driver.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return driver.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return driver.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return driver.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || driver.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "CountingDataSource[opened=" + opened() + ", closed=" + closed() + ", failed=" + failed() + "]";
    }
}
