package io.github.twpool.internal;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolSettings;
import io.github.twpool.spi.Setting;
import io.github.twpool.spi.TwPoolExtension;

import java.util.ArrayList;
import java.util.List;

/**
 * Which declaration a {@code twpool.*} key belongs to: twpool's own ({@link TwPoolSettings}), a namespace passed
 * through ({@code hikari.*}, {@code driver.*}), or an extension's ({@link TwPoolExtension#settings()}). The one place
 * that refuses a key nobody declares; it never shows the value (an unknown key may be a misspelt password).
 */
public final class SettingKeys {

    private SettingKeys() {
    }

    /**
     * twpool's keys, then those of the extensions by the extensions' names (not the class path's order, so that the
     * generated documentation is the same on every class path), each in the order of its table.
     */
    public static List<Setting<?>> all(List<TwPoolExtension> extensions) {
        List<Setting<?>> all = new ArrayList<>(TwPoolSettings.ALL);
        extensions.stream().sorted(java.util.Comparator.comparing(TwPoolExtension::name)).forEach(e -> all.addAll(of(e)));
        return all;
    }

    /** An extension's declarations, each under the extension's namespace. */
    public static List<Setting<?>> of(TwPoolExtension extension) {
        List<Setting<?>> settings = extension.settings();
        for (Setting<?> s : settings) {
            if (!s.key().startsWith(extension.name() + ".")) {
                throw new IllegalStateException("extension " + extension.name() + " declares " + s.property()
                        + " outside its namespace twpool." + extension.name() + ".*");
            }
        }
        return settings;
    }

    /** twpool's own declaration of {@code key}, or null. */
    public static Setting<?> core(String key) {
        for (Setting<?> s : TwPoolSettings.ALL) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        return null;
    }

    /** The declaration of an extension key among {@code extensions}, or null. */
    public static Setting<?> extension(String key, List<TwPoolExtension> extensions) {
        for (TwPoolExtension e : extensions) {
            for (Setting<?> s : of(e)) {
                if (s.key().equals(key)) {
                    return s;
                }
            }
        }
        return null;
    }

    /** True for {@code hikari.<name>} and {@code driver.<name>}, checked by their own rules. */
    public static boolean isPassThrough(String key) {
        return (key.startsWith(TwPoolSettings.HIKARI_PREFIX) && key.length() > TwPoolSettings.HIKARI_PREFIX.length())
                || (key.startsWith(TwPoolSettings.DRIVER_PREFIX) && key.length() > TwPoolSettings.DRIVER_PREFIX.length());
    }

    /** Refuses {@code key} unless it is declared by twpool or one of {@code extensions}, or passed through. */
    public static void requireKnown(String key, List<TwPoolExtension> extensions) {
        if (core(key) == null && !isPassThrough(key) && extension(key, extensions) == null) {
            throw unknown(key, extensions);
        }
    }

    /** The closest declared key, for "did you mean", or null. */
    public static String closest(String key, List<TwPoolExtension> extensions) {
        return Suggestions.closest(key, all(extensions).stream().map(Setting::key).toList());
    }

    /** The message for a key nobody declares: named, with a suggestion; never its value. */
    public static TwPoolConfigException unknown(String key, List<TwPoolExtension> extensions) {
        List<String> candidates = all(extensions).stream().map(Setting::key).toList();
        String full = TwPoolConfig.PREFIX + key;
        String hint = Suggestions.didYouMean(key, candidates);
        String namespace = key.contains(".") ? key.substring(0, key.indexOf('.')) : null;
        boolean extensionPresent = namespace != null && extensions.stream().anyMatch(e -> e.name().equals(namespace));
        String extensionHint = namespace != null && hint.isEmpty() && !extensionPresent
                ? " (if twpool." + namespace + ".* belongs to an extension such as pool-" + namespace + ", put that module on the classpath)"
                : "";
        return new TwPoolConfigException(full, ConfigRules.printable(full) + ": unknown property (its value is not shown)"
                + (hint.isEmpty() ? "" : hint.replace("did you mean ", "did you mean twpool.")) + extensionHint
                + "; see the property table in the README");
    }

    /**
     * The extension keys of a configuration, against the extensions a pool runs with: each must be declared by an
     * extension that applies to the URL, and its value must pass its declaration.
     */
    public static void checkExtensionProperties(TwPoolConfig config, List<TwPoolExtension> applicable) {
        for (String key : config.extensionProperties().keySet()) {
            String full = TwPoolConfig.PREFIX + key;
            TwPoolExtension owner = applicable.stream().filter(e -> key.startsWith(e.name() + ".")).findFirst().orElse(null);
            if (owner == null) {
                // the value is not shown: without its extension, nothing says whether the key holds a secret
                throw new TwPoolConfigException(full, ConfigRules.printable(full)
                        + ": the extension that owns it does not apply to " + Secrets.maskUrl(config.url())
                        + " (its value is not shown)");
            }
            Setting<?> setting = extension(key, List.of(owner));
            if (setting == null) {
                throw unknown(key, List.of(owner));
            }
            config.get(setting); // parses and checks it against its declaration
        }
    }
}
