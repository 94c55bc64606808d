package io.github.twpool.metrics;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.internal.SettingsTable;
import io.github.twpool.testsupport.GeneratedDocs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** twpool.metrics.opt-in: declared once in MetricsExtension, read from properties, documented from the declaration. */
class MetricsSettingsTest {

    private static TwPoolConfig config(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("twpool.url", "jdbc:mysql://127.0.0.1:3306/test");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return TwPoolConfig.fromProperties(p);
    }

    @Test
    void hikariNamesUnlessOptedIn() {
        assertThat(PoolMeterNames.of(config().get(MetricsExtension.OPT_IN))).isEqualTo(PoolMeterNames.NONE);
        assertThat(PoolMeterNames.of(config("twpool.metrics.opt-in", "database").get(MetricsExtension.OPT_IN)))
                .isEqualTo(PoolMeterNames.DATABASE);
        PoolMeterNames dup = PoolMeterNames.of(config("twpool.metrics.opt-in", " database/dup ").get(MetricsExtension.OPT_IN));
        assertThat(dup).isEqualTo(PoolMeterNames.DATABASE_DUP);
        assertThat(dup.hikari()).isTrue();
        assertThat(dup.otel()).isTrue();
    }

    @Test
    void anotherValueIsRefusedWithKeyValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> config("twpool.metrics.opt-in", "otel"))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.metrics.opt-in=otel")
                .hasMessageContaining("must be one of none, database or database/dup");
        assertThatThrownBy(() -> config("twpool.metrics.opt-inn", "database"))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.metrics.opt-inn")
                .hasMessageNotContaining("=database");
    }

    @Test
    void docsMetricsPropertyTableIsTheDeclarations() {
        GeneratedDocs.assertBlock(Path.of("..", "docs", "metrics.md"), "twpool.metrics.* properties",
                SettingsTable.render(new MetricsExtension().settings(), "twpool."));
    }
}
