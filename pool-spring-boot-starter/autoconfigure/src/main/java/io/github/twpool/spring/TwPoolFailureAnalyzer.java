package io.github.twpool.spring;

import io.github.twpool.TwPoolConfigException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

/**
 * Boot's failure report for {@code twpool.*}: twpool's own message, which names the key (and where it was set) and
 * never a secret. Unknown keys and unreadable values reach here as {@link TwPoolConfigException} too
 * ({@link TwPoolBinder}), so Boot's own analyzers, which print the value of an unknown or unconvertible key, never
 * see a misspelt {@code twpool.pasword}; this one runs first.
 */
public class TwPoolFailureAnalyzer implements FailureAnalyzer, Ordered {

    private static final String PROPERTY_TABLE = "The twpool.* keys, their types and defaults are in the README's"
            + " property table and in your IDE's completion.";

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TwPoolConfigException config) {
                return new FailureAnalysis("twpool could not start the pool: " + config.getMessage(),
                        "Correct " + config.property() + ". " + PROPERTY_TABLE, failure);
            }
        }
        return null;
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }
}
