package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;

import java.time.Instant;

/**
 * One probe tick.
 *
 * @param at           when
 * @param hostTimeWait host-wide TIME_WAIT from sockstat, -1 when unreadable
 * @param census       the latest census, possibly from an earlier tick; {@code null} before the first scan
 * @param scanned      whether {@code census} was taken on this tick
 */
public record ProbeSample(Instant at, long hostTimeWait, SocketCensus census, boolean scanned) {
}
