package io.github.twpool.internal;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolSettings;
import io.github.twpool.spi.Setting;

import java.util.Map;
import java.util.StringJoiner;

/**
 * The one-line policy of a pool ({@code pool-size=10 max-overflow=0 recycle=30m ...}), rendered from the keys'
 * declarations: each key marked to be shown, as {@code key=value}. A running pool's report passes the values it
 * has now in place of the configured ones (a recycle shortened at run time), so both come from the same renderer.
 */
public final class SettingsLine {

    private SettingsLine() {
    }

    /** The line for {@code config}, with {@code effective} shown in place of a key's configured value. */
    public static String render(TwPoolConfig config, Map<Setting<?>, String> effective) {
        StringJoiner line = new StringJoiner(" ");
        for (Setting<?> setting : TwPoolSettings.ALL) {
            if (setting.isDescribedFor(config)) {
                String value = effective.get(setting);
                line.add(setting.key() + "=" + (value != null ? value : shown(setting, config)));
            }
        }
        return line.toString();
    }

    private static <T> String shown(Setting<T> setting, TwPoolConfig config) {
        return setting.describe(config.get(setting));
    }
}
