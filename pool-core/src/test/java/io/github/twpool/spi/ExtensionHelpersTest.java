package io.github.twpool.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The helpers extensions get from the SPI treat values exactly as twpool's own keys are treated. */
class ExtensionHelpersTest {

    @Test
    void durationsParseAndPrintAsUsersWriteThem() {
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("3600")).as("a bare number has no unit").isNull();
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Durations.ALLOWED).contains("30s");
    }

    @Test
    void suggestionsNameTheClosestKey() {
        List<String> keys = List.of("clamp-recycle", "status-interval", "status-enabled");
        assertThat(Suggestions.closest("clamp_recyle", keys)).isEqualTo("clamp-recycle");
        assertThat(Suggestions.didYouMean("status-intervall", keys)).isEqualTo("; did you mean status-interval?");
        assertThat(Suggestions.didYouMean("something-else-entirely", keys)).isEmpty();
    }

    @Test
    void secretsAreMasked() {
        assertThat(Secrets.maskUrl("jdbc:mysql://app:s3cret@db:3306/app?password=other"))
                .doesNotContain("s3cret").doesNotContain("other").contains(Secrets.MASK);
        assertThat(Secrets.maskUrl(null)).isNull();
        assertThat(Secrets.isSecretKey("twpool.password")).isTrue();
        assertThat(Secrets.isSecretKey("twpool.pool-size")).isFalse();
        assertThat(Secrets.displayValue("twpool.password", "s3cret")).isEqualTo(Secrets.MASK);
        assertThat(Secrets.displayValue("twpool.pool-size", 20)).isEqualTo("20");
    }
}
