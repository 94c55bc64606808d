package io.github.twpool.spring.boot4;

import io.github.twpool.spring.test.TwPoolStarterContract;
import io.github.twpool.testsupport.TestDatabase;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The starter's contract under the Boot 4.1 BOM (spring-boot-starter-parent of this module). */
class Boot4StarterIntegrationTest extends TwPoolStarterContract {

    @Override
    protected HealthView health(ApplicationContext context, String beanName) {
        Health h = context.getBean(beanName, HealthIndicator.class).health();
        return new HealthView(h.getStatus().getCode(), h.getDetails());
    }

    @Override
    protected Class<?> connectionDetailsConfiguration() {
        return ConnectionDetails.class;
    }

    @Override
    protected String bomHikariCP() {
        return "7.0.2";
    }

    @Override
    protected String bomMicrometer() {
        return "1.17.2";
    }

    @Configuration(proxyBeanMethods = false)
    static class ConnectionDetails {
        @Bean
        JdbcConnectionDetails testDatabase() {
            TestDatabase db = TestDatabase.get();
            return new JdbcConnectionDetails() {
                @Override
                public String getUsername() {
                    return db.username();
                }

                @Override
                public String getPassword() {
                    return db.password();
                }

                @Override
                public String getJdbcUrl() {
                    return db.jdbcUrl();
                }
            };
        }
    }
}
