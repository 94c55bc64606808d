package io.github.twpool.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parses and prints durations the way Spring Boot users write them: {@code 500ms}, {@code 30s}, {@code 1h}, or ISO-8601. */
public final class Durations {

    public static final String ALLOWED = "a duration such as 500ms, 30s, 10m, 1h, 1d or ISO-8601 (PT30S)";

    private Durations() {
    }

    /**
     * Returns the duration, or {@code null} when the text is not one. A bare number other than 0 is refused on
     * purpose: SQLAlchemy's {@code pool_recycle=3600} means seconds, Hikari's {@code maxLifetime=3600} milliseconds.
     */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return null;
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.charAt(0) == 'P' || s.charAt(0) == 'p' || s.startsWith("-P")) {
            try {
                return Duration.parse(s);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0 || i == s.length() || i > 12) {
            return null;
        }
        long n = Long.parseLong(s.substring(0, i));
        switch (s.substring(i).trim().toLowerCase(java.util.Locale.ROOT)) {
            case "ns": return Duration.ofNanos(n);
            case "us": return Duration.ofNanos(n * 1000);
            case "ms": return Duration.ofMillis(n);
            case "s": return Duration.ofSeconds(n);
            case "m": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            case "d": return Duration.ofDays(n);
            default: return null;
        }
    }

    /** Prints a duration in the largest unit that keeps it exact: {@code 30m}, {@code 1500ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms % 86_400_000 == 0) return ms / 86_400_000 + "d";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
