package io.github.twpool;

import io.github.twpool.internal.SettingsTable;
import io.github.twpool.spi.Setting;
import io.github.twpool.testsupport.GeneratedDocs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The declarations of twpool's keys are the one source of truth: the README's property table is rendered from them
 * (this fails when someone edits one and not the other), every default passes its own key's checks, and what the
 * parser, the builder and the start line do follows from them.
 */
class SettingsSchemaTest {

    @Test
    void theReadmePropertyTableIsTheDeclarations() {
        GeneratedDocs.assertBlock(Path.of("..", "README.md"), "twpool.* properties", SettingsTable.core());
    }

    @Test
    void everyKeyIsDocumentedOnceAndEveryDefaultPassesItsOwnChecks() {
        Set<String> keys = new HashSet<>();
        Set<String> variables = new HashSet<>();
        for (Setting<?> s : TwPoolSettings.ALL) {
            assertThat(keys.add(s.key())).as("declared twice: " + s.key()).isTrue();
            assertThat(variables.add(s.environmentVariable())).as("two keys share " + s.environmentVariable()).isTrue();
            assertThat(s.doc()).as(s.key()).isNotBlank().doesNotContain("\n").doesNotContain("|");
            assertThat(s.property()).isEqualTo("twpool." + s.key());
            checkDefault(s);
        }
    }

    private static <T> void checkDefault(Setting<T> s) {
        if (s.defaultValue() != null) {
            s.check(s.defaultValue());
            assertThat(s.read(s.format(s.defaultValue()))).as(s.key() + " reads back as written").isEqualTo(s.defaultValue());
        }
    }

    @Test
    void aConfigurationWithOnlyAUrlHasEveryDeclaredDefault() {
        TwPoolConfig c = TwPoolConfig.builder().url("jdbc:mysql://127.0.0.1:3306/test").build();
        for (Setting<?> s : TwPoolSettings.ALL) {
            if (s != TwPoolSettings.URL) {
                assertThat((Object) c.get(s)).as(s.key()).isEqualTo(s.defaultValue());
            }
        }
        assertThat(c.poolSize()).isEqualTo(TwPoolSettings.POOL_SIZE.defaultValue());
        assertThat(c.recycle()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void propertiesTheBuilderAndTheGenericSetterAgree() {
        Properties p = new Properties();
        p.setProperty("twpool.url", "jdbc:mysql://127.0.0.1:3306/test");
        p.setProperty("twpool.pool-size", "20");
        p.setProperty("twpool.recycle", "1h");
        p.setProperty("twpool.churn.min-rate", "0.5");
        TwPoolConfig parsed = TwPoolConfig.fromProperties(p);
        TwPoolConfig built = TwPoolConfig.builder().url("jdbc:mysql://127.0.0.1:3306/test").poolSize(20)
                .set(TwPoolSettings.RECYCLE, Duration.ofHours(1)).churnMinRate(0.5).build();
        assertThat(parsed.describe()).isEqualTo(built.describe()).contains("pool-size=20", "recycle=1h");
        assertThat(parsed.churnMinRate()).isEqualTo(built.get(TwPoolSettings.CHURN_MIN_RATE)).isEqualTo(0.5);
    }

    @Test
    void aBoundsMessageIsDerivedFromTheDeclaration() {
        assertThat(TwPoolSettings.POOL_SIZE.allowed()).isEqualTo("must be an integer from 1 to 1000");
        assertThat(TwPoolSettings.RECYCLE.allowed()).isEqualTo("must be 0 (never recycle) or at least 30s (HikariCP's floor for maxLifetime)");
        assertThat(TwPoolSettings.CHURN_PORT_WARN_RATIO.allowed()).isEqualTo("must be a number above 0 and at most 1 (share of ip_local_port_range)");
        assertThat(TwPoolSettings.PROBE_INTERVAL.allowedCell()).isEqualTo("`1s`–`1h`");
        assertThatThrownBy(() -> TwPoolConfig.builder().url("jdbc:mysql://h:3306/x").probeScanEvery(0).build())
                .hasMessage("twpool.probe.scan-every=0: must be an integer from 1 to 10000 (ticks between full scans)");
    }

    @Test
    void aSecretIsNeverShownEvenWhenItsValueIsRefused() {
        Setting<String> token = Setting.text("fake.token", null).secret().rule(t -> t.length() > 8, "must be longer than 8 characters");
        assertThatThrownBy(() -> token.read("Zq9-shrt"))
                .isInstanceOf(TwPoolConfigException.class).hasMessage("twpool.fake.token=****: must be longer than 8 characters");
        assertThat(token.describe("Zq9-secret-value")).isEqualTo("****");
    }
}
