package io.github.twpool;

import java.time.Duration;

/**
 * Connection rates over the detector's last window, in connections per second. A rate that cannot be known yet
 * (no second sample, no server signal) is {@link Double#NaN}.
 *
 * @param endpoint   connections to the database endpoint closed on this host: sockets that entered TIME_WAIT, or
 *                   this pool's own closes where port reuse hides TIME_WAIT, whichever is larger
 * @param poolOpened physical connections this pool opened
 * @param poolClosed physical connections this pool closed
 * @param outside    {@code endpoint - poolClosed}, never below zero: churn this pool did not cause
 * @param server     new connections the server accepted (MySQL {@code Connections}), from every client of it
 * @param window     the time the rates are measured over
 */
public record ChurnRates(double endpoint, double poolOpened, double poolClosed, double outside, double server,
                         Duration window) {

    public static final ChurnRates UNKNOWN = new ChurnRates(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Duration.ZERO);
}
