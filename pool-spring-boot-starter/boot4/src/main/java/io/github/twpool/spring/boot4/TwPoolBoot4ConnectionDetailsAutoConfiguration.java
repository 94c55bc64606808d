package io.github.twpool.spring.boot4;

import io.github.twpool.spring.ConnectionDetailsSource;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot 4.x: hands the application's {@code JdbcConnectionDetails} (Testcontainers {@code @ServiceConnection},
 * Docker Compose, or a bean of its own) to twpool, as Boot's own DataSource configuration takes it.
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails")
public class TwPoolBoot4ConnectionDetailsAutoConfiguration {

    @Bean
    ConnectionDetailsSource twpoolJdbcConnectionDetails(ObjectProvider<JdbcConnectionDetails> details) {
        return () -> {
            JdbcConnectionDetails d = details.getIfUnique();
            // Boot's own PropertiesJdbcConnectionDetails only restates spring.datasource.*, which twpool reads itself.
            if (d == null || d.getClass().getSimpleName().equals("PropertiesJdbcConnectionDetails")) {
                return null;
            }
            return new ConnectionDetailsSource.Details(d.getJdbcUrl(), d.getUsername(), d.getPassword(), d.getClass().getName());
        };
    }
}
