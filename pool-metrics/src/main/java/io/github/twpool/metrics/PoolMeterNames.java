package io.github.twpool.metrics;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The values of {@code twpool.metrics.opt-in}: which names the pool's own meters carry. */
enum PoolMeterNames {
    /** HikariCP's {@code hikaricp.*} meters only (its Micrometer tracker), as before the setting existed. */
    NONE("none", true, false),
    /** OpenTelemetry's {@code db.client.connection.*} instead of {@code hikaricp.*}. */
    DATABASE("database", false, true),
    /** Both, for a move from one set of dashboards to the other. */
    DATABASE_DUP("database/dup", true, true);

    private final String value;
    private final boolean hikari;
    private final boolean otel;

    PoolMeterNames(String value, boolean hikari, boolean otel) {
        this.value = value;
        this.hikari = hikari;
        this.otel = otel;
    }

    String value() {
        return value;
    }

    boolean hikari() {
        return hikari;
    }

    boolean otel() {
        return otel;
    }

    static boolean isValue(String s) {
        return Arrays.stream(values()).anyMatch(v -> v.value.equals(s));
    }

    static PoolMeterNames of(String s) {
        return Arrays.stream(values()).filter(v -> v.value.equals(s)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a value of twpool.metrics.opt-in")); // checked at parse
    }

    /** "none, database or database/dup", for messages and the property table. */
    static String allowed() {
        String all = Arrays.stream(values()).map(v -> v.value).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
