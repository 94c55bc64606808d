package io.github.twpool.spring;

import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.TwPoolDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health of a twpool pool, independent of Boot's health API (each Boot generation's module renders it). UP when
 * the pool hands out a connection that answers within {@code validation-timeout}: the borrow goes to HikariCP's
 * pool with that as its deadline, not through {@code getConnection()}, which would wait the full {@code timeout}
 * when the database is gone, and the connection is then checked with {@code isValid} for what is left (at least
 * one second, JDBC's unit). With the database gone a check takes about validation-timeout, at most twice that. The details show the pool, the socket census and the churn verdicts active now (never credentials).
 * Churn is reported, not treated as DOWN: the warnings stay in the application log.
 */
public final class TwPoolHealthCheck {

    /** The outcome: up or down, and the details to show. */
    public record Result(boolean up, Map<String, Object> details) {
        /** The pool's name and, when down, the error: what Boot's {@code db} check shows. */
        public Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pool", details.get("pool"));
            if (details.containsKey("error")) {
                m.put("error", details.get("error"));
            }
            return m;
        }
    }

    private final TwPoolDataSource dataSource;

    public TwPoolHealthCheck(TwPoolDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The pool's state and churn verdicts, and whether a connection answered within validation-timeout. */
    public Result check() {
        Map<String, Object> details = new LinkedHashMap<>();
        ChurnReport r = dataSource.churnReport();
        details.put("pool", r.pool());
        details.put("endpoint", r.endpoint());
        details.put("probe", r.probeStatus());
        HikariPoolMXBean pool = hikariPool();
        if (pool != null) {
            details.put("connections", Map.of("active", pool.getActiveConnections(), "idle", pool.getIdleConnections(),
                    "total", pool.getTotalConnections(), "waiting", pool.getThreadsAwaitingConnection(),
                    "opened", dataSource.connectionsOpened()));
        }
        if (r.census() != null) {
            details.put("timeWait", Map.of("client", r.census().timeWaitClient(), "server", r.census().timeWaitServer()));
        }
        List<Map<String, String>> verdicts = r.verdicts().stream().map(TwPoolHealthCheck::detail).toList();
        details.put("churn", verdicts);
        String error = borrow(pool);
        if (error != null) {
            details.put("error", error);
        }
        return new Result(error == null, details);
    }

    /** Null when a live connection was borrowed and answered within validation-timeout, else what went wrong. */
    private String borrow(HikariPoolMXBean pool) {
        Duration limit = dataSource.config().validationTimeout();
        if (!(pool instanceof HikariPool hikari)) {
            return "the pool is not running";
        }
        long start = System.nanoTime();
        // Returned to the pool without twpool's decorator (session reset): the check changes no session state.
        try (Connection c = hikari.getConnection(limit.toMillis())) {
            // HikariCP skips its own check for a connection used in the last 500 ms; JDBC's isValid counts seconds.
            long left = limit.toMillis() - (System.nanoTime() - start) / 1_000_000;
            int seconds = (int) Math.max(1, (left + 999) / 1000);
            return c.isValid(seconds) ? null
                    : "no live connection within validation-timeout=" + limit.toMillis() + "ms: the connection did not answer";
        } catch (SQLException e) {
            // HikariCP's own message (pool name, counts); the driver's cause is left out of a public endpoint.
            return "no live connection within validation-timeout=" + limit.toMillis() + "ms: " + e.getMessage();
        }
    }

    private HikariPoolMXBean hikariPool() {
        try {
            return dataSource.unwrap(HikariPoolMXBean.class);
        } catch (SQLException e) {
            return null;
        }
    }

    private static Map<String, String> detail(ChurnVerdict v) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cause", v.cause().tag());
        if (v.reason() != null) {
            m.put("reason", v.reason());
        }
        m.put("message", v.message());
        return m;
    }
}
