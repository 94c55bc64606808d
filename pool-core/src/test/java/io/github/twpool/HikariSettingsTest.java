package io.github.twpool;

import ch.qos.logback.classic.Level;
import com.zaxxer.hikari.HikariConfig;
import io.github.twpool.internal.HikariConfigFactory;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An application that already configures HikariCP (a HikariConfig, hikari.properties) gets the same pool from twpool:
 * every setting it can give HikariCP comes back out of the HikariConfig twpool builds from the mapped configuration,
 * and where HikariCP would have corrected a value, twpool runs with HikariCP's correction and says so.
 */
class HikariSettingsTest {

    private static final String URL = "jdbc:mysql://127.0.0.1:3306/test";

    /** One HikariCP setting: how the application sets it, and how to read it back from a HikariConfig. */
    record Row(String name, BiConsumer<HikariConfig, Object> set, Function<HikariConfig, Object> get, Object value) {
        @Override
        public String toString() {
            return name + "=" + value;
        }
    }

    private static Row row(String name, BiConsumer<HikariConfig, Object> set, Function<HikariConfig, Object> get, Object value) {
        return new Row(name, set, get, value);
    }

    static Stream<Row> everyMappedSetting() {
        return Stream.of(
                row("maximumPoolSize", (h, v) -> h.setMaximumPoolSize((Integer) v), HikariConfig::getMaximumPoolSize, 20),
                row("minimumIdle", (h, v) -> h.setMinimumIdle((Integer) v), HikariConfig::getMinimumIdle, 5),
                row("maxLifetime", (h, v) -> h.setMaxLifetime((Long) v), HikariConfig::getMaxLifetime, 1_500_000L),
                row("idleTimeout", (h, v) -> { h.setMaximumPoolSize(20); h.setMinimumIdle(5); h.setIdleTimeout((Long) v); },
                        HikariConfig::getIdleTimeout, 120_000L),
                row("keepaliveTime", (h, v) -> h.setKeepaliveTime((Long) v), HikariConfig::getKeepaliveTime, 60_000L),
                row("connectionTimeout", (h, v) -> h.setConnectionTimeout((Long) v), HikariConfig::getConnectionTimeout, 10_000L),
                row("validationTimeout", (h, v) -> h.setValidationTimeout((Long) v), HikariConfig::getValidationTimeout, 2_000L),
                row("leakDetectionThreshold", (h, v) -> h.setLeakDetectionThreshold((Long) v), HikariConfig::getLeakDetectionThreshold, 10_000L),
                row("poolName", (h, v) -> h.setPoolName((String) v), HikariConfig::getPoolName, "orders"),
                row("autoCommit", (h, v) -> h.setAutoCommit((Boolean) v), HikariConfig::isAutoCommit, false),
                row("transactionIsolation", (h, v) -> h.setTransactionIsolation((String) v), HikariConfig::getTransactionIsolation,
                        "TRANSACTION_READ_COMMITTED"),
                row("readOnly", (h, v) -> h.setReadOnly((Boolean) v), HikariConfig::isReadOnly, true),
                row("catalog", (h, v) -> h.setCatalog((String) v), HikariConfig::getCatalog, "test"),
                row("schema", (h, v) -> h.setSchema((String) v), HikariConfig::getSchema, "app"),
                row("connectionInitSql", (h, v) -> h.setConnectionInitSql((String) v), HikariConfig::getConnectionInitSql, "SET NAMES utf8mb4"),
                row("connectionTestQuery", (h, v) -> h.setConnectionTestQuery((String) v), HikariConfig::getConnectionTestQuery, "SELECT 1"),
                row("initializationFailTimeout", (h, v) -> h.setInitializationFailTimeout((Long) v),
                        HikariConfig::getInitializationFailTimeout, -1L),
                row("isolateInternalQueries", (h, v) -> h.setIsolateInternalQueries((Boolean) v), HikariConfig::isIsolateInternalQueries, true),
                row("allowPoolSuspension", (h, v) -> h.setAllowPoolSuspension((Boolean) v), HikariConfig::isAllowPoolSuspension, true),
                row("registerMbeans", (h, v) -> h.setRegisterMbeans((Boolean) v), HikariConfig::isRegisterMbeans, true));
    }

