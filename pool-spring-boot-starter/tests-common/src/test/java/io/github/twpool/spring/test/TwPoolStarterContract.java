package io.github.twpool.spring.test;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.TwPoolSettings;
import io.github.twpool.spring.TwPoolAutoConfiguration;
import io.github.twpool.spring.TwPoolMetricsAutoConfiguration;
import io.github.twpool.spring.internal.ConfigurationMetadataGenerator;
import io.github.twpool.testsupport.FaultProxy;
import io.github.twpool.testsupport.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import javax.sql.DataSource;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the starter must do under every supported Boot generation, run as an application would run it: all
 * auto-configuration on the classpath ({@code @EnableAutoConfiguration}), the versions its Boot BOM selects, the
 * real test server. Each generation's module extends this with what differs in Boot's API.
 */
@ExtendWith(OutputCaptureExtension.class)
public abstract class TwPoolStarterContract {

    /** A distinctive password: it must never reach the output. */
    protected static final String SECRET = "Pw9fQz-twpool-never-printed";

    protected final TestDatabase db = TestDatabase.get();

    /** Status code and details of the health contributor bean with this name, through this Boot's health API. */
    protected abstract HealthView health(ApplicationContext context, String beanName);

    /** A configuration class defining this Boot's JdbcConnectionDetails bean for the test database. */
    protected abstract Class<?> connectionDetailsConfiguration();

    /** The HikariCP and Micrometer versions this Boot's BOM selects, e.g. "6.3.3", "1.15.12". */
    protected abstract String bomHikariCP();

    protected abstract String bomMicrometer();

    public record HealthView(String status, Map<String, Object> details) {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class App {
    }

    @Configuration(proxyBeanMethods = false)
    public static class OwnDataSource {
        @Bean
        DataSource ownDataSource() {
            TestDatabase db = TestDatabase.get();
            return new DriverManagerDataSource(db.jdbcUrl(), db.username(), db.password());
        }
    }

    protected ApplicationContextRunner app() {
        return new ApplicationContextRunner().withUserConfiguration(App.class);
    }

    protected String[] connection(String... more) {
        String[] base = {"twpool.url=" + db.jdbcUrl(), "twpool.username=" + db.username(), "twpool.password=" + db.password(),
                "twpool.probe.enabled=false"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void twpoolPropertiesMakeTheDataSourceWithHealthAndMetersUnderThisBootsVersions() {
        app().withPropertyValues(connection("twpool.pool-size=2", "twpool.poolSize=2", "twpool.recycle=20m",
                        "twpool.hikari.connectionInitSql=SELECT 1", "twpool.driver.connectTimeout=4000", "twpool.name=boot"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DataSource.class);
                    TwPoolDataSource ds = context.getBean(TwPoolDataSource.class);
                    assertThat(ds.config().poolSize()).isEqualTo(2);
                    assertThat(ds.config().recycle()).isEqualTo(Duration.ofMinutes(20));
                    assertThat(ds.config().hikariProperties()).containsEntry("connectionInitSql", "SELECT 1");
                    assertThat(ds.config().driverProperties()).containsEntry("connectTimeout", "4000");
                    try (Connection c = ds.getConnection()) {
                        assertThat(c.isValid(1)).isTrue();
                    }
                    HealthView twpool = health(context, "twpoolHealthIndicator");
                    assertThat(twpool.status()).isEqualTo("UP");
                    assertThat(twpool.details()).containsKeys("pool", "endpoint", "connections", "churn");
                    // Boot's db check is answered by twpool for its only DataSource, bounded the same way.
                    assertThat(health(context, "dbHealthIndicator").details()).containsEntry("pool", "boot");
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find("twpool.time.wait").tag("pool", "boot").gauges()).hasSize(2);
                    assertThat(registry.find("twpool.connections.opened").functionCounter()).isNotNull();
                    assertThat(registry.find("hikaricp.connections.active").tag("pool", "boot").gauge()).isNotNull();
                    // The versions are this Boot BOM's, not twpool's own.
                    assertThat(jarOf(com.zaxxer.hikari.HikariDataSource.class)).contains("HikariCP-" + bomHikariCP() + ".jar");
                    assertThat(jarOf(MeterRegistry.class)).contains("micrometer-core-" + bomMicrometer() + ".jar");
                });
    }

