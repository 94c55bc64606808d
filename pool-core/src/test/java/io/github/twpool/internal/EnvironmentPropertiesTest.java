package io.github.twpool.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentPropertiesTest {

    @TempDir
    Path dir;

    private ClassLoader loaderWith(String file, String content) throws Exception {
        Files.writeString(dir.resolve(file), content);
        return new URLClassLoader(new URL[]{dir.toUri().toURL()}, null);
    }

    /**
     * Adversarial pass: an unknown TWPOOL_ variable is named in a WARN, never its value (it may be a secret), and a
     * name with a line break (execve allows one) is shown escaped rather than forging a second log line.
     */
    @Test
    void anUnknownVariableIsNamedEscapedWithoutItsValue() throws Exception {
        try (io.github.twpool.testsupport.LogCapture log = io.github.twpool.testsupport.LogCapture.of("io.github.twpool.config")) {
            EnvironmentProperties.load(loaderWith("twpool.properties", ""), new Properties(),
                    Map.of("TWPOOL_DB_PASSWORD", "Zq9-Env-S3cret", "TWPOOL_X\nERROR forged line", "v"));
            assertThat(log.text()).contains("TWPOOL_DB_PASSWORD").doesNotContain("S3cret")
                    .contains("TWPOOL_X\\u000aERROR forged line").doesNotContain("\nERROR forged");
        }
    }

    @Test
    void fileThenSystemPropertiesThenEnvironmentLaterWins() throws Exception {
        ClassLoader loader = loaderWith("twpool.properties",
                "twpool.url=jdbc:mysql://file/db\ntwpool.pool-size=3\ntwpool.recycle=1h\ntwpool.name=file\nunrelated=1\n");
        Properties system = new Properties();
        system.setProperty("twpool.pool-size", "4");
        system.setProperty("twpool.name", "sys");
        Map<String, String> env = Map.of("TWPOOL_POOL_SIZE", "5", "TWPOOL_PROBE_INTERVAL", "7s",
                "TWPOOL_HIKARI_CONNECTION_INIT_SQL", "SELECT 1", "TWPOOL_TEST_JDBC_URL", "ignored", "PATH", "/bin");

        Properties p = EnvironmentProperties.load(loader, system, env);

        assertThat(p.getProperty("twpool.url")).isEqualTo("jdbc:mysql://file/db");
        assertThat(p.getProperty("twpool.recycle")).isEqualTo("1h");
        assertThat(p.getProperty("twpool.name")).isEqualTo("sys");
        assertThat(p.getProperty("twpool.pool-size")).isEqualTo("5");
        assertThat(p.getProperty("twpool.probe.interval")).isEqualTo("7s");
        assertThat(p.getProperty("twpool.hikari.connectionInitSql")).isEqualTo("SELECT 1");
        assertThat(p.stringPropertyNames()).allMatch(k -> k.startsWith("twpool."));
    }

    @Test
    void applicationPropertiesWhenThereIsNoTwpoolProperties() throws Exception {
        ClassLoader loader = loaderWith("application.properties", "twpool.url=jdbc:mysql://app/db\nspring.x=y\n");
        Properties p = EnvironmentProperties.load(loader, new Properties(), Map.of());
        assertThat(p.getProperty("twpool.url")).isEqualTo("jdbc:mysql://app/db");
        assertThat(p.getProperty("spring.x")).isNull();
    }

    /** A key meant for twpool but misspelt in case is refused, not dropped on the way. */
    @Test
    void nearMissesReachTheParserAndAreRefused() throws Exception {
        ClassLoader loader = loaderWith("twpool.properties", "twpool.url=jdbc:mysql://file/db\nTwPool.pool-size=3\n");
        Properties p = EnvironmentProperties.load(loader, new Properties(), Map.of());
        assertThat(p.getProperty("TwPool.pool-size")).isEqualTo("3");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.github.twpool.TwPoolConfig.fromProperties(p))
                .isInstanceOf(io.github.twpool.TwPoolConfigException.class)
                .hasMessageContaining("did you mean twpool.pool-size?");
        Properties system = new Properties();
        system.setProperty("TWPOOL.recycle", "1h");
        assertThat(EnvironmentProperties.load(loaderWith("twpool.properties", ""), system, Map.of()).stringPropertyNames())
                .containsExactly("TWPOOL.recycle");
    }

    @Test
    void envNamesFollowTheKeys() {
        assertThat(EnvironmentProperties.envName("pool-size")).isEqualTo("TWPOOL_POOL_SIZE");
        assertThat(EnvironmentProperties.envName("probe.scan-every")).isEqualTo("TWPOOL_PROBE_SCAN_EVERY");
    }
}