    /** The pool twpool would start: HikariCP's own configuration, as twpool builds it from the mapped settings. */
    private static HikariConfig twpoolsHikari(TwPoolConfig config) {
        return HikariConfigFactory.create(config, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyMappedSetting")
    void everyHikariSettingComesBackOutOfTheHikariConfigTwpoolBuilds(Row row) {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(URL);
        row.set().accept(h, row.value());
        Object expected = row.get().apply(h);
        assertThat(expected).as("the table sets a value").isEqualTo(row.value());
        TwPoolConfig config = TwPoolConfig.fromHikari(h);
        assertThat(row.get().apply(twpoolsHikari(config))).as(row.name()).isEqualTo(expected);
        assertThat(h.getMaximumPoolSize()).as("the application's HikariConfig is not changed").isEqualTo(row.name().equals("maximumPoolSize")
                || row.name().equals("idleTimeout") ? 20 : 10);
    }

    @Test
    void sizesConnectionAndDataSourcePropertiesMapOntoTwpoolsOwnKeys() {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(URL);
        h.setUsername("app");
        h.setPassword("Zq9-secret");
        h.setMaximumPoolSize(20);
        h.setMinimumIdle(5);
        h.setMaxLifetime(Duration.ofMinutes(25).toMillis());
        h.addDataSourceProperty("cachePrepStmts", "true");
        h.setAutoCommit(false);
        h.setConnectionInitSql("SET @app_tag = 'Zq9-init'");
        try (LogCapture log = LogCapture.of("io.github.twpool.config")) {
            TwPoolConfig c = TwPoolConfig.fromHikari(h);
            assertThat(c.url()).isEqualTo(URL);
            assertThat(c.username()).isEqualTo("app");
            assertThat(c.password()).isEqualTo("Zq9-secret");
            assertThat(c.poolSize()).isEqualTo(5);
            assertThat(c.maxOverflow()).isEqualTo(15);
            assertThat(c.maxPoolSize()).isEqualTo(20);
            assertThat(c.recycle()).isEqualTo(Duration.ofMinutes(25));
            assertThat(c.driverProperties()).containsEntry("cachePrepStmts", "true");
            // data source properties reach the driver: twpool gives them to the JDBC driver it opens connections with
            assertThat(HikariConfigFactory.driverProperties(c, java.util.List.of())).containsEntry("cachePrepStmts", "true");
            assertThat(log.messages(Level.INFO)).singleElement().asString()
                    .contains("HikariConfig mapped onto twpool", "maximumPoolSize=20, minimumIdle=5 → pool-size=5, max-overflow=15",
                            "maxLifetime=25m → recycle=25m", "autoCommit=false, connectionInitSql → twpool.hikari.*",
                            "cachePrepStmts → twpool.driver.*")
                    .doesNotContain("Zq9-secret").doesNotContain("Zq9-init");
            assertThat(log.messages(Level.WARN)).isEmpty();
        }
    }

    @Test
    void whereHikariCpCorrectsAValueTwpoolTakesHikariCpsValueAndSaysSoOnce() {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(URL);
        h.setMaximumPoolSize(20);
        h.setMinimumIdle(50);
        h.setMaxLifetime(20_000);
        try (LogCapture log = LogCapture.of("io.github.twpool.config")) {
            TwPoolConfig c = TwPoolConfig.fromHikari(h);
            // HikariCP: minimumIdle above the maximum becomes the maximum; maxLifetime under 30 s becomes its default 30 min
            assertThat(c.poolSize()).isEqualTo(20);
            assertThat(c.maxOverflow()).isZero();
            assertThat(c.recycle()).isEqualTo(Duration.ofMinutes(30));
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("minimumIdle=50: HikariCP allows no minimum-idle above the maximum pool size", "twpool uses 20")
                    .contains("maxLifetime=20s: HikariCP allows no max-lifetime under 30s", "twpool uses 30m");
        }
        HikariConfig validated = new HikariConfig();
        h.copyStateTo(validated);
        validated.validate();
        assertThat(validated.getMaxLifetime()).as("HikariCP's own correction").isEqualTo(Duration.ofMinutes(30).toMillis());
        assertThat(validated.getMinimumIdle()).isEqualTo(20);
    }

    @Test
    void twpoolsOwnSettingsOnTopAndTheSameSettingTwiceWithDifferentValuesFailsNamingBoth() {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(URL);
        h.setMaximumPoolSize(20);
        h.setMinimumIdle(5);
        Properties twpool = new Properties();
        twpool.setProperty("twpool.probe.interval", "30s");
        twpool.setProperty("twpool.pool-size", "5");
        TwPoolConfig c = TwPoolConfig.fromHikari(h, twpool);
        assertThat(c.probeInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.poolSize()).isEqualTo(5);
        twpool.setProperty("twpool.pool-size", "10");
        assertThatThrownBy(() -> TwPoolConfig.fromHikari(h, twpool))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.pool-size=10 and minimumIdle=5 set the same setting with different values");
        Properties autoCommit = new Properties();
        autoCommit.setProperty("twpool.hikari.autoCommit", "true");
        h.setAutoCommit(false);
        assertThatThrownBy(() -> TwPoolConfig.fromHikari(h, autoCommit))
                .hasMessageContaining("twpool.hikari.autoCommit=true and autoCommit=false");
    }

    @Test
    void aValueTwpoolRefusesIsNamedByTheHikariSettingItCameFrom() {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(URL);
        h.setConnectionTimeout(1_000);
        h.setValidationTimeout(1_000);
        assertThatThrownBy(() -> TwPoolConfig.fromHikari(h))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith("validationTimeout → twpool.validation-timeout=1s: must be shorter than timeout (1s)")
                .satisfies(e -> assertThat(((TwPoolConfigException) e).property()).isEqualTo("validationTimeout"));
    }

    @Test
    void aHikariPropertiesFileWorksThroughHikariCpsOwnLoader() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("hikari", ".properties");
        try {
            java.nio.file.Files.writeString(file, "jdbcUrl=" + URL + "\nmaximumPoolSize=12\nminimumIdle=4\nautoCommit=false\n"
                    + "dataSource.cachePrepStmts=true\n");
            TwPoolConfig c = TwPoolConfig.fromHikari(new HikariConfig(file.toString()));
            assertThat(c.poolSize()).isEqualTo(4);
            assertThat(c.maxPoolSize()).isEqualTo(12);
            assertThat(c.hikariProperties()).containsEntry("autoCommit", "false");
            assertThat(c.driverProperties()).containsEntry("cachePrepStmts", "true");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