    @Test
    void springDatasourceUrlOnPostgresqlGetsThePostgresqlExtensionWithHealthAndMeters() {
        TestDatabase pg = TestDatabase.postgres();
        app().withPropertyValues("spring.datasource.url=" + pg.jdbcUrl(), "spring.datasource.username=" + pg.username(),
                        "spring.datasource.password=" + pg.password(), "twpool.name=boot-pg", "twpool.pool-size=2",
                        "twpool.reset-session=true", "twpool.probe.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DataSource.class);
                    TwPoolDataSource ds = context.getBean(TwPoolDataSource.class);
                    assertThat(ds.config().url()).isEqualTo(pg.jdbcUrl());
                    String pid;
                    try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement()) {
                        // pool-postgresql's defaults and reset are in place: the server sees the pool's name.
                        try (java.sql.ResultSet rs = s.executeQuery("SELECT current_setting('application_name'), pg_backend_pid()")) {
                            rs.next();
                            assertThat(rs.getString(1)).isEqualTo("boot-pg");
                            pid = rs.getString(2);
                        }
                        s.execute("SET work_mem = '7MB'");
                    }
                    try (Connection c = ds.getConnection(); java.sql.Statement s = c.createStatement();
                         java.sql.ResultSet rs = s.executeQuery("SELECT current_setting('work_mem') <> '7MB', pg_backend_pid()")) {
                        rs.next();
                        assertThat(rs.getBoolean(1)).as("reset-session on PostgreSQL").isTrue();
                        assertThat(rs.getString(2)).isEqualTo(pid);
                    }
                    HealthView twpool = health(context, "twpoolHealthIndicator");
                    assertThat(twpool.status()).isEqualTo("UP");
                    assertThat(health(context, "dbHealthIndicator").details()).containsEntry("pool", "boot-pg");
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.find("twpool.connections.opened").functionCounter()).isNotNull();
                    assertThat(registry.find("hikaricp.connections.active").tag("pool", "boot-pg").gauge()).isNotNull();
                });
    }

    private static String jarOf(Class<?> c) {
        return c.getProtectionDomain().getCodeSource().getLocation().toString();
    }

    @Test
    void anApplicationsOwnDataSourceIsKeptAndTwpoolStepsAside(CapturedOutput output) {
        // twpool's health indicator and meters required a TwPoolDataSource and failed the start.
        app().withUserConfiguration(OwnDataSource.class)
                .withPropertyValues(connection("spring.datasource.url=" + db.jdbcUrl()))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DataSource.class).doesNotHaveBean(TwPoolDataSource.class);
                    assertThat(context.getBean(DataSource.class)).isInstanceOf(DriverManagerDataSource.class);
                    assertThat(context).doesNotHaveBean("twpoolHealthIndicator").doesNotHaveBean("twPoolMetrics")
                            .doesNotHaveBean("dbHealthIndicator").hasBean("dbHealthContributor");
                    assertThat(context.getBean(MeterRegistry.class).find("twpool.time.wait").gauges()).isEmpty();
                });
        assertThat(output.getAll()).contains("twpool steps aside", "twpool.url").doesNotContain(db.password().isEmpty() ? SECRET : db.password());
    }

    @Test
    void theApplicationsJdbcConnectionDetailsAreUsedAsBootWouldUseThem() {
        // No spring.datasource.url: the database comes from a connection-details bean (@ServiceConnection style),
        // and it wins over twpool.url as it wins over spring.datasource.url in Boot.
        app().withUserConfiguration(connectionDetailsConfiguration())
                .withPropertyValues("twpool.url=jdbc:mysql://127.0.0.1:9/elsewhere", "twpool.password=" + SECRET,
                        "twpool.pool-size=1", "twpool.probe.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    TwPoolDataSource ds = context.getBean(TwPoolDataSource.class);
                    assertThat(ds.config().url()).isEqualTo(db.jdbcUrl());
                    assertThat(ds.config().password()).isEqualTo(db.password());
                    try (Connection c = ds.getConnection()) {
                        assertThat(c.isValid(1)).isTrue();
                    }
                });
    }

    @Test
    void twoDifferentDatabaseUrlsAreRefusedAndCredentialsNeverMixed() {
        // twpool.url won silently and spring.datasource.password went to the other server.
        app().withPropertyValues(connection("spring.datasource.url=jdbc:mysql://127.0.0.1:9/other",
                        "spring.datasource.password=" + SECRET))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("twpool.url and spring.datasource.url are both set and name different databases")
                            .hasMessageNotContaining(SECRET).hasMessageNotContaining("127.0.0.1:9");
                });
        app().withPropertyValues("spring.datasource.url=" + db.jdbcUrl(), "twpool.password=" + SECRET, "twpool.probe.enabled=false")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("twpool.password is set but the database comes from spring.datasource.url")
                        .hasMessageNotContaining(SECRET));
        // The same database under both prefixes is fine, and so is spring.datasource.* alone.
        app().withPropertyValues("twpool.url=" + db.jdbcUrl(), "spring.datasource.url=" + db.jdbcUrl(),
                        "spring.datasource.username=" + db.username(), "spring.datasource.password=" + db.password(),
                        "twpool.probe.enabled=false", "twpool.pool-size=1")
                .run(context -> assertThat(context.getBean(TwPoolDataSource.class).config().username()).isEqualTo(db.username()));
    }

    @Test
    void bootsOwnPoolSettingsAreNotSilentlyDroppedWhenTwpoolMakesThePool() {
        // Adversarial pass: an application moving to twpool with spring.datasource.hikari.auto-commit=false (the
        // usual pairing with Hibernate's provider_disables_autocommit) got autocommit=true and a pool of twpool's
        // default size, without a word: every statement committed at once. They were then refused; now they
        // configure twpool's pool as they configured HikariCP's.
        String[] spring = {"spring.datasource.url=" + db.jdbcUrl(), "spring.datasource.username=" + db.username(),
                "spring.datasource.password=" + db.password(), "twpool.probe.enabled=false"};
        app().withPropertyValues(spring).withPropertyValues("spring.datasource.hikari.auto-commit=false",
                        "spring.datasource.hikari.maximum-pool-size=50", "spring.datasource.hikari.minimum-idle=1",
                        "spring.datasource.hikari.data-source-properties.cachePrepStmts=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    TwPoolDataSource ds = context.getBean(TwPoolDataSource.class);
                    assertThat(ds.config().maxPoolSize()).isEqualTo(50);
                    try (Connection c = ds.getConnection()) {
                        assertThat(c.getAutoCommit()).isFalse();
                    }
                });
        // What twpool cannot honour is still refused, named without values.
        app().withPropertyValues(spring).withPropertyValues("spring.datasource.hikari.data-source-class-name=" + SECRET)
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("spring.datasource.hikari.data-source-class-name")
                        .hasMessageContaining("spring.autoconfigure.exclude=" + TwPoolAutoConfiguration.class.getName())
                        .hasMessageNotContaining(SECRET));
        // An explicit pool type other than twpool's is a choice twpool would overrule: refused too.
        app().withPropertyValues(spring).withPropertyValues("spring.datasource.type=com.zaxxer.hikari.HikariDataSource")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("spring.datasource.type")
                        .hasMessageContaining("spring.autoconfigure.exclude=" + TwPoolAutoConfiguration.class.getName()));
        // Which does what it says: Boot's HikariDataSource with its settings, twpool nowhere.
        app().withPropertyValues(spring).withPropertyValues("spring.datasource.type=com.zaxxer.hikari.HikariDataSource",
                        "spring.datasource.hikari.auto-commit=false", "spring.autoconfigure.exclude=" + TwPoolAutoConfiguration.class.getName())
                .run(context -> {
                    assertThat(context).hasNotFailed().doesNotHaveBean(TwPoolDataSource.class).doesNotHaveBean("twpoolHealthIndicator");
                    assertThat(context.getBean(DataSource.class)).isInstanceOf(com.zaxxer.hikari.HikariDataSource.class);
                    assertThat(((com.zaxxer.hikari.HikariDataSource) context.getBean(DataSource.class)).isAutoCommit()).isFalse();
                });
        // twpool's own type, or none, is fine; and an application with its own DataSource keeps its settings.
        app().withPropertyValues(spring).withPropertyValues("spring.datasource.type=" + TwPoolDataSource.class.getName())
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(TwPoolDataSource.class));
        app().withUserConfiguration(OwnDataSource.class).withPropertyValues(spring)
                .withPropertyValues("spring.datasource.hikari.auto-commit=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TwPoolDataSource.class));
    }

    @Test
    void aDriverPropertyFromAnEnvironmentVariableIsNotSilentlyDropped() {
        // Adversarial pass: Boot binds TWPOOL_DRIVER_SSLMODE to the map key "sslmode", which Connector/J (whose names
        // are case-sensitive) ignored: the pool connected without TLS. Before: the start succeeded.
        app().withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-systemEnvironment", Map.of("TWPOOL_DRIVER_SSLMODE", "VERIFY_IDENTITY"))))
                .withPropertyValues(connection("twpool.pool-size=1"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("twpool.driver.sslmode").hasMessageContaining("twpool.driver.sslMode")
                            .hasMessageNotContaining("VERIFY_IDENTITY");
                });
    }

    @Test
    void twpoolSettingsWithoutAnyDatabaseFailTheStartNamingThem() {
        // twpool.* without twpool.url disabled the starter silently; bad values were never reported.
        app().withPropertyValues("twpool.pool-size=3", "twpool.recycle=10s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("twpool.pool-size is set, but twpool has no database")
                    .hasMessageContaining("[twpool.pool-size, twpool.recycle]");
        });
    }

    @Test
    void withoutAnyTwpoolSettingOrDatabaseTheStarterDoesNothing() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TwPoolAutoConfiguration.class,
                        TwPoolMetricsAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DataSource.class));
    }

    @Test
    void aTypoKeyOrABadValueFailsTheStartNamingTheKeyWithoutItsValue(CapturedOutput output) {
        // Boot's failure report printed the value of an unknown key.
        SpringApplication application = new SpringApplication(App.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> application.run(args(connection("twpool.pasword=" + SECRET,
                "twpool.jdbc-url=jdbc:mysql://app:" + SECRET + "@127.0.0.1:9/x")))).isNotNull();
        assertThat(output.getAll()).contains("twpool.pasword", "did you mean twpool.password?", "twpool.jdbc-url")
                .doesNotContain(SECRET);
        // A bad value gets twpool's own message, as outside Spring, whether Boot's type check or twpool refuses it:
        // "abc" is no Integer for Boot; a bare 30 is 30 ms for Boot, and ambiguous for twpool.
        for (String bad : new String[]{"twpool.pool-size=abc", "twpool.probe.interval=abc", "twpool.recycle=30", "twpool.recycle=10s"}) {
            assertThatThrownBy(() -> application.run(args(connection(bad)))).isNotNull();
        }
        assertThat(output.getAll()).contains("twpool.pool-size=abc: must be a whole number",
                "twpool.probe.interval=abc: must be a duration such as 500ms",
                "twpool.recycle=30: must be a duration such as 500ms", "write 30s or 30ms",
                "twpool.recycle=10s: must be 0 (never recycle) or at least 30s").doesNotContain(SECRET);
    }

    private static String[] args(String... properties) {
        String[] args = new String[properties.length];
        for (int i = 0; i < properties.length; i++) {
            args[i] = "--" + properties[i];
        }
        return args;
    }

    @Test
    void healthAnswersWithinValidationTimeoutWhenTheDatabaseIsGone() throws Exception {
        // /actuator/health blocked for twpool.timeout (here 10 s), twice with Boot's db check.
        try (FaultProxy proxy = FaultProxy.forTestDatabase()) {
            app().withPropertyValues(connection("twpool.url=" + proxy.jdbcUrl(), "twpool.timeout=10s",
                            "twpool.validation-timeout=500ms", "twpool.pool-size=1", "twpool.driver.connectTimeout=1000"))
                    .run(context -> {
                        assertThat(health(context, "twpoolHealthIndicator").status()).isEqualTo("UP");
                        for (Runnable fault : new Runnable[]{proxy::cut, proxy::blackhole}) {
                            fault.run();
                            // Each check twice, after HikariCP's 500 ms of trust in a recent connection: the dead
                            // one is then evicted and the pool is empty, where getConnection() waited its timeout.
                            for (String indicator : new String[]{"twpoolHealthIndicator", "dbHealthIndicator",
                                    "twpoolHealthIndicator", "dbHealthIndicator"}) {
                                Thread.sleep(600);
                                long start = System.nanoTime();
                                HealthView down = health(context, indicator);
                                long millis = (System.nanoTime() - start) / 1_000_000;
                                LoggerFactory.getLogger(TwPoolStarterContract.class).info("{} with the database gone: {} ms", indicator, millis);
                                assertThat(down.status()).as(indicator).isEqualTo("DOWN");
                                assertThat(down.details().get("error").toString()).contains("validation-timeout=500ms");
                                // about validation-timeout; at most twice that, plus isValid's whole second
                                assertThat(millis).as(indicator + " took " + millis + " ms").isLessThan(2_500);
                            }
                            proxy.heal();
                        }
                    });
        }
    }

    /** A Boot service that tunes HikariCP the usual way, as it was before the starter was added. */
    private String[] tunedLikeHikari() {
        return new String[] {"spring.datasource.url=" + db.jdbcUrl(), "spring.datasource.username=" + db.username(),
                "spring.datasource.password=" + db.password(), "twpool.probe.enabled=false",
                "spring.datasource.hikari.maximum-pool-size=20", "spring.datasource.hikari.minimum-idle=5",
                "spring.datasource.hikari.max-lifetime=25m", "spring.datasource.hikari.auto-commit=false",
                "spring.datasource.hikari.data-source-properties.cachePrepStmts=true"};
    }

    @Test
    void anApplicationTuningHikariCpTheUsualWayGetsThePoolItAskedFor(CapturedOutput output) {
        // Adding the starter to such an application failed its start (spring.datasource.hikari.* was refused).
        app().withPropertyValues(tunedLikeHikari()).run(context -> {
            assertThat(context).hasNotFailed();
            TwPoolDataSource ds = context.getBean(TwPoolDataSource.class);
            com.zaxxer.hikari.HikariDataSource pool = ds.unwrap(com.zaxxer.hikari.HikariDataSource.class);
            assertThat(pool.getMaximumPoolSize()).isEqualTo(20);
            assertThat(pool.getMinimumIdle()).isEqualTo(5);
            assertThat(pool.getMaxLifetime()).isEqualTo(Duration.ofMinutes(25).toMillis());
            assertThat(ds.config().poolSize()).isEqualTo(5);
            assertThat(ds.config().maxOverflow()).isEqualTo(15);
            try (Connection c = ds.getConnection()) {
                assertThat(c.getAutoCommit()).as("autoCommit on a borrowed connection").isFalse();
                com.mysql.cj.jdbc.JdbcConnection physical = c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class);
                assertThat(physical.getPropertySet().getBooleanProperty(com.mysql.cj.conf.PropertyKey.cachePrepStmts).getValue())
                        .as("cachePrepStmts on the physical connection").isTrue();
            }
        });
        assertThat(output.getAll()).containsOnlyOnce("spring.datasource.hikari.* mapped onto twpool")
                .contains("spring.datasource.hikari.maximum-pool-size=20, spring.datasource.hikari.minimum-idle=5 → pool-size=5, max-overflow=15",
                        "spring.datasource.hikari.max-lifetime=25m → recycle=25m",
                        "spring.datasource.hikari.auto-commit=false → twpool.hikari.*",
                        "cachePrepStmts → twpool.driver.*")
                .doesNotContain(db.password().isEmpty() ? SECRET : db.password());
    }

    @Test
    void theSameSettingAsTwpoolAndAsHikariWithDifferentValuesFailsNamingBothKeys() {
        app().withPropertyValues(tunedLikeHikari()).withPropertyValues("twpool.pool-size=10")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("twpool.pool-size=10 and spring.datasource.hikari.minimum-idle=5 set the same"
                                    + " setting with different values");
                });
        // The same value under both names is one setting given twice, not a conflict.
        app().withPropertyValues(tunedLikeHikari()).withPropertyValues("twpool.pool-size=5", "twpool.recycle=25m")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void whereHikariCpWouldCorrectAValueTwpoolTakesHikariCpsValueAndWarnsOnce(CapturedOutput output) {
        app().withPropertyValues(tunedLikeHikari()).withPropertyValues("spring.datasource.hikari.max-lifetime=20s",
                        "spring.datasource.hikari.minimum-idle=30")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    com.zaxxer.hikari.HikariDataSource pool = context.getBean(TwPoolDataSource.class)
                            .unwrap(com.zaxxer.hikari.HikariDataSource.class);
                    // HikariCP itself: a lifetime under 30 s becomes its default 30 min; minimum-idle at most the maximum
                    assertThat(pool.getMaxLifetime()).isEqualTo(Duration.ofMinutes(30).toMillis());
                    assertThat(pool.getMinimumIdle()).isEqualTo(20);
                    assertThat(pool.getMaximumPoolSize()).isEqualTo(20);
                });
        assertThat(output.getAll()).containsOnlyOnce("HikariCP settings corrected as HikariCP itself corrects them")
                .contains("spring.datasource.hikari.max-lifetime=20s: HikariCP allows no max-lifetime under 30s",
                        "twpool uses 30m", "spring.datasource.hikari.minimum-idle=30: HikariCP allows no minimum-idle above",
                        "twpool uses 20");
    }

    @Test
    void theConfigurationMetadataDocumentsEveryKeyWithTypeAndDefault() throws Exception {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (String key : TwPoolSettings.ALL.stream().map(io.github.twpool.spi.Setting::key).toList()) {
            assertThat(json).as(key).contains("\"name\": \"twpool." + key + "\"");
        }
        for (String key : new String[]{"mysql.clamp-recycle", "mysql.status-interval", "mysql.status-enabled",
                "postgresql.clamp-recycle", "postgresql.status-interval", "postgresql.status-enabled", "hikari", "driver"}) {
            assertThat(json).as(key).contains("\"name\": \"twpool." + key + "\"");
        }
        String compact = json.replaceAll("\\s+", "");
        assertThat(compact).contains(
                "\"name\":\"twpool.recycle\",\"type\":\"java.time.Duration\"", "\"defaultValue\":\"30m\"",
                "\"name\":\"twpool.pool-size\",\"type\":\"java.lang.Integer\"", "\"defaultValue\":10");
        // The jar's metadata is exactly what the declarations of the keys on this class path say (twpool's and
        // pool-mysql's and pool-postgresql's): generated by the build, so it cannot drift from them; stale or hand-edited, this fails.
        assertThat(json).isEqualTo(ConfigurationMetadataGenerator.render(TwPoolSettings.withExtensions()));
        assertThat(json).doesNotContain("\"name\": \"twpool.password\",\n      \"type\": \"java.lang.String\",\n      \"description\": \"Database password; never printed.\",\n      \"defaultValue\"");
    }
}
