package io.github.twpool.internal.churn;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The log as an operator wants it: one WARN per cause at most every {@code interval}, one INFO line when a cause
 * clears. Each line carries its verdict's fields as SLF4J key-values, so a JSON encoder writes them as fields.
 * Counts the warnings written, by cause, for metrics. The words come from {@link ChurnMessages}.
 */
public final class ChurnWarnings {

    public static final String LOGGER = "io.github.twpool.churn";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private final String pool;
    private final long intervalNanos;
    private final Map<ChurnCause, Long> lastWarned = new EnumMap<>(ChurnCause.class);
    private final Map<ChurnCause, Long> written = new EnumMap<>(ChurnCause.class);

    public ChurnWarnings(String pool, java.time.Duration interval) {
        this.pool = pool;
        this.intervalNanos = interval.toNanos();
    }

    /** Called with the active verdicts of a tick, each ready to log; not thread-safe (the probe thread calls it). */
    public void publish(List<ChurnVerdict> active, long nowNanos) {
        publish(active, active.stream().map(ChurnVerdict::cause).collect(Collectors.toSet()), nowNanos);
    }

    /**
     * Called with a tick's verdicts that are ready to log and the causes active in it. A cause can be active without
     * a verdict to log (a warning that waits until enough was seen to name who churns): it has not cleared, and when it
     * is ready again it is the same churn, not a new one to warn of before the interval has passed.
     */
    public void publish(List<ChurnVerdict> ready, Set<ChurnCause> active, long nowNanos) {
        EnumMap<ChurnCause, ChurnVerdict> byCause = new EnumMap<>(ChurnCause.class);
        for (ChurnVerdict v : ready) {
            byCause.putIfAbsent(v.cause(), v);
        }
        for (var e : byCause.entrySet()) {
            Long last = lastWarned.get(e.getKey());
            if (last == null || nowNanos - last >= intervalNanos) {
                warn(e.getValue());
                lastWarned.put(e.getKey(), nowNanos);
                synchronized (written) {
                    written.merge(e.getKey(), 1L, Long::sum);
                }
            }
        }
        lastWarned.keySet().removeIf(cause -> {
            if (!active.contains(cause) && !byCause.containsKey(cause)) {
                LOG.atInfo().setMessage("twpool '{}': {} churn has cleared.").addArgument(pool).addArgument(cause.tag())
                        .addKeyValue(ChurnMessages.CAUSE, cause.tag()).addKeyValue(ChurnMessages.POOL, pool)
                        .addKeyValue("twpool.cleared", true).log();
                return true;
            }
            return false;
        });
    }

    /** One line, its fields as the event's key-values (JSON encoders write them as fields of their own). */
    private static void warn(ChurnVerdict v) {
        LoggingEventBuilder event = LOG.atWarn().setMessage(v.message());
        v.fields().forEach(event::addKeyValue);
        event.log();
    }

    /** Warnings written so far, by cause (a copy). */
    public Map<ChurnCause, Long> written() {
        synchronized (written) {
            return new EnumMap<>(written);
        }
    }
}
