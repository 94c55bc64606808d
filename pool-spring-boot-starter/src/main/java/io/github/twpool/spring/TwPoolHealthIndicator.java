package io.github.twpool.spring;

import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.TwPoolDataSource;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * UP when a pooled connection answers within {@code validation-timeout}, DOWN otherwise; the details show the pool,
 * the socket census and the churn verdicts active now (never credentials). Churn is reported, not treated as DOWN:
 * the warnings stay in the application log.
 */
public class TwPoolHealthIndicator extends AbstractHealthIndicator {

    private final TwPoolDataSource dataSource;

    public TwPoolHealthIndicator(TwPoolDataSource dataSource) {
        super("twpool health check failed");
        this.dataSource = dataSource;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        ChurnReport r = dataSource.churnReport();
        builder.withDetail("pool", r.pool()).withDetail("endpoint", r.endpoint()).withDetail("probe", r.probeStatus());
        HikariPoolMXBean pool = dataSource.unwrap(HikariPoolMXBean.class);
        builder.withDetail("connections", Map.of("active", pool.getActiveConnections(), "idle", pool.getIdleConnections(),
                "total", pool.getTotalConnections(), "opened", dataSource.connectionsOpened()));
        if (r.census() != null) {
            builder.withDetail("timeWait", Map.of("client", r.census().timeWaitClient(), "server", r.census().timeWaitServer()));
        }
        List<Map<String, String>> verdicts = r.verdicts().stream().map(TwPoolHealthIndicator::detail).toList();
        builder.withDetail("churn", verdicts);
        int seconds = (int) Math.max(1, dataSource.config().validationTimeout().toSeconds());
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(seconds)) {
                builder.up();
            } else {
                builder.down().withDetail("error", "the connection did not answer within " + seconds + " s");
            }
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
