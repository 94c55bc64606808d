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
 * @param jvmOutside connections/s this JVM opened to the endpoint outside this pool ({@code DriverManager}, other
 *                   DataSources and pools): the outside rate when sampling names this JVM alone, NaN when it does not
 * @param timeWait   connections to the endpoint that entered TIME_WAIT on this host (census)
 * @param hostOpens  every TCP connection this host opened or accepted ({@code ActiveOpens}/{@code PassiveOpens},
 *                   host-wide, any endpoint)
 * @param hostResets resets this host sent ({@code OutRsts}, host-wide): how TLS connections of Connector/J end
 */
public record ChurnRates(double endpoint, double poolOpened, double poolClosed, double outside, double server,
                         Duration window, double jvmOutside, double timeWait, double hostOpens, double hostResets) {

    public static final ChurnRates UNKNOWN = new ChurnRates(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Duration.ZERO, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
}
