package io.github.twpool.spring;

import io.github.twpool.HikariSettings;
import io.github.twpool.TwPoolConfigException;
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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Spring Boot's {@code spring.datasource.hikari.*}, as an application already tunes HikariCP, read for twpool's pool
 * ({@link HikariSettings}): Boot's relaxed names, property-source order, placeholders. Times may be written as
 * HikariCP's milliseconds or as durations ({@code 25m}). The few settings twpool cannot honour (another way to make
 * connections, HikariCP's own metrics and executors) fail the start, named without their values.
 */
final class BootHikariSettings {

    static final String PREFIX = "spring.datasource.hikari";
    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PREFIX);
    private static final ConfigurationPropertyName DATA_SOURCE_PROPERTIES = ConfigurationPropertyName.of(PREFIX + ".data-source-properties");
    /** Where the database and credentials come from is decided in one place (ConnectionSettings), never here. */
    private static final Set<String> CONNECTION = Set.of("jdbcUrl", "username", "password");

    private BootHikariSettings() {
    }

    /** The application's spring.datasource.hikari.* settings; refuses those twpool cannot honour. */
    static HikariSettings read(Environment environment) {
        Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
        PropertySourcesPlaceholdersResolver placeholders = new PropertySourcesPlaceholdersResolver(environment);
        HikariSettings settings = new HikariSettings(PREFIX + ".*");
        Set<String> refused = new TreeSet<>();
        List<String> mapped = new ArrayList<>();
        for (ConfigurationPropertyName name : names(sources)) {
            if (DATA_SOURCE_PROPERTIES.isAncestorOf(name)) {
                continue;
            }
            String hikariName = hikariName(name);
            if (hikariName == null || CONNECTION.contains(hikariName)) {
                refused.add(name.toString());
                continue;
            }
            if (mapped.contains(hikariName)) {
                continue; // the same setting under another relaxed name: the first source's value was taken
            }
            ConfigurationProperty property = first(sources, name);
            String source = PREFIX + "." + kebab(hikariName);
            settings.set(hikariName, placeholders.resolvePlaceholders(property.getValue()), source);
            mapped.add(hikariName);
        }
        if (!refused.isEmpty()) {
            String first = refused.iterator().next();
            throw new TwPoolConfigException(first, refused + " (values not shown): twpool cannot honour "
                    + (refused.size() == 1 ? "this HikariCP setting" : "these HikariCP settings") + " when it makes the"
                    + " application's DataSource; it maps " + String.join(", ", mappable()) + " and data-source-properties.*."
                    + " Give the database as spring.datasource.url (or twpool.url) with its credentials, or keep Boot's"
                    + " pool with spring.autoconfigure.exclude=" + TwPoolAutoConfiguration.class.getName());
        }
        new Binder(sources, placeholders).bind(DATA_SOURCE_PROPERTIES, Bindable.mapOf(String.class, String.class))
                .ifBound(m -> m.forEach((k, v) -> settings.dataSourceProperty(k, v, DATA_SOURCE_PROPERTIES.toString())));
        return settings;
    }

    private static List<String> mappable() {
        List<String> names = new ArrayList<>();
        for (String n : HikariSettings.names()) {
            if (!CONNECTION.contains(n)) {
                names.add(kebab(n));
            }
        }
        return names;
    }

    /** HikariCP's name of a Boot property name under any relaxed form, or null. */
    private static String hikariName(ConfigurationPropertyName name) {
        for (String n : HikariSettings.names()) {
            if (ConfigurationPropertyName.of(PREFIX + "." + kebab(n)).equals(name)) {
                return n;
            }
        }
        return null;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static List<ConfigurationPropertyName> names(Iterable<ConfigurationPropertySource> sources) {
        List<ConfigurationPropertyName> names = new ArrayList<>();
        for (ConfigurationPropertySource source : sources) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().filter(ROOT::isAncestorOf).filter(n -> !names.contains(n)).forEach(names::add);
            }
        }
        return names;
    }

    private static ConfigurationProperty first(Iterable<ConfigurationPropertySource> sources, ConfigurationPropertyName name) {
        for (ConfigurationPropertySource source : sources) {
            ConfigurationProperty p = source.getConfigurationProperty(name);
            if (p != null) {
                return p;
            }
        }
        throw new IllegalStateException(name + " listed but not found");
    }
}
