package io.github.twpool.internal;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.spi.Setting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Collects {@code twpool.*} properties from the places an application keeps them, later ones winning:
 * {@code twpool.properties} on the classpath (or, if there is none, {@code application.properties}),
 * then system properties ({@code -Dtwpool.pool-size=20}), then environment variables ({@code TWPOOL_POOL_SIZE=20}).
 */
public final class EnvironmentProperties {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.twpool.config");

    private EnvironmentProperties() {
    }

    public static Properties load(ClassLoader loader, Properties system, Map<String, String> env) {
        Properties out = new Properties();
        String source = loadClasspath(loader, "twpool.properties", out) ? "twpool.properties"
                : loadClasspath(loader, "application.properties", out) ? "application.properties" : null;
        out.keySet().removeIf(k -> !meantForTwpool(String.valueOf(k)));
        for (String name : system.stringPropertyNames()) {
            if (meantForTwpool(name)) {
                out.setProperty(name, system.getProperty(name));
            }
        }
        Map<String, String> envNames = envNames();
        env.forEach((var, value) -> {
            if (!var.startsWith("TWPOOL_") || var.startsWith("TWPOOL_TEST_")) {
                return;
            }
            String key = envNames.get(var);
            if (key == null) {
                key = hikariKey(var);
            }
            if (key != null) {
                out.setProperty(TwPoolConfig.PREFIX + key, value);
            } else {
                LOG.warn("Ignoring environment variable {}: it names no twpool property{}. Driver properties keep their case "
                                + "only as -Dtwpool.driver.<name>=... or in a properties file.",
                        ConfigRules.printable(var), Suggestions.didYouMean(var, envNames.keySet()));
            }
        });
        LOG.debug("twpool properties read from {}, system properties and environment", source == null ? "no file" : source);
        return out;
    }

    /**
     * {@code twpool.*}, and near misses such as {@code TwPool.pool-size}: they are passed on so that the parser
     * refuses them with a "did you mean" instead of their being dropped here without a word.
     */
    private static boolean meantForTwpool(String name) {
        String stripped = name.strip();
        return stripped.regionMatches(true, 0, TwPoolConfig.PREFIX, 0, TwPoolConfig.PREFIX.length());
    }

    /** {@code TWPOOL_POOL_SIZE} for {@code pool-size}, {@code TWPOOL_PROBE_INTERVAL} for {@code probe.interval}. */
    public static String envName(String key) {
        return "TWPOOL_" + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    private static Map<String, String> envNames() {
        Map<String, String> names = new LinkedHashMap<>();
        for (Setting<?> s : SettingKeys.all(Extensions.discovered())) {
            names.put(s.environmentVariable(), s.key());
        }
        return names;
    }

    private static String hikariKey(String var) {
        String prefix = "TWPOOL_HIKARI_";
        if (!var.startsWith(prefix)) {
            return null;
        }
        String wanted = var.substring(prefix.length()).replace("_", "");
        for (String name : HikariProperties.names()) {
            if (name.equalsIgnoreCase(wanted)) {
                return io.github.twpool.TwPoolSettings.HIKARI_PREFIX + name;
            }
        }
        return null;
    }

    private static boolean loadClasspath(ClassLoader loader, String resource, Properties into) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            into.load(in);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + " from the classpath", e);
        } catch (IllegalArgumentException e) {
            throw new TwPoolConfigException(resource, resource + " on the classpath is not a valid properties file: " + e.getMessage());
        }
    }
}
