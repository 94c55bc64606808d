package io.github.twpool.spring;

import io.github.twpool.TwPoolDataSource;
import io.github.twpool.metrics.TwPoolMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * twpool's meters for the application's {@link TwPoolDataSource}, whether twpool's auto-configuration or the
 * application created it; nothing without one. HikariCP's {@code hikaricp.*} meters come from Boot's own pool
 * metrics, which find Hikari through {@code unwrap}.
 */
@AutoConfiguration(after = TwPoolAutoConfiguration.class, afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, TwPoolMetrics.class})
@ConditionalOnSingleCandidate(TwPoolDataSource.class)
public class TwPoolMetricsAutoConfiguration {

    // A MeterBinder bean: Boot binds it to every registry it configures (and it costs nothing without one).
    @Bean
    @ConditionalOnMissingBean
    TwPoolMetrics twPoolMetrics(TwPoolDataSource dataSource) {
        return new TwPoolMetrics(dataSource);
    }
}
