package io.github.twpool.postgresql.internal;

import io.github.twpool.TwPoolConfig;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What a returned PostgreSQL connection goes through before HikariCP takes it back, with {@code reset-session=true}.
 * This class is the reset alone: which wrapper calls it on the borrower's {@code close()} is {@link ResetOnClose}'s
 * concern, so that the steps plug into any proxy layer that calls {@link #reset(Connection)} on return.
 *
 * <ol>
 *   <li>An open transaction is rolled back, explicitly and first, so that nothing after it can commit it; with
 *       autocommit off through HikariCP's proxy, which then has nothing left to roll back (and fail on) at close.</li>
 *   <li>{@code DISCARD ALL}: closes cursors, resets the session authorization and every {@code SET} (the role
 *       included: {@code SET ROLE} is a setting), deallocates prepared statements, {@code UNLISTEN *}, releases
 *       session advisory locks, drops temporary tables, forgets sequence state and cached plans. It cannot run in a
 *       transaction block, hence autocommit on for it. Settings pgjdbc gave at connect ({@code ApplicationName},
 *       {@code currentSchema}, {@code options}) are the session's defaults and come back as they were. pgjdbc sees
 *       the command's "DISCARD ALL" tag and prepares its cached statements again on their next use, so its
 *       statement cache survives with server-side statements on ({@code prepareThreshold}).</li>
 *   <li>What the pool configured ({@code twpool.hikari.*}), which {@code DISCARD ALL} threw away and HikariCP,
 *       unaware of it, would never set again: read-only, isolation, schema ({@code search_path}, unless it is the
 *       session's default already, as pool-postgresql makes it), the init SQL, all while autocommit is still on so
 *       that no later rollback undoes them; autocommit off last.</li>
 * </ol>
 * Every reply is awaited the validation timeout at most (pgjdbc's network timeout), as HikariCP's validation is: a
 * server that stopped answering would otherwise hang the borrower's {@code close()}. A reset that fails leaves the
 * connection to be evicted, never reused. The cost on a clean return is one round trip ({@code DISCARD ALL}), plus
 * one per configured isolation, schema or init SQL.
 */
public final class PgSessionReset {

    private final boolean autoCommit;
    private final boolean readOnly;
    private final int isolation;
    /** The pool's schema when the session's default search_path is another one; null when DISCARD ALL restores it. */
    private final String schemaToRestore;
    private final String initSql;
    private final int timeoutMillis;

    private PgSessionReset(Map<String, String> hikari, String sessionSchema, Duration timeout) {
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        this.autoCommit = Boolean.parseBoolean(setting(hikari, "autoCommit", "true").trim());
        this.readOnly = Boolean.parseBoolean(setting(hikari, "readOnly", "false").trim());
        String level = setting(hikari, "transactionIsolation", null);
        this.isolation = level == null ? -1 : isolationLevel(level.trim());
        String schema = setting(hikari, "schema", null);
        this.schemaToRestore = schema == null || schema.equals(sessionSchema) ? null : schema;
        this.initSql = setting(hikari, "connectionInitSql", null);
    }

    /** The reset for a pool with this configuration. */
    public static PgSessionReset forConfig(TwPoolConfig config) {
        return new PgSessionReset(config.hikariProperties(), PgJdbcDefaults.currentSchema(config), config.validationTimeout());
    }

    /** The pool's schema, which pool-postgresql makes the session's default search_path (pgjdbc's currentSchema). */
    static String schema(TwPoolConfig config) {
        return setting(config.hikariProperties(), "schema", null);
    }

    /**
     * On every borrow, before the borrower has the connection: commits what HikariCP set up on a new connection with
     * autocommit off. HikariCP sets isolation, schema and init SQL right after connecting, and with autocommit off
     * pgjdbc runs them in a transaction nobody commits; the first borrower's rollback would undo them. A connection
     * that was borrowed before comes back from {@link #reset} with no transaction open: no round trip then.
     */
    public void onBorrow(Connection pooled) throws SQLException {
        if (!autoCommit && pooled.unwrap(BaseConnection.class).getTransactionState() == TransactionState.OPEN) {
            pooled.commit();
        }
    }

    /**
     * Makes the session of a returned connection what a new borrower must find.
     *
     * @param pooled HikariCP's connection, still open: settings go through it so that its cached state agrees
     */
    public void reset(Connection pooled) throws SQLException {
        BaseConnection physical = pooled.unwrap(BaseConnection.class);
        int borrowersTimeout = physical.getNetworkTimeout();
        physical.setNetworkTimeout(Runnable::run, timeoutMillis);
        if (!pooled.getAutoCommit()) {
            pooled.rollback(); // no round trip when no transaction is open
            pooled.setAutoCommit(true);
        }
        if (physical.getTransactionState() != TransactionState.IDLE) {
            execute(physical, "ROLLBACK"); // BEGIN sent as SQL with autocommit on: pgjdbc's rollback() refuses
        }
        execute(physical, "DISCARD ALL");
        // Still in autocommit: each SET below is committed at once, and no borrower's rollback can undo it.
        if (readOnly) {
            // pgjdbc sends read-only to the session only when its cached flag changes (readOnlyMode=always), and
            // DISCARD ALL has reset the session's: change it twice so that a session-level setting is sent again.
            pooled.setReadOnly(false);
            pooled.setReadOnly(true);
        }
        if (isolation >= 0) {
            pooled.setTransactionIsolation(isolation);
        }
        if (schemaToRestore != null) {
            pooled.setSchema(schemaToRestore);
        }
        if (initSql != null && !initSql.isBlank()) {
            execute(physical, initSql);
        }
        if (!autoCommit) {
            pooled.setAutoCommit(false); // pgjdbc's autocommit is its own: no round trip
        }
        physical.setNetworkTimeout(Runnable::run, borrowersTimeout);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String setting(Map<String, String> hikari, String name, String dflt) {
        for (var e : hikari.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return dflt;
    }

    /** HikariCP's reading of {@code transactionIsolation}: a {@code TRANSACTION_*} name or its number. */
    private static int isolationLevel(String value) {
        switch (value.toUpperCase(Locale.ROOT)) {
            case "TRANSACTION_READ_UNCOMMITTED", "1": return Connection.TRANSACTION_READ_UNCOMMITTED;
            case "TRANSACTION_READ_COMMITTED", "2": return Connection.TRANSACTION_READ_COMMITTED;
            case "TRANSACTION_REPEATABLE_READ", "4": return Connection.TRANSACTION_REPEATABLE_READ;
            case "TRANSACTION_SERIALIZABLE", "8": return Connection.TRANSACTION_SERIALIZABLE;
            default: return -1; // HikariCP refuses it when the pool starts
        }
    }
}
