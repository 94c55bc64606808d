package io.github.twpool.internal;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolSettings;
import io.github.twpool.spi.Setting;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns {@code twpool.*} strings into a {@link TwPoolConfig.Builder}, each key read by its declaration, with an error
 * naming key and value for each bad one.
 */
public final class PropertiesParser {

    private PropertiesParser() {
    }

    public static TwPoolConfig.Builder parse(Properties properties) {
        TwPoolConfig.Builder b = TwPoolConfig.builder();
        // Sorted, so the first error reported does not depend on hash order.
        Map<String, String> entries = new TreeMap<>();
        Map<String, String> byLowerCase = new TreeMap<>();
        refuseNonStrings(properties);
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            if (!name.startsWith(TwPoolConfig.PREFIX)) {
                refuseNearMiss(name);
                continue;
            }
            String key = name.substring(TwPoolConfig.PREFIX.length());
            if (!key.equals(key.strip())) {
                refuseNearMiss(name);
            }
            String other = byLowerCase.putIfAbsent(key.toLowerCase(Locale.ROOT), key);
            if (other != null) {
                // twpool.Pool-Size and twpool.pool-size: which one wins would depend on sort order
                throw new TwPoolConfigException(ConfigRules.full(key), ConfigRules.printable(ConfigRules.full(other)) + " and "
                        + ConfigRules.printable(ConfigRules.full(key)) + " differ only in case: twpool cannot tell which one is meant; keep one of them");
            }
            entries.put(key, properties.getProperty(name));
        }
        entries.forEach((key, value) -> apply(b, key, value));
        return b;
    }

    /**
     * {@code put("twpool.pool-size", 20)}: stringPropertyNames() skips an entry whose value is not a String, so the
     * setting would be lost without a word. Refused; the value is not shown (it may be a password's).
     */
    private static void refuseNonStrings(Properties properties) {
        for (Map.Entry<Object, Object> e : properties.entrySet()) {
            if (e.getKey() instanceof String name && !(e.getValue() instanceof String)
                    && name.strip().regionMatches(true, 0, TwPoolConfig.PREFIX, 0, TwPoolConfig.PREFIX.length())) {
                throw new TwPoolConfigException(name, ConfigRules.printable(name) + ": the value is a "
                        + (e.getValue() == null ? "null" : e.getValue().getClass().getName())
                        + ", not a String, and would not be read (its value is not shown); set it as text: "
                        + "setProperty(\"" + ConfigRules.printable(name) + "\", \"...\")");
            }
        }
    }

    /**
     * {@code TwPool.pool-size}, {@code " twpool.pool-size"}: meant for twpool but never read as written. Refused, so a
     * setting is not silently lost; the value is not shown (the key may be a password's).
     */
    private static void refuseNearMiss(String name) {
        String stripped = name.strip();
        if (!stripped.regionMatches(true, 0, TwPoolConfig.PREFIX, 0, TwPoolConfig.PREFIX.length())) {
            return;
        }
        String key = stripped.substring(TwPoolConfig.PREFIX.length());
        String meant = Suggestions.closest(key, candidates());
        String suggestion = ConfigRules.printable(ConfigRules.full(meant != null ? meant : key));
        throw new TwPoolConfigException(name, "'" + ConfigRules.printable(name) + "' is not read: twpool's keys start with lower-case '"
                + TwPoolConfig.PREFIX + "' and have no surrounding spaces; did you mean " + suggestion + "?");
    }

    private static List<String> candidates() {
        return SettingKeys.all(Extensions.discovered()).stream().map(Setting::key).toList();
    }

    /** Each key by its declaration: twpool's own typed, an extension's kept as text (its extension reads it). */
    private static void apply(TwPoolConfig.Builder b, String key, String raw) {
        Setting<?> core = SettingKeys.core(key);
        if (core != null) {
            set(b, core, raw);
            return;
        }
        if (key.startsWith(TwPoolSettings.HIKARI_PREFIX) && key.length() > TwPoolSettings.HIKARI_PREFIX.length()) {
            b.hikariProperty(key.substring(TwPoolSettings.HIKARI_PREFIX.length()), raw);
            return;
        }
        if (key.startsWith(TwPoolSettings.DRIVER_PREFIX) && key.length() > TwPoolSettings.DRIVER_PREFIX.length()) {
            b.driverProperty(key.substring(TwPoolSettings.DRIVER_PREFIX.length()), raw);
            return;
        }
        Setting<?> extension = SettingKeys.extension(key, Extensions.discovered());
        if (extension == null) {
            throw SettingKeys.unknown(key, Extensions.discovered());
        }
        extension.read(raw);
        b.extensionProperty(key, raw);
    }

    private static <T> void set(TwPoolConfig.Builder b, Setting<T> setting, String raw) {
        b.set(setting, setting.parse(raw));
    }
}
