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

    /**
     * Adversarial pass: a generated password pasted unencoded into user:password@host. Where Connector/J reads it
     * (; and ') the pool starts and its toString (and start line) must not show it; where the driver cannot (/ ? # ,)
     * twpool refuses the URL, with the probe on or off, without showing the password.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {";", "'", "/", "?", "#", ",", "("})
    void anUnencodedPasswordInUserinfoIsNeverShown(String symbol) {
        String url = "jdbc:mysql://u:Zq9" + symbol + "S3cret@127.0.0.1:3306/test";
        for (String probe : new String[] {"true", "false"}) {
            try {
                TwPoolConfig c = TwPoolConfig.fromProperties(props("twpool.url", url, "twpool.probe.enabled", probe));
                assertThat(c.toString()).doesNotContain("S3cret");
                assertThat(symbol).isIn(";", "'");
            } catch (TwPoolConfigException e) {
                assertThat(e.getMessage()).doesNotContain("S3cret").contains("twpool.url");
                assertThat(symbol).isNotIn(";", "'");
            }
        }
    }

    /**
     * Adversarial pass, log injection: a key or value with a line break or an ANSI escape is echoed in the message
     * (and so in a log line) as an escape, never as the control character; a 1 MB value or key is shown cut.
     */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> controlCharacters() {
        return java.util.stream.Stream.of(
                new String[] {"twpool.foo\nINFO forged line", "x"},
                new String[] {"TwPool.pool-size\nINFO forged line", "1"},
                new String[] {"twpool.hikari.foo\nINFO forged line", "x"},
                new String[] {"twpool.hikari.autoCommit", "yes\nINFO forged line"},
                new String[] {"twpool.hikari.transactionIsolation", "X\u001b[2J\nINFO forged line"},
                new String[] {"twpool.hikari.driverClassName", "X\rINFO forged line"},
                new String[] {"twpool.recycle", "1m\nINFO forged line"},
                new String[] {"twpool.churn.min-rate", "1\u001b[31m"},
                new String[] {"twpool.pool-size", "1\u0085INFO forged line"},
                new String[] {"twpool.pool-size", "1\u2028INFO forged line"})
                .map(kv -> org.junit.jupiter.params.provider.Arguments.of(kv[0], kv[1]));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("controlCharacters")
    void controlCharactersInKeysAndValuesAreEscaped(String key, String value) {
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props(key, value)))
                .isInstanceOf(TwPoolConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r", "\u001b", "\u0085", "\u2028")
                        .contains("\\u"));
    }

    @Test
    void aHugeValueOrKeyIsShownCut() {
        String huge = "9".repeat(1_000_000) + "x";
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.pool-size", huge)))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000).contains("1000001 characters"));
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.hikari.catalog" + huge, "x")))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.x" + huge, "x")))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
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
            "twpool.hikari.maximumPoolSize|50|use twpool.pool-size and twpool.max-overflow instead",
            "twpool.hikari.maxLifetime|60000|use twpool.recycle instead",
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
            // each of these threw an untyped exception (or none) before it was checked
            "twpool.hikari.transactionIsolation|TRANSACTION_BOGUS|must be a java.sql.Connection constant: TRANSACTION_NONE, TRANSACTION_READ_UNCOMMITTED",
            "twpool.hikari.driverClassName|com.example.NoSuchDriver|no such class on the classpath; must name a JDBC driver",
            "twpool.hikari.driverClassName|java.lang.String|is not a JDBC driver (java.sql.Driver)",
            "twpool.hikari.exceptionOverrideClassName|com.example.NoSuchOverride|no such class on the classpath; must name an implementation of com.zaxxer.hikari.SQLExceptionOverride",
            "twpool.hikari.exceptionOverrideClassName|java.lang.Object|is not an implementation of com.zaxxer.hikari.SQLExceptionOverride",
            "twpool.recycle|999999999999d|is too large: HikariCP counts milliseconds in a long",
            "twpool.recycle|PT2562047788015215H|is too large",
            "twpool.timeout|999999999999d|is too large",
            "twpool.keepalive|PT2562047788015215H|is too large",
            "twpool.leak-detection-threshold|999999999999d|is too large",
            "twpool.overflow-idle-timeout|999999999999d|is too large",
            "twpool.probe.interval|999999999999d|is too large",
            "twpool.churn.warn-interval|999999999999d|is too large",
            "twpool.validation-timeout|999999999999d|is too large",
            // sub-millisecond values named as given, never as 0; numbers in ASCII only
            "twpool.recycle|1ns|twpool.recycle=1ns: must be a whole number of milliseconds",
            "twpool.timeout|1500us|twpool.timeout=1500us: must be a whole number of milliseconds",
            "twpool.recycle|PT30.0000001S|twpool.recycle=PT30.0000001S: must be a whole number of milliseconds",
            "twpool.pool-size|１０|must be a whole number written in ASCII digits",
            "twpool.pool-size|+5|must be a whole number written in ASCII digits",
            "twpool.probe.scan-every|٣|must be a whole number written in ASCII digits",
            "twpool.churn.min-rate|0x1p3|must be a number written in ASCII digits",
            "twpool.churn.min-rate|１|must be a number written in ASCII digits",
            "twpool.churn.min-rate|1e3|must be a number written in ASCII digits",
            "twpool.churn.min-rate|Infinity|must be a number written in ASCII digits",
            "twpool.recycle|３０s|must be a duration such as",
            "twpool.recycle|PT３０S|must be a duration such as",
            "twpool.hikari.initializationFailTimeout|１０|must be milliseconds",
            "twpool.keepalive|2m|must be shorter than recycle (30s)",
    })
    void badValuesNameTheKeyTheValueAndWhatIsAllowed(String key, String value, String allowed) {
        Properties p = props(key, value);
        if (allowed.contains("shorter than recycle (30s)")) {
            p.setProperty("twpool.recycle", "30s");
        }
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(p))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith(key + "=")
                .hasMessageContaining(value.trim().isEmpty() ? "" : value)
                .hasMessageContaining(allowed)
                .satisfies(e -> assertThat(((TwPoolConfigException) e).property()).isEqualTo(key));
    }

    private static final String UNKNOWN_VALUE = "Zq9-Unknown-Value";

    /** The value of a key twpool does not know is never shown (it may be a password). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "twpool.poolsize|did you mean twpool.pool-size?",
            "twpool.recyle|did you mean twpool.recycle?",
            "twpool.hikari.conectionInitSql|unknown Hikari property (its value is not shown); did you mean connectionInitSql?",
            "twpool.probe.intervall|did you mean twpool.probe.interval?",
            "twpool.foo.bar|if twpool.foo.* belongs to an extension such as pool-foo, put that module on the classpath",
            "twpool.mysql.password|unknown property (its value is not shown)",
            "twpool.pass|unknown property",
            "twpool.pw|unknown property",
            "twpool.user-pass|unknown property",
            "twpool.secret|unknown property",
            "twpool.token|unknown property",
            "twpool.credential|unknown property",
            "twpool.URL|did you mean twpool.url?",
            "twpool.jdbcUrl|unknown property",
            "twpool.jdbc-url|unknown property",
            "twpool.Password|did you mean twpool.password?",
            "twpool.hikari.pass|unknown Hikari property",
    })
    void unknownKeysNeverShowTheirValue(String key, String hint) {
        Properties p = props(key, UNKNOWN_VALUE);
        if (key.equalsIgnoreCase("twpool.url")) {
            p.remove("twpool.url"); // with it, twpool.URL is refused as ambiguous (keysDifferingOnlyInCaseAreAmbiguous)
        }
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(p))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith(key + ": ")
                .hasMessageContaining(hint)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(UNKNOWN_VALUE))
                .satisfies(e -> assertThat(((TwPoolConfigException) e).property()).isEqualTo(key));
    }

    /** An extension's unknown key given in code is refused by create() without its value, before anything opens. */
    @Test
    void anExtensionsUnknownKeyFromCodeNeverShowsItsValue() {
        io.github.twpool.spi.TwPoolExtension ext = new io.github.twpool.spi.TwPoolExtension() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public boolean supports(String jdbcUrl) {
                return true;
            }

            @Override
            public java.util.List<io.github.twpool.spi.Setting<?>> settings() {
                return java.util.List.of(io.github.twpool.spi.Setting.duration("fake.status-interval", Duration.ofSeconds(60)));
            }

            @Override
            public void validate(TwPoolConfig config) {
                throw new AssertionError("validate ran before the keys were checked");
            }
        };
        TwPoolConfig c = TwPoolConfig.builder().url("jdbc:mysql://127.0.0.1:1/x").probeEnabled(false)
                .extensionProperty("fake.password", UNKNOWN_VALUE).build();
        assertThatThrownBy(() -> TwPoolDataSource.create(c, java.util.List.of(ext)))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith("twpool.fake.password: unknown property (its value is not shown)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(UNKNOWN_VALUE));
    }

    /** Known keys holding URLs mask the password whatever the key's case; secret keys never show a value. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "twpool.hikari.jdbcUrl|jdbc:mysql://u:Zq9-Unknown-Value@h/db",
            "twpool.hikari.JDBCURL|jdbc:mysql://h/db?password=Zq9-Unknown-Value",
            "twpool.hikari.password|Zq9-Unknown-Value",
            "twpool.hikari.Password|Zq9-Unknown-Value",
            "twpool.url|mysql://u:Zq9-Unknown-Value@h/db",
            "twpool.url|jdbc:mysql://h/db;password=Zq9-Unknown-Value",
    })
    void knownKeysMaskSecretsInTheirValues(String key, String value) {
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props(key, value)))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith(key + "=")
                .hasMessageContaining("****")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(UNKNOWN_VALUE));
    }

    /** Keys meant for twpool but never read as written are refused, not silently ignored. */
    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "TwPool.pool-size",
            "TWPOOL.pool-size",
            "' twpool.pool-size'",
            "'twpool.pool-size '",
            "'	twpool.pool-size'",
            "'Twpool.pool-size	'",
    })
    void nearMissesOfThePrefixAreRefused(String key) {
        Properties p = props(key, "Zq9-Unknown-Value");
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(p))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("is not read")
                .hasMessageContaining("did you mean twpool.pool-size?")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Zq9-Unknown-Value"));
    }

    @Test
    void keysDifferingOnlyInCaseAreAmbiguous() {
        for (String[] pair : new String[][] {{"twpool.pool-size", "twpool.POOL-SIZE"},
                {"twpool.hikari.autoCommit", "twpool.hikari.autocommit"}, {"twpool.driver.sslMode", "twpool.driver.sslmode"}}) {
            Properties p = props(pair[0], "5", pair[1], "6");
            if (pair[0].contains("hikari")) {
                p = props(pair[0], "true", pair[1], "false");
            }
            Properties given = p;
            assertThatThrownBy(() -> TwPoolConfig.fromProperties(given))
                    .isInstanceOf(TwPoolConfigException.class)
                    .hasMessageContaining("differ only in case")
                    .hasMessageContaining(pair[0]).hasMessageContaining(pair[1]);
        }
    }

    /** An unset keepalive adapts to a short recycle; a set one is checked. */
    @Test
    void anUnsetKeepaliveFollowsAShortRecycle() {
        assertThat(TwPoolConfig.fromProperties(props("twpool.recycle", "30s")).keepalive()).isZero();
        assertThat(TwPoolConfig.fromProperties(props("twpool.recycle", "30s")).describe()).contains("recycle=30s", "keepalive=off");
        assertThat(TwPoolConfig.fromProperties(props("twpool.recycle", "1m")).keepalive()).isEqualTo(Duration.ofSeconds(30));
        assertThat(TwPoolConfig.fromProperties(props("twpool.recycle", "90s")).keepalive()).isEqualTo(Duration.ofSeconds(45));
        assertThat(TwPoolConfig.fromProperties(props("twpool.recycle", "3m")).keepalive()).isEqualTo(Duration.ofMinutes(2));
        assertThat(TwPoolConfig.fromProperties(props("twpool.recycle", "0")).keepalive()).isEqualTo(Duration.ofMinutes(2));
        TwPoolConfig c = TwPoolConfig.builder().url(URL).recycle(Duration.ofSeconds(40)).build();
        assertThat(c.keepalive()).isZero();
        assertThat(c.toBuilder().recycle(Duration.ofMinutes(30)).build().keepalive()).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.recycle", "30s", "twpool.keepalive", "30s")))
                .hasMessageContaining("twpool.keepalive=30s: must be shorter than recycle (30s)");
    }

    /** Durations built in code that do not fit HikariCP's milliseconds fail in build(), never later. */
    @Test
    void hugeDurationsInCodeFailInBuildAndPrintingNeverThrows() {
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
        assertThatThrownBy(() -> TwPoolConfig.builder().url(URL).recycle(huge).build())
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith("twpool.recycle=")
                .hasMessageContaining("is too large");
        assertThatThrownBy(() -> TwPoolConfig.builder().url(URL).timeout(null).build())
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith("twpool.timeout=null: must be set");
        assertThatThrownBy(() -> TwPoolConfig.builder().url(URL).recycle(Duration.ofNanos(1)).build())
                .hasMessageStartingWith("twpool.recycle=1ns: ");
    }

    /** A path the file system cannot take fails in build(), before anything opens. */
    @Test
    void aProcRootTheFileSystemCannotTakeFailsInBuild() {
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.probe.proc-root", "/pro\u0000c")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith("twpool.probe.proc-root=/pro\\u0000c: is not a path this file system can take");
    }

    /**
     * Adversarial pass: a proc-root with a line break or an ANSI escape is a valid path, and the probe's WARN lines
     * print it ("<proc-root>/net/tcp is not a regular file"): a forged log line. Refused in build().
     */
    @Test
    void aProcRootWithControlCharactersFailsInBuild() {
        for (String root : new String[] {"/tmp/p\nERROR forged line", "/tmp/p\u001b[2J", "/tmp/p\rx"}) {
            assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.probe.proc-root", root)))
                    .isInstanceOf(TwPoolConfigException.class)
                    .hasMessageStartingWith("twpool.probe.proc-root=/tmp/p\\u00")
                    .hasMessageContaining("control characters");
        }
    }

    /**
     * Adversarial pass: HikariCP prints connectionInitSql (and connectionTestQuery) verbatim in its DEBUG
     * configuration dump, and a server error echoes the statement ("near 'IDENTIFIED BY ...'"); twpool cannot mask
     * either. A statement that carries a password is refused, without showing it.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "CREATE USER IF NOT EXISTS app IDENTIFIED BY 'Zq9S3cret'",
            "ALTER USER app IDENTIFIED WITH mysql_native_password BY 'Zq9S3cret'",
            "alter user app identified by 'Zq9S3cret'",
            "SET PASSWORD = 'Zq9S3cret'",
            "SET PASSWORD FOR app = PASSWORD('Zq9S3cret')",
            "SET @api_token = 'Zq9S3cret'",
            "SET @db_password:='Zq9S3cret'",
            "SET NAMES utf8mb4; SET @`secret` = 'Zq9S3cret'"})
    void initSqlCarryingAPasswordIsRefused(String sql) {
        for (String key : new String[] {"twpool.hikari.connectionInitSql", "twpool.hikari.connectionTestQuery"}) {
            assertThatThrownBy(() -> TwPoolConfig.fromProperties(props(key, sql)))
                    .isInstanceOf(TwPoolConfigException.class)
                    .hasMessageStartingWith(key)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("S3cret"));
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"SET NAMES utf8mb4", "SET SESSION sql_mode='STRICT_ALL_TABLES'",
            "SET @app = 'orders'", "SELECT 1", "SET SESSION default_password_lifetime = 0",
            "SET @@session.time_zone = '+00:00'"})
    void ordinaryInitSqlPasses(String sql) {
        assertThat(TwPoolConfig.fromProperties(props("twpool.hikari.connectionInitSql", sql)).hikariProperties())
                .containsEntry("connectionInitSql", sql);
    }

    /**
     * Adversarial pass: {@code properties.put("twpool.pool-size", 20)} (an Integer, as code often writes it) was
     * skipped without a word by stringPropertyNames(), and the pool ran with the default 10.
     */
    @Test
    void aValueThatIsNotAStringIsRefusedNotIgnored() {
        Properties p = props();
        p.put("twpool.pool-size", 20);
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(p))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith("twpool.pool-size: ")
                .hasMessageContaining("java.lang.Integer");
        Properties secret = props();
        secret.put("twpool.password", new char[] {'Z', 'q', '9'});
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(secret))
                .isInstanceOf(TwPoolConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Zq9"));
        Properties other = props();
        other.put("app.workers", 4);
        other.put(7, "x");
        assertThat(TwPoolConfig.fromProperties(other).poolSize()).isEqualTo(10);
    }

    /** Adversarial pass: a user name with a line break does not break toString() into two lines. */
    @Test
    void toStringIsOneLine() {
        TwPoolConfig c = TwPoolConfig.fromProperties(props("twpool.username", "app\nERROR forged"));
        assertThat(c.username()).isEqualTo("app\nERROR forged");
        assertThat(c.toString()).doesNotContain("\n").contains("username=app\\u000aERROR forged");
    }

    /** The probe's port comes from the URL's scheme; an unknown scheme without a port names twpool.url. */
    @Test
    void anUnknownSchemeWithoutAPortIsRefusedWhileTheProbeIsOn() {
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.url", "jdbc:foo://db/app")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageStartingWith("twpool.url=jdbc:foo://db/app: ")
                .hasMessageContaining("no default port for jdbc:foo: URLs: write the port (jdbc:foo://db:PORT/...)")
                .hasMessageContaining("or set twpool.probe.enabled=false");
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.url", "jdbc:h2:mem:x")))
                .hasMessageStartingWith("twpool.url=jdbc:h2:mem:x: ");
        TwPoolConfig.fromProperties(props("twpool.url", "jdbc:foo://db:7000/app"));
        TwPoolConfig.fromProperties(props("twpool.url", "jdbc:foo://db/app", "twpool.probe.enabled", "false"));
        TwPoolConfig.fromProperties(props("twpool.url", "jdbc:postgresql://db/app"));
    }

    /** Passwords in the URL move to driver properties, so each must be readable and given once. */
    @Test
    void urlPasswordsMustBeGivenOnceAndWhereTheDriverReadsThem() {
        String pw = "Zq9-Unknown-Value";
        for (String url : new String[] {
                "jdbc:mysql://h/db;password=" + pw,
                "jdbc:mysql://(host=h,port=3306,password=" + pw + "/db",
                "jdbc:mysql://u:" + pw + "@h1,u:other-pw@h2/db",
        }) {
            assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.url", url)))
                    .isInstanceOf(TwPoolConfigException.class)
                    .hasMessageStartingWith("twpool.url=")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pw).doesNotContain("other-pw"));
        }
        assertThatThrownBy(() -> TwPoolConfig.fromProperties(props("twpool.url", "jdbc:mysql://u:" + pw + "@h/db",
                "twpool.password", "another-one")))
                .hasMessageContaining("gives password and so does twpool.password, with a different value")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pw).doesNotContain("another-one"));
        TwPoolConfig.fromProperties(props("twpool.url", "jdbc:mysql://u:" + pw + "@h/db", "twpool.password", pw));
        assertThatThrownBy(() -> TwPoolConfig.builder().url("jdbc:mysql://h/db?password=two " + pw).build())
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessage("twpool.url: must not contain blanks or control characters (write a space inside a value as %20); "
                        + "the URL is not shown, it may hold a password");
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
