package io.github.twpool;

/**
 * One finding of the churn detector.
 *
 * @param cause   what kind of churn
 * @param reason  the cause within the kind where it can be told ({@code overflow}, {@code recycle},
 *                {@code failures} for {@link ChurnCause#POOL}), else {@code null}
 * @param message the line the detector logs: the numbers and what to change
 */
public record ChurnVerdict(ChurnCause cause, String reason, String message) {
}
