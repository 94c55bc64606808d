package io.github.twpool.internal;

import io.github.twpool.TwPoolSettings;
import io.github.twpool.spi.Setting;

import java.util.List;

/** The Markdown property tables of the READMEs, rendered from the keys' declarations. */
public final class SettingsTable {

    private static final String HEADER = "| key | default | allowed | meaning |\n|---|---|---|---|\n";

    private SettingsTable() {
    }

    /** twpool's own keys (named without {@code twpool.}), then the two pass-through namespaces. */
    public static String core() {
        return render(TwPoolSettings.ALL, "")
                + "| `" + TwPoolSettings.HIKARI_PREFIX + "<property>` | | see below | " + TwPoolSettings.HIKARI_DOC + " |\n"
                + "| `" + TwPoolSettings.DRIVER_PREFIX + "<property>` | | anything | " + TwPoolSettings.DRIVER_DOC + " |\n";
    }

    /** A table of {@code settings}, each key shown with {@code prefix} (an extension's README names them in full). */
    public static String render(List<Setting<?>> settings, String prefix) {
        StringBuilder table = new StringBuilder(HEADER);
        for (Setting<?> s : settings) {
            table.append("| `").append(prefix).append(s.key()).append("` | ").append(s.defaultCell()).append(" | ")
                    .append(s.allowedCell()).append(" | ").append(s.doc()).append(" |\n");
        }
        return table.toString();
    }
}
