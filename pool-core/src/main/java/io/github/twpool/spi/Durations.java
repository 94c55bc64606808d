package io.github.twpool.spi;

import java.time.Duration;

/**
 * Durations as twpool's users write them ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 1d} or
 * ISO-8601), for an extension's own properties: parsed and printed exactly as twpool's core keys are.
 */
public final class Durations {

    /** What a duration may look like, for the "allowed" part of a {@link io.github.twpool.TwPoolConfigException}. */
    public static final String ALLOWED = io.github.twpool.internal.Durations.ALLOWED;

    private Durations() {
    }

    /**
     * Parses a duration. A bare number other than {@code 0} is refused: its unit would be a guess.
     *
     * @param text the value as the user wrote it
     * @return the duration, or {@code null} when {@code text} is not one
     */
    public static Duration parse(String text) {
        return io.github.twpool.internal.Durations.parse(text);
    }

    /**
     * Prints a duration in the largest unit that keeps it exact, the way users write it.
     *
     * @param duration the duration
     * @return {@code 30m}, {@code 1500ms}, {@code 0}...
     */
    public static String format(Duration duration) {
        return io.github.twpool.internal.Durations.format(duration);
    }
}
