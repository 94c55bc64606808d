package io.github.twpool.spring;

import io.github.twpool.TwPoolDataSource;
import io.github.twpool.metrics.TwPoolMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;
import java.util.Properties;

/**
 * Makes a {@link TwPoolDataSource} the application's {@link DataSource} when {@code twpool.url} (or
 * {@code spring.datasource.url}) is set; Boot's own pooled DataSource configuration then steps aside, since it only
 * runs without a DataSource bean. With Actuator: twpool's meters (HikariCP's too, found through {@code unwrap}) and
 * a {@code twpool} health indicator.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass(TwPoolDataSource.class)
@Conditional(TwPoolAutoConfiguration.UrlConfigured.class)
@EnableConfigurationProperties(TwPoolProperties.class)
public class TwPoolAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(DataSource.class)
    public TwPoolDataSource dataSource(TwPoolProperties properties, Environment environment) {
        Properties p = properties.toTwPoolProperties();
        fallback(p, "twpool.url", environment.getProperty("spring.datasource.url"));
        fallback(p, "twpool.username", environment.getProperty("spring.datasource.username"));
        fallback(p, "twpool.password", environment.getProperty("spring.datasource.password"));
        return TwPoolDataSource.fromProperties(p);
    }

    private static void fallback(Properties p, String key, String value) {
        if (!p.containsKey(key) && value != null) {
            p.setProperty(key, value);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, TwPoolMetrics.class})
    static class Metrics {
        // A MeterBinder bean: Boot binds it to every registry it configures (and it costs nothing without one).
        @Bean
        @ConditionalOnMissingBean
        TwPoolMetrics twPoolMetrics(TwPoolDataSource dataSource) {
            return new TwPoolMetrics(dataSource);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("twpool")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "twpoolHealthIndicator")
        TwPoolHealthIndicator twpoolHealthIndicator(TwPoolDataSource dataSource) {
            return new TwPoolHealthIndicator(dataSource);
        }
    }

    /** {@code twpool.url} or {@code spring.datasource.url} is set. */
    static class UrlConfigured extends AnyNestedCondition {
        UrlConfigured() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty("twpool.url")
        static class TwPoolUrl {
        }

        @ConditionalOnProperty("spring.datasource.url")
        static class SpringUrl {
        }
    }
}
