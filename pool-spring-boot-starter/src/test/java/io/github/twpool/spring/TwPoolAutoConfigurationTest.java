package io.github.twpool.spring;

import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.internal.ConfigKeys;
import io.github.twpool.testsupport.FaultProxy;
import io.github.twpool.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.jdbc.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import javax.sql.DataSource;
import java.io.InputStream;
import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The starter against the real server, with Spring Boot's own test support. */
class TwPoolAutoConfigurationTest {

    private final TestDatabase db = TestDatabase.get();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TwPoolAutoConfiguration.class, DataSourceAutoConfiguration.class));

    private String[] connection(String... more) {
        String[] base = {"twpool.url=" + db.jdbcUrl(), "twpool.username=" + db.username(), "twpool.password=" + db.password(),
                "twpool.probe.enabled=false"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void twpoolIsTheApplicationsOnlyDataSourceWithItsPropertiesBound() {
        runner.withPropertyValues(connection("twpool.pool-size=3", "twpool.poolSize=3", "twpool.recycle=20m",
                        "twpool.probe.interval=2s", "twpool.hikari.connectionInitSql=SELECT 1", "twpool.driver.connectTimeout=4000",
                        "twpool.mysql.status-interval=30s", "twpool.name=boot"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DataSource.class);
                    TwPoolDataSource ds = context.getBean(TwPoolDataSource.class);
                    assertThat(context.getBean(DataSource.class)).isSameAs(ds);
                    assertThat(ds.config().poolSize()).isEqualTo(3);
                    assertThat(ds.config().recycle()).isEqualTo(Duration.ofMinutes(20));
                    assertThat(ds.config().probeInterval()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(ds.config().hikariProperties()).containsEntry("connectionInitSql", "SELECT 1");
                    assertThat(ds.config().driverProperties()).containsEntry("connectTimeout", "4000");
                    assertThat(ds.config().extensionProperties()).containsEntry("mysql.status-interval", "30s");
                    try (Connection c = ds.getConnection()) {
                        assertThat(c.isValid(1)).isTrue();
                    }
                });
    }

    @Test
    void relaxedBindingAndTheSpringDatasourceFallback() {
        runner.withPropertyValues("spring.datasource.url=" + db.jdbcUrl(), "spring.datasource.username=" + db.username(),
                        "spring.datasource.password=" + db.password(), "twpool.poolSize=2", "twpool.probe.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    TwPoolDataSource ds = context.getBean(TwPoolDataSource.class);
                    assertThat(ds.config().poolSize()).isEqualTo(2);
                    assertThat(ds.config().url()).isEqualTo(db.jdbcUrl());
                });
    }

    @Test
    void aTypoOrABadValueFailsTheStartWithAClearMessage() {
        runner.withPropertyValues(connection("twpool.pool-sise=3")).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("twpool.pool-sise");
        });
        runner.withPropertyValues(connection("twpool.recycle=10s")).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(TwPoolConfigException.class)
                    .hasMessageContaining("twpool.recycle=10s: must be 0 (never recycle) or at least 30s");
        });
    }

    @Test
    void withoutAUrlTheStarterStepsAside() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TwPoolAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TwPoolDataSource.class));
    }

    @Test
    void twpoolsAndHikarisMetersAppearTogether() {
        runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class))
                .withPropertyValues(connection("twpool.name=metered-boot", "twpool.pool-size=2"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    try (Connection c = context.getBean(DataSource.class).getConnection()) {
                        c.isValid(1);
                    }
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find("twpool.time.wait").tag("pool", "metered-boot").gauges()).hasSize(2);
                    assertThat(registry.find("twpool.connections.opened").functionCounter()).isNotNull();
                    assertThat(registry.find("hikaricp.connections.active").tag("pool", "metered-boot").gauge()).isNotNull();
                });
    }

    @Test
    void healthIsUpWithChurnDetailsAndDownWhenTheDatabaseIsUnreachable() throws Exception {
        try (FaultProxy proxy = FaultProxy.forTestDatabase()) {
            runner.withPropertyValues(connection("twpool.url=" + proxy.jdbcUrl(), "twpool.timeout=1s",
                            "twpool.validation-timeout=500ms", "twpool.pool-size=1", "twpool.driver.connectTimeout=1000"))
                    .run(context -> {
                        TwPoolHealthIndicator health = context.getBean(TwPoolHealthIndicator.class);
                        Health up = health.health();
                        assertThat(up.getStatus()).isEqualTo(Status.UP);
                        assertThat(up.getDetails()).containsKeys("pool", "endpoint", "connections", "churn");
                        assertThat(up.getDetails().toString()).doesNotContain("password");
                        proxy.cut();
                        Health down = health.health();
                        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                        proxy.heal();
                    });
        }
    }

    @Test
    void theConfigurationMetadataDocumentsEveryKey() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        for (String key : ConfigKeys.ALL) {
            assertThat(json).as(key).contains("\"name\": \"twpool." + key + "\"");
        }
        for (String key : new String[]{"mysql.clamp-recycle", "mysql.status-interval", "mysql.status-enabled", "hikari", "driver"}) {
            assertThat(json).as(key).contains("\"name\": \"twpool." + key + "\"");
        }
    }
}
