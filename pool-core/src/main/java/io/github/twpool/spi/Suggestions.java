package io.github.twpool.spi;

import java.util.Collection;

/** "Did you mean" for an extension's misspelt property names, with the same tolerance as twpool's own keys. */
public final class Suggestions {

    private Suggestions() {
    }

    /**
     * The candidate closest to what was given, within a small edit distance; case and {@code - _ .} are ignored.
     *
     * @param given      the name the user wrote
     * @param candidates the names that exist
     * @return the closest candidate, or {@code null} when none is close
     */
    public static String closest(String given, Collection<String> candidates) {
        return io.github.twpool.internal.Suggestions.closest(given, candidates);
    }

    /**
     * The suggestion as the end of an error message.
     *
     * @param given      the name the user wrote
     * @param candidates the names that exist
     * @return {@code "; did you mean <candidate>?"}, or an empty string when none is close
     */
    public static String didYouMean(String given, Collection<String> candidates) {
        return io.github.twpool.internal.Suggestions.didYouMean(given, candidates);
    }
}
