package io.github.twpool.metrics;

import io.github.twpool.spi.Setting;
import io.github.twpool.spi.TwPoolExtension;

import java.util.List;

/**
 * pool-metrics' keys ({@code twpool.metrics.*}), declared once here and found by {@link java.util.ServiceLoader}
 * when pool-metrics is on the classpath. It applies to every URL and changes nothing in the pool itself; the binder
 * ({@link TwPoolMetrics}) reads the keys when it binds.
 */
public final class MetricsExtension implements TwPoolExtension {

    /**
     * Which names the pool's own meters (connections by state, limits, waits) carry: HikariCP's {@code hikaricp.*},
     * OpenTelemetry's {@code db.client.connection.*}, or both; the values are those of OpenTelemetry's
     * {@code OTEL_SEMCONV_STABILITY_OPT_IN} for database conventions.
     */
    public static final Setting<String> OPT_IN = Setting.text("metrics.opt-in", PoolMeterNames.NONE.value())
            .rule(PoolMeterNames::isValue, "must be one of " + PoolMeterNames.allowed())
            .allowedText(PoolMeterNames.allowed())
            .doc("The pool's meters under OpenTelemetry's semantic-convention names (db.client.connection.*): none "
                    + "(HikariCP's hikaricp.* only), database (the OpenTelemetry names instead), database/dup (both); "
                    + "twpool.* churn meters keep their names.");

    private static final List<Setting<?>> SETTINGS = List.of(OPT_IN);

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public boolean supports(String jdbcUrl) {
        return true;
    }

    @Override
    public List<Setting<?>> settings() {
        return SETTINGS;
    }
}
