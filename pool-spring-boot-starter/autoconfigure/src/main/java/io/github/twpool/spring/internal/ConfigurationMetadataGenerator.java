package io.github.twpool.spring.internal;

import io.github.twpool.TwPoolSettings;
import io.github.twpool.spi.Setting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * Writes Spring Boot's configuration metadata ({@code META-INF/spring-configuration-metadata.json}: IDE completion
 * with types, defaults and descriptions) from the declarations of every {@code twpool.*} key: twpool's own and those
 * of the extensions on the build's class path (pool-mysql). The build runs it after compiling this module; nothing
 * of it is kept by hand. Not API.
 */
public final class ConfigurationMetadataGenerator {

    private static final String MAP = "java.util.Map<java.lang.String,java.lang.String>";

    private ConfigurationMetadataGenerator() {
    }

    /** {@code args[0]}: the file to write. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out.getParent());
        Files.writeString(out, render(TwPoolSettings.withExtensions()), StandardCharsets.UTF_8);
    }

    /** The metadata for these keys, as the build writes it. */
    public static String render(List<Setting<?>> settings) {
        List<String> properties = new ArrayList<>();
        TreeSet<String> groups = new TreeSet<>();
        groups.add("twpool");
        for (Setting<?> s : settings) {
            properties.add(property(s));
            String key = s.property();
            for (int dot = key.indexOf('.', "twpool.".length()); dot > 0; dot = key.indexOf('.', dot + 1)) {
                groups.add(key.substring(0, dot));
            }
        }
        properties.add(object("twpool." + TwPoolSettings.HIKARI_PREFIX.replace(".", ""), MAP, TwPoolSettings.HIKARI_DOC, null));
        properties.add(object("twpool." + TwPoolSettings.DRIVER_PREFIX.replace(".", ""), MAP, TwPoolSettings.DRIVER_DOC, null));
        // Not a twpool.* key: the health contributor's switch, as Boot names those of its own contributors.
        properties.add(object("management.health.twpool.enabled", "java.lang.Boolean", "Whether to enable the twpool health"
                + " contributor (pool, socket census, churn verdicts; DOWN when no connection answers within"
                + " twpool.validation-timeout).", "true"));
        StringJoiner groupList = new StringJoiner(",\n", "[\n", "\n  ]");
        for (String g : groups) {
            groupList.add("    {\n      \"name\": " + quote(g) + ",\n      \"type\": \"io.github.twpool.TwPoolConfig\"\n    }");
        }
        StringJoiner propertyList = new StringJoiner(",\n", "[\n", "\n  ]");
        properties.forEach(propertyList::add);
        return "{\n  \"groups\": " + groupList + ",\n  \"properties\": " + propertyList + "\n}\n";
    }

    private static <T> String property(Setting<T> s) {
        String defaultValue = null;
        if (s.defaultValue() != null && !s.isSecret()) {
            String text = s.format(s.defaultValue());
            defaultValue = s.type() == Setting.Type.INTEGER || s.type() == Setting.Type.DECIMAL
                    || s.type() == Setting.Type.BOOLEAN ? text : quote(text);
        }
        return object(s.property(), s.type().javaType().getName(), plain(s.doc()), defaultValue);
    }

    private static String object(String name, String type, String description, String defaultValue) {
        return "    {\n      \"name\": " + quote(name) + ",\n      \"type\": " + quote(type)
                + ",\n      \"description\": " + quote(description)
                + (defaultValue == null ? "" : ",\n      \"defaultValue\": " + defaultValue) + "\n    }";
    }

    /** The documentation line without Markdown: code spans as their text, links as their words. */
    static String plain(String markdown) {
        return markdown.replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1").replace("`", "");
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
