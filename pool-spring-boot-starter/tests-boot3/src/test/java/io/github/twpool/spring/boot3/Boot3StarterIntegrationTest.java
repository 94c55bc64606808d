package io.github.twpool.spring.boot3;

import io.github.twpool.spring.test.TwPoolStarterContract;
import io.github.twpool.testsupport.TestDatabase;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The starter's contract under the Boot 3.5 BOM (spring-boot-starter-parent of this module). */
class Boot3StarterIntegrationTest extends TwPoolStarterContract {

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
        return "6.3.3";
    }

    @Override
    protected String bomMicrometer() {
        return "1.15.12";
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
