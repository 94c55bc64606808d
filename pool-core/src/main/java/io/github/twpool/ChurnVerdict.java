package io.github.twpool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finding of the churn detector.
 *
 * @param cause   what kind of churn
 * @param reason  the cause within the kind where it can be told ({@code overflow}, {@code recycle},
 *                {@code failures}, {@code evicted} for {@link ChurnCause#POOL}), else {@code null}
 * @param message the line the detector logs, at most about 300 characters: the cause, one rate with its window, who
 *                opens the connections, what it costs and what to change
 * @param fields  everything else, as the structured key-values the log event carries ({@code twpool.cause},
 *                {@code twpool.rate}, {@code twpool.endpoint}, {@code twpool.call_site}, ...): numbers as numbers,
 *                in a stable order; docs/metrics.md lists them
 */
public record ChurnVerdict(ChurnCause cause, String reason, String message, Map<String, Object> fields) {

    public ChurnVerdict {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A verdict with its message only. */
    public ChurnVerdict(ChurnCause cause, String reason, String message) {
        this(cause, reason, message, Map.of());
    }
}
