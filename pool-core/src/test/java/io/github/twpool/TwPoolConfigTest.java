package io.github.twpool;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TwPoolConfigTest {

    private static final String URL = "jdbc:mysql://127.0.0.1:3306/test";

    private static Properties props(String... kv) {
        Properties p = new Properties();
        p.setProperty("twpool.url", URL);
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAreAFixedSizePoolWithHikarisSafeTimings() {
        TwPoolConfig c = TwPoolConfig.fromProperties(props());
        assertThat(c.poolSize()).isEqualTo(10);
        assertThat(c.maxOverflow()).isZero();
        assertThat(c.maxPoolSize()).isEqualTo(10);
        assertThat(c.recycle()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.keepalive()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.validationTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.prePing()).isFalse();
        assertThat(c.resetSession()).isFalse();
        assertThat(c.probeEnabled()).isTrue();
        assertThat(c.probeInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void parsesEveryKeyLikeSqlAlchemysCreateEngine() {
        TwPoolConfig c = TwPoolConfig.fromProperties(props(
                "twpool.pool-size", "20", "twpool.max-overflow", "10", "twpool.overflow-idle-timeout", "2m",
                "twpool.recycle", "1h", "twpool.pre-ping", "TRUE", "twpool.keepalive", "PT5M",
                "twpool.timeout", "1500ms", "twpool.validation-timeout", "1s", "twpool.leak-detection-threshold", "20s",
                "twpool.name", "orders", "twpool.username", "app", "twpool.password", "pw",
                "twpool.hikari.connectionInitSql", "SET NAMES utf8mb4", "twpool.driver.connectTimeout", "3000",
                "twpool.probe.interval", "5s", "other.key", "ignored"));
        assertThat(c.poolSize()).isEqualTo(20);
        assertThat(c.maxPoolSize()).isEqualTo(30);
        assertThat(c.overflowIdleTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.recycle()).isEqualTo(Duration.ofHours(1));
        assertThat(c.keepalive()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.leakDetectionThreshold()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.name()).isEqualTo("orders");
        assertThat(c.hikariProperties()).containsEntry("connectionInitSql", "SET NAMES utf8mb4");
        assertThat(c.driverProperties()).containsEntry("connectTimeout", "3000");
        assertThat(c.probeInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.describe()).contains("pool-size=20", "max-overflow=10", "recycle=1h", "overflow-idle-timeout=2m");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "twpool.pool-size|-1|must be an integer from 1 to 1000",
            "twpool.pool-size|0|no limit, has no equivalent",
            "twpool.pool-size|ten|must be a whole number",
            "twpool.max-overflow|-1|SQLAlchemy's -1 (no limit) has no meaning here",
            "twpool.max-overflow|995|pool-size + max-overflow at most 1000",
            "twpool.recycle|3600|a bare number is ambiguous",
            "twpool.recycle|10s|at least 30s (HikariCP's floor for maxLifetime)",
            "twpool.recycle|1 hour|must be a duration such as",
            "twpool.keepalive|10s|must be 0 (off) or at least 30s",
            "twpool.keepalive|30m|must be shorter than recycle (30m)",
            "twpool.timeout|100ms|at least 250ms",
            "twpool.validation-timeout|30s|must be shorter than timeout (30s)",
            "twpool.leak-detection-threshold|1s|must be 0 (off) or at least 2s",
            "twpool.pre-ping|yes|must be true or false",
            "twpool.name|my pool|letters, digits",
            "twpool.probe.interval|100ms|must be from 1s to 1h",
            "twpool.churn.port-warn-ratio|1.5|above 0 and at most 1",
            "twpool.poolsize|5|unknown property; did you mean twpool.pool-size?",
            "twpool.recyle|1h|did you mean twpool.recycle?",
            "twpool.hikari.maximumPoolSize|50|use twpool.pool-size and twpool.max-overflow instead",
            "twpool.hikari.maxLifetime|60000|use twpool.recycle instead",
            "twpool.hikari.conectionInitSql|SELECT 1|unknown Hikari property; did you mean connectionInitSql?",
            "twpool.hikari.autoCommit|maybe|must be true or false",
            "twpool.url|postgres://x|must be a JDBC URL starting with jdbc:",
            "twpool.url|''|must not be empty",
            "twpool.name|''|must not be empty",
            "twpool.max-overflow|x|must be a whole number",
            "twpool.overflow-idle-timeout|5s|at least 10s (HikariCP's floor for idleTimeout)",
            "twpool.reset-session|1|must be true or false",
            "twpool.validation-timeout|100ms|at least 250ms",
            "twpool.timeout|abc|must be a duration such as",
            "twpool.timeout|''|must be a duration such as",
            "twpool.leak-detection-threshold|2h|must be shorter than recycle (30m)",
            "twpool.probe.enabled|on|must be true or false",
            "twpool.probe.scan-every|0|from 1 to 10000",
            "twpool.probe.scan-threshold|-5|from 0 to 1000000",
            "twpool.probe.proc-root|proc|must be an absolute path",
            "twpool.churn.warn-interval|1s|must be from probe.interval (10s) to 1d",
            "twpool.churn.min-rate|-1|from 0 to 1000000",
            "twpool.churn.outside-factor|0.5|from 1 to 1000",
            "twpool.churn.outside-factor|NaN|must be a number",
            "twpool.hikari.initializationFailTimeout|soon|must be milliseconds",
            "twpool.hikari.transactionIsolation|READ_COMMITTED|TRANSACTION_READ_COMMITTED",
            "twpool.probe.intervall|5s|did you mean twpool.probe.interval?",
            "twpool.foo.bar|1|if twpool.foo.* belongs to an extension such as pool-foo, put that module on the classpath",
    })
    void badValuesNameTheKeyTheValueAndWhatIsAllowed(String key, String value, String allowed) {
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props(key, value)))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith(key + "=")
                .hasMessageContaining(value.trim().isEmpty() ? "" : value)
                .hasMessageContaining(allowed)
                .satisfies(e -> assertThat(((TwPoolConfigException) e).property()).isEqualTo(key));
    }

    @Test
    void overflowIdleTimeoutWithoutOverflowIsAConflict() {
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.overflow-idle-timeout", "1m")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.overflow-idle-timeout=1m")
                .hasMessageContaining("has no effect with max-overflow=0");
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.max-overflow", "5",
                "twpool.overflow-idle-timeout", "1h", "twpool.recycle", "30m")))
                .hasMessageContaining("must be shorter than recycle (30m)");
    }

    @Test
    void theDefaultValidationTimeoutFollowsAShortTimeoutButAnExplicitOneIsChecked() {
        assertThat(TwPoolConfig.fromProperties(props("twpool.timeout", "2s")).validationTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.timeout", "2s", "twpool.validation-timeout", "3s")))
                .hasMessageContaining("twpool.validation-timeout=3s: must be shorter than timeout (2s)");
    }

    @Test
    void urlIsRequired() {
        Properties p = new Properties();
        p.setProperty("twpool.pool-size", "3");
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(p))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.url is required");
    }

    @Test
    void zeroMeansNeverOrOffWhereHikariAllowsIt() {
        TwPoolConfig c = TwPoolConfig.fromProperties(props("twpool.recycle", "0", "twpool.keepalive", "0"));
        assertThat(c.recycle()).isZero();
        assertThat(c.keepalive()).isZero();
        assertThat(c.describe()).contains("recycle=never", "keepalive=off");
    }

    @Test
    void builderValidatesLikeProperties() {
        assertThatThrownBy(() -> TwPoolConfig.builder().url(URL).poolSize(5).maxOverflow(-2).build())
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith("twpool.max-overflow=-2: ");
        TwPoolConfig c = TwPoolConfig.builder().url(URL).poolSize(5).maxOverflow(5)
                .overflowIdleTimeout(Duration.ofSeconds(30)).build();
        assertThat(c.maxPoolSize()).isEqualTo(10);
        assertThat(c.toBuilder().poolSize(7).build().maxPoolSize()).isEqualTo(12);
    }

    @Test
    void passwordsNeverAppearInToStringOrErrors() {
        String secret = "S3cr3t-Zebra-77";
        TwPoolConfig c = TwPoolConfig.fromProperties(props(
                "twpool.url", "jdbc:mysql://app:" + secret + "@db:3306/x?password=" + secret + "&user=app",
                "twpool.password", secret));
        assertThat(c.toString()).doesNotContain(secret).contains("****");
        assertThat(c.describe()).doesNotContain(secret);

        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.url", "mysql://x?password=" + secret)))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.pasword", secret)))
                .hasMessageContaining("did you mean twpool.password?")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.hikari.password", secret)))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
    }
}
