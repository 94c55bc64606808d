package io.github.twpool.spring;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolSettings;
import io.github.twpool.spi.Setting;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Binds {@code twpool.*} from Spring's environment onto twpool's own builder ({@link TwPoolConfig.Builder#set}), key by
 * key from the declarations ({@link TwPoolSettings#withExtensions()}), with Boot's relaxed names
 * ({@code twpool.poolSize}, {@code TWPOOL_POOLSIZE}), property-source order and placeholders. A value Boot already
 * holds typed (a YAML number or boolean) is set as it is; text is read by the key's declaration, so a value means the
 * same and is refused with the same message inside Spring and outside.
 * Keys nobody declares fail the start, all named, none with its value.
 */
final class TwPoolBinder {

    static final String PREFIX = "twpool";
    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PREFIX);
    private static final ConfigurationPropertyName HIKARI = ConfigurationPropertyName.of("twpool.hikari");
    private static final ConfigurationPropertyName DRIVER = ConfigurationPropertyName.of("twpool.driver");
    /** The test suites' own variables ({@code TWPOOL_TEST_JDBC_URL}), which twpool outside Spring ignores too. */
    private static final ConfigurationPropertyName TEST = ConfigurationPropertyName.of("twpool.test");

    private final Iterable<ConfigurationPropertySource> sources;
    private final PropertySourcesPlaceholdersResolver placeholders;

    TwPoolBinder(Environment environment) {
        this.sources = ConfigurationPropertySources.get(environment);
        this.placeholders = new PropertySourcesPlaceholdersResolver(environment);
    }

    /** Every {@code twpool.*} value of the environment on a builder; unknown keys and unreadable values refused. */
    TwPoolConfig.Builder bind() {
        requireKnownKeys();
        TwPoolConfig.Builder builder = TwPoolConfig.builder();
        for (Setting<?> setting : TwPoolSettings.withExtensions()) {
            bind(setting, builder);
        }
        Binder plain = new Binder(sources, placeholders);
        plain.bind(HIKARI, Bindable.mapOf(String.class, String.class)).ifBound(m -> m.forEach(builder::hikariProperty));
        plain.bind(DRIVER, Bindable.mapOf(String.class, String.class)).ifBound(m -> m.forEach(builder::driverProperty));
        return builder;
    }

    private <T> void bind(Setting<T> setting, TwPoolConfig.Builder builder) {
        T value = value(setting);
        if (value != null) {
            builder.set(setting, value);
        }
    }

    /**
     * The value of one key as the environment gives it (the first source that has it, under any of Boot's relaxed
     * names, placeholders resolved), typed by its declaration; null when unset. A value Boot holds typed (a YAML
     * number or boolean of the key's type) is taken as it is; text is read by the declaration, so "30" for a
     * duration is refused as ambiguous here as everywhere, where Boot would take milliseconds.
     */
    <T> T value(Setting<T> setting) {
        ConfigurationPropertyName name = ConfigurationPropertyName.of(setting.property());
        for (ConfigurationPropertySource source : sources) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property == null || property.getValue() == null) {
                continue;
            }
            Object value = placeholders.resolvePlaceholders(property.getValue());
            try {
                return typed(setting, value);
            } catch (TwPoolConfigException e) {
                throw property.getOrigin() == null ? e
                        : new TwPoolConfigException(e.property(), e.getMessage() + where(property), e.getCause());
            }
        }
        return null;
    }

    private static <T> T typed(Setting<T> setting, Object value) {
        Class<?> type = setting.type().javaType();
        if (type.isInstance(value)) {
            @SuppressWarnings("unchecked")
            T typed = (T) value;
            return typed;
        }
        if (type == Double.class && (value instanceof Integer || value instanceof Long)) {
            @SuppressWarnings("unchecked")
            T widened = (T) Double.valueOf(((Number) value).doubleValue());
            return widened;
        }
        // Text, or a YAML value of another type (a bare number for a duration): read as written, with its message.
        return setting.parse(String.valueOf(value));
    }

    /** The {@code twpool.*} keys set in the environment, by twpool's names, for messages. */
    Set<String> keysSet() {
        Set<String> keys = new TreeSet<>();
        for (ConfigurationPropertyName name : names()) {
            Setting<?> setting = declared(name);
            keys.add(setting != null ? setting.property() : name.toString());
        }
        return keys;
    }

    private void requireKnownKeys() {
        Map<String, String> unknown = new LinkedHashMap<>();
        for (ConfigurationPropertyName name : names()) {
            if (declared(name) != null || HIKARI.isAncestorOf(name) || DRIVER.isAncestorOf(name)) {
                continue;
            }
            try {
                TwPoolSettings.requireKnown(name.toString().substring(PREFIX.length() + 1));
            } catch (TwPoolConfigException e) {
                unknown.putIfAbsent(e.property(), e.getMessage() + where(origin(name)));
            }
        }
        if (unknown.size() == 1) {
            Map.Entry<String, String> only = unknown.entrySet().iterator().next();
            throw new TwPoolConfigException(only.getKey(), only.getValue());
        }
        if (!unknown.isEmpty()) {
            throw new TwPoolConfigException(unknown.keySet().iterator().next(), unknown.size()
                    + " unknown twpool properties (values not shown, they may hold secrets):\n    "
                    + String.join("\n    ", unknown.values()));
        }
    }

    private static Setting<?> declared(ConfigurationPropertyName name) {
        for (Setting<?> s : TwPoolSettings.withExtensions()) {
            if (ConfigurationPropertyName.of(s.property()).equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The names under {@code twpool.} that the environment's sources list (the test suites' own excepted). */
    private List<ConfigurationPropertyName> names() {
        List<ConfigurationPropertyName> names = new ArrayList<>();
        for (ConfigurationPropertySource source : sources) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().filter(ROOT::isAncestorOf).filter(n -> !TEST.isAncestorOf(n))
                        .filter(n -> !names.contains(n)).forEach(names::add);
            }
        }
        return names;
    }

    private ConfigurationProperty origin(ConfigurationPropertyName name) {
        for (ConfigurationPropertySource source : sources) {
            ConfigurationProperty p = source.getConfigurationProperty(name);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static String where(ConfigurationProperty property) {
        return property == null || property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")";
    }
}
