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
        if (!isAscii(s)) {
            return null; // full-width digits and the like: Character.isDigit and Duration.parse would take them
        }
        if (s.charAt(0) == 'P' || s.charAt(0) == 'p' || s.startsWith("-P") || s.startsWith("-p")) {
            try {
                return Duration.parse(s);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        int i = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
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

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** True when the duration is a whole number of milliseconds that fits in a long, as HikariCP takes it. */
    public static boolean isWholeMillis(Duration d) {
        return d.getNano() % 1_000_000 == 0 && !tooLargeForMillis(d);
    }

    /** True when {@link Duration#toMillis()} would overflow. */
    public static boolean tooLargeForMillis(Duration d) {
        try {
            d.toMillis();
            return false;
        } catch (ArithmeticException e) {
            return true;
        }
    }

    /**
     * Prints a duration in the largest unit that keeps it exact: {@code 30m}, {@code 1500ms}, {@code 1ns}; never
     * rounds a non-zero duration to 0 and never throws, however large.
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.isNegative()) {
            return d.toString(); // only in messages refusing it; ISO keeps it exact
        }
        long s = d.getSeconds();
        int n = d.getNano();
        if (n == 0) {
            if (s % 86_400 == 0) return s / 86_400 + "d";
            if (s % 3_600 == 0) return s / 3_600 + "h";
            if (s % 60 == 0) return s / 60 + "m";
            return s + "s";
        }
        if (n % 1_000_000 == 0 && s < Long.MAX_VALUE / 1_000 - 1) return (s * 1_000 + n / 1_000_000) + "ms";
        if (n % 1_000 == 0 && s < Long.MAX_VALUE / 1_000_000 - 1) return (s * 1_000_000 + n / 1_000) + "us";
        if (s < Long.MAX_VALUE / 1_000_000_000 - 1) return (s * 1_000_000_000 + n) + "ns";
        return d.toString();
    }
}
