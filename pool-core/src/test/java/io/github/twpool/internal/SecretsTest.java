package io.github.twpool.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

    private static final String PW = "Zq9-Pw-S3cret";

    @Test
    void masksPasswordsInEveryUrlForm() {
        assertThat(Secrets.maskUrl("jdbc:mysql://u:pw1@h:3306/db")).isEqualTo("jdbc:mysql://u:****@h:3306/db");
        assertThat(Secrets.maskUrl("jdbc:mysql://h/db?user=u&password=pw1&ssl=true"))
                .isEqualTo("jdbc:mysql://h/db?user=u&password=****&ssl=true");
        assertThat(Secrets.maskUrl("jdbc:mysql://h/db?trustCertificateKeyStorePassword=x1&password1=y2"))
                .doesNotContain("x1").doesNotContain("y2");
        assertThat(Secrets.maskUrl("jdbc:mysql://(host=h,port=3306,password=pw1)/db")).doesNotContain("pw1");
        assertThat(Secrets.maskUrl("jdbc:mysql://h:3306/db")).isEqualTo("jdbc:mysql://h:3306/db");
    }

    /** Every spelling of a password a driver reads, and some it does not. */
    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:mysql://u:" + PW + "@h/db",
            "jdbc:mysql://u:" + PW + "@h:3306,u:" + PW + "@h2:3307/db",
            "jdbc:mysql://u:p@" + PW + "@h/db",
            "jdbc:mysql://:" + PW + "@h/db",
            "jdbc:mysql://(host=h,port=3306,user=u,password=" + PW + ")/db",
            "jdbc:mysql://(host=h,password=" + PW + ",port=3306)/db",
            "jdbc:mysql://(host=h,port=3306,password=" + PW + "/db",
            "jdbc:mysql://address=(host=h)(port=3306)(user=u)(password=" + PW + ")/db",
            "jdbc:mysql://address=(host=h)(Password=" + PW + ")(port=3306)/db",
            "jdbc:mysql://h/db?user=u&password1=" + PW,
            "jdbc:mysql://h/db?user=u&password2=" + PW + "&password3=" + PW,
            "jdbc:mysql://h/db;password=" + PW,
            "jdbc:mysql://h/db;user=u;password=" + PW + ";x=1",
            "jdbc:sqlserver://h:1433;databaseName=db;password=" + PW,
            "jdbc:mysql://h/db?PASSWORD=" + PW,
            "jdbc:mysql://h/db?PassWord=" + PW + "&x=1",
            "jdbc:mysql://h/db?pass%77ord=" + PW,
            "jdbc:mysql://h/db?%70%61%73%73%77%6f%72%64=" + PW,
            "jdbc:mysql://h/db?sslKeyPassword=" + PW,
            "jdbc:mysql://h/db?pwd=" + PW,
            "jdbc:mysql://h/db?user-pass=" + PW,
            "jdbc:mysql://h/db?pw=" + PW,
            "jdbc:mysql://h/db?accessToken=" + PW,
            "jdbc:postgresql://h/db?user=u&password=" + PW,
            "Unknown database 'db;password=" + PW + "'",
            "jdbc:mysql://h/db?password=a,b'c(" + PW + ")&x=1",
            "jdbc:mysql://(host=h,password=a'b&c;" + PW + ")/db",
            "jdbc:mysql://address=(host=h)(password=a&b;c " + PW + ")/db",
            "Communications link failure: java.net.UnknownHostException: (host=127.0.0.1,port=3306,user=u,password=" + PW + ": Name or service not known",
    })
    void everyPasswordFormIsMasked(String url) {
        assertThat(Secrets.maskUrl(url)).doesNotContain(PW).contains(Secrets.MASK);
    }

    /**
     * Adversarial pass: a careless user pastes a generated password into user:password@host without percent-encoding
     * it. Connector/J reads ; and ' as part of the password (the pool starts, and the start line printed the URL as
     * given); / ? # , ( cut the authority, the driver fails and its message echoes what came before.
     */
    @ParameterizedTest
    @ValueSource(strings = {";", "'", "/", "?", "#", ",", "(", ")", "\"", "=;/"})
    void unencodedSymbolsInUserinfoAreMasked(String symbol) {
        String pw = "Zq9" + symbol + "S3cret";
        assertThat(Secrets.maskUrl("jdbc:mysql://u:" + pw + "@h:3306/db")).doesNotContain("S3cret").contains(Secrets.MASK);
        assertThat(Secrets.maskUrl("jdbc:mysql://u:" + pw + "@h:3306/db?ssl=true")).doesNotContain("S3cret");
        assertThat(Secrets.maskUrl("jdbc:mysql://u:" + pw + "@h1:3306,u:" + pw + "@h2:3306/db")).doesNotContain("S3cret");
        assertThat(Secrets.maskText("cannot open 'jdbc:mysql://u:" + pw + "@h/db' now", List.of())).doesNotContain("S3cret");
    }

    /** What the wider userinfo search must leave alone: an @ in the path or query, a port, several hosts. */
    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://h:3306/db?user=a@b.com&ssl=true", "jdbc:mysql://h:3306,h2:3307/db?user=a@b",
            "jdbc:mysql://u@h:3306/db", "jdbc:mysql://[::1]:3306/db?user=x@y", "jdbc:mysql://h:3306/db'@x",
            "see 'jdbc:mysql://h:3306/db' for 'u@h'", "jdbc:mysql://(host=h,port=3306,user=a@b)/db"})
    void urlsWithoutPasswordsStayAsTheyAre(String url) {
        assertThat(Secrets.maskUrl(url)).isEqualTo(url);
    }

    /**
     * Adversarial pass: a long secret (an IAM authentication token or a JWT as the password is 1-3 KB, with % and +
     * in it) in a message that holds a '%': the masking built one regex group per character, and threw
     * StackOverflowError at 2,000 characters and PatternSyntaxException at 5,000 (from a failed connection attempt,
     * in place of the driver's exception).
     */
    @ParameterizedTest
    @ValueSource(ints = {2_000, 5_000, 50_000})
    void aLongSecretIsMaskedLiterallyAndEncoded(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; b.length() < length; i++) {
            b.append("Zq9/tok+en ").append(i).append('%');
        }
        String secret = b.toString();
        String encoded = java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8);
        String text = "connect failed: token=" + encoded + "; echoed " + secret + " and %ZZ";
        String masked = Secrets.maskText(text, List.of(secret));
        assertThat(masked).doesNotContain("tok+en").doesNotContain("tok%2Ben").doesNotContain("Zq9")
                .endsWith("echoed **** and %ZZ");
    }

    /**
     * Adversarial pass: masking runs on every message of a failed connection attempt, so it must stay linear in the
     * message. Before, a run of 200,000 blanks took 187 s (the key=value pattern's "\s\s*" before a key backtracked
     * over the run from every blank); a bound, not a benchmark: each text takes milliseconds now.
     */
    @ParameterizedTest
    @ValueSource(strings = {" ", " \t", "&a", "(a=", "?a ", "a = ", "a,", "u:a/", "h:a "})
    void maskingStaysLinearOnHostileText(String unit) {
        String text = "jdbc:mysql://" + unit.repeat(200_000 / unit.length()) + "x";
        String masked = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Secrets.maskText(text, List.of("Zq9-Pw-S3cret")));
        assertThat(masked).isNotEmpty();
    }

    @Test
    void encodedFormsOfEveryCharacter() {
        String secret = "p a%b+\u00fc\u20ac\uD834\uDD1E";
        String encodedUpper = "p+a%25b%2B%C3%BC%E2%82%AC%F0%9D%84%9E";
        String mixed = "p%20a%b%2b\u00fc%e2%82%ac\uD834\uDD1E";
        assertThat(Secrets.maskText("x " + encodedUpper + " y " + mixed + " z " + secret + " %", List.of(secret)))
                .isEqualTo("x **** y **** z **** %");
    }

    @Test
    void urlEncodedPasswordsAreMaskedAsValues() {
        assertThat(Secrets.maskUrl("jdbc:mysql://h/db?password=Zq9%2DPw%2DS3cret&x=1"))
                .isEqualTo("jdbc:mysql://h/db?password=****&x=1");
        assertThat(Secrets.maskText("echo Zq9%2DPw%2DS3cret and Zq9-Pw-S3cret", List.of(PW)))
                .isEqualTo("echo **** and ****");
    }

    @Test
    void nonSecretParametersStay() {
        String url = "jdbc:mysql://h:3306/passwords?user=u&passive=true&sslMode=REQUIRED&keepalive=1";
        assertThat(Secrets.maskUrl(url)).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"password", "twpool.password", "twpool.mysql.password", "pass", "pw", "pwd", "user-pass",
            "userPass", "db_pw", "secret", "clientSecret", "token", "authToken", "credential", "credentials",
            "trustCertificateKeyStorePassword", "password1", "passwd", "passphrase", "api-key", "PASSWORD", "Pass"})
    void secretKeys(String key) {
        assertThat(Secrets.isSecretKey(key)).isTrue();
        assertThat(Secrets.displayValue(key, PW)).isEqualTo(Secrets.MASK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"twpool.url", "pool-size", "keepalive", "passive", "bypass", "username", "sslMode",
            "probe.proc-root", "connectionInitSql", "compass", "pinGlobalTxToPhysicalConnection"})
    void ordinaryKeys(String key) {
        assertThat(Secrets.isSecretKey(key)).isFalse();
    }

    /** A URL's password is masked under any key, whatever its case. */
    @ParameterizedTest
    @ValueSource(strings = {"twpool.url", "twpool.URL", "twpool.jdbcUrl", "twpool.hikari.jdbcUrl", "twpool.jdbc-url", "anything"})
    void urlValuesAreMaskedUnderAnyKey(String key) {
        assertThat(Secrets.displayValue(key, "jdbc:mysql://u:" + PW + "@h/db")).isEqualTo("jdbc:mysql://u:****@h/db");
        assertThat(Secrets.displayValue(key, "jdbc:mysql://h/db?Password=" + PW)).doesNotContain(PW);
    }

    @Test
    void durationsInSpringBootSyntaxAndIso() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("0")).isZero();
        assertThat(Durations.parse("3600")).isNull();
        assertThat(Durations.parse("1x")).isNull();
        assertThat(Durations.parse("")).isNull();
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(120))).isEqualTo("2h");
    }

    /** Full-width digits are not digits here, and printing a duration never rounds it to 0 nor throws. */
    @Test
    void durationsAreAsciiAndPrintExactly() {
        assertThat(Durations.parse("３０s")).isNull();
        assertThat(Durations.parse("PT３０S")).isNull();
        assertThat(Durations.format(Duration.ofNanos(1))).isEqualTo("1ns");
        assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("1500ns");
        assertThat(Durations.format(Duration.ofNanos(2000))).isEqualTo("2us");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofDays(999_999_999_999L))).isEqualTo("999999999999d");
        assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))).isNotEmpty();
        assertThat(Durations.format(Duration.ofSeconds(-5))).isEqualTo("PT-5S");
    }
}
