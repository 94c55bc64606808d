package io.github.twpool.spring.boot3;

import io.github.twpool.TwPoolDataSource;
import io.github.twpool.spring.OnOnlyTwPoolDataSource;
import io.github.twpool.spring.TwPoolAutoConfiguration;
import io.github.twpool.spring.TwPoolHealthCheck;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Spring Boot 3.5: a {@code twpool} health contributor for the application's {@link TwPoolDataSource}, whoever
 * created it, and nothing without one. When it is the only DataSource, twpool also answers Boot's {@code db}
 * check, which would otherwise borrow through {@code getConnection()} and block for the pool's {@code timeout}
 * (30 s by default) when the database is gone; {@code management.health.db.enabled=false} or an own
 * {@code dbHealthIndicator} bean turn that off. Inert under the other Boot generation: its health API is
 * {@code org.springframework.boot.actuate.health} and the class condition below names it.
 */
@AutoConfiguration(after = TwPoolAutoConfiguration.class,
        afterName = "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        beforeName = "org.springframework.boot.actuate.autoconfigure.jdbc.DataSourceHealthContributorAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
public class TwPoolBoot3HealthAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnSingleCandidate(TwPoolDataSource.class)
    @ConditionalOnEnabledHealthIndicator("twpool")
    static class Twpool {
        @Bean
        @ConditionalOnMissingBean(name = "twpoolHealthIndicator")
        TwPoolHealthIndicator twpoolHealthIndicator(TwPoolDataSource dataSource) {
            return new TwPoolHealthIndicator(new TwPoolHealthCheck(dataSource), true);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(OnOnlyTwPoolDataSource.class)
    @ConditionalOnEnabledHealthIndicator("db")
    static class Db {
        @Bean
        @ConditionalOnMissingBean(name = {"dbHealthIndicator", "dbHealthContributor"})
        TwPoolHealthIndicator dbHealthIndicator(TwPoolDataSource dataSource) {
            return new TwPoolHealthIndicator(new TwPoolHealthCheck(dataSource), false);
        }
    }
}
