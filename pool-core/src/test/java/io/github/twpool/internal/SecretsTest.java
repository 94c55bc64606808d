package io.github.twpool.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

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
}
