package io.github.twpool.spring;

import io.github.twpool.HikariSettings;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.TwPoolSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;
import java.util.Objects;

/**
 * Makes a {@link TwPoolDataSource} the application's {@link DataSource} when it has a database: {@code twpool.url},
 * {@code spring.datasource.url} or a {@code JdbcConnectionDetails} bean (Testcontainers {@code @ServiceConnection},
 * Docker Compose). Boot's own pooled DataSource then steps aside, since it only runs without a DataSource bean; an
 * application that defines its own DataSource keeps it, and twpool steps aside (with one WARN if {@code twpool.*}
 * keys are set, since they then configure nothing).
 *
 * <p>{@code twpool.*} is bound ({@link TwPoolBinder}) whether or not twpool creates the pool, so a typo or a bad value
 * fails the start in every case. Ordered by name before the DataSource auto-configuration of both Boot generations (3.5:
 * {@code o.s.boot.autoconfigure.jdbc}, 4.x: {@code o.s.boot.jdbc.autoconfigure}); naming only one would silently
 * lose the ordering under the other.
 */
@AutoConfiguration(
        beforeName = {
                "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"},
        afterName = {
                // Registers the JdbcConnectionDetails of @ServiceConnection containers (same name in 3.5 and 4.x).
                "org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration"})
@ConditionalOnClass(TwPoolDataSource.class)
public class TwPoolAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @Conditional(OnDatabaseConfigured.class)
    @ConditionalOnMissingBean(DataSource.class)
    static class Pool {
        @Bean(destroyMethod = "close")
        TwPoolDataSource dataSource(Environment environment, ObjectProvider<ConnectionDetailsSource> connectionDetails) {
            TwPoolSettingsCheck.refuseOtherPoolType(environment);
            ConnectionDetailsSource.Details details = connectionDetails.orderedStream().map(ConnectionDetailsSource::get)
                    .filter(Objects::nonNull).findFirst().orElse(null);
            TwPoolBinder binder = new TwPoolBinder(environment);
            TwPoolConfig.Builder builder = binder.bind();
            ConnectionSettings.resolve(binder.value(TwPoolSettings.URL), binder.value(TwPoolSettings.USERNAME),
                    binder.value(TwPoolSettings.PASSWORD), environment, details).applyTo(builder);
            HikariSettings hikari = BootHikariSettings.read(environment);
            return TwPoolDataSource.create(hikari.isEmpty() ? builder.build() : hikari.buildOver(builder));
        }
    }

    // The conditions below see the application's own beans only: this runs before Boot's DataSource configuration.
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnDatabaseConfigured.Not.class)
    @ConditionalOnMissingBean(DataSource.class)
    static class NoDatabase {
        @Bean
        TwPoolSettingsCheck twPoolSettingsCheck(Environment environment) {
            return TwPoolSettingsCheck.requireDatabase(environment);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(DataSource.class)
    static class OwnDataSource {
        @Bean
        TwPoolSettingsCheck twPoolSettingsCheck(Environment environment, ObjectProvider<DataSource> dataSources) {
            return TwPoolSettingsCheck.warnUnused(environment, dataSources);
        }
    }
}
