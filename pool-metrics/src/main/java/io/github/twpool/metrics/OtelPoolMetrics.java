package io.github.twpool.metrics;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.metrics.IMetricsTracker;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.github.twpool.TwPoolDataSource;

import java.sql.SQLException;
import java.util.function.ToDoubleFunction;

/**
 * The pool's meters under OpenTelemetry's semantic conventions for database client connection pools
 * ({@code db.client.connection.*}, attribute {@code db.client.connection.pool.name}, times in seconds), so that an
 * OTLP export lands on OpenTelemetry dashboards unchanged. {@link TwPoolMetrics} binds these when
 * {@code twpool.metrics.opt-in} is {@code database} or {@code database/dup}; bound alone, this binder gives only
 * them. docs/metrics.md lists the meters.
 *
 * <p>The gauges read HikariCP's pool and configuration beans when scraped. The times and timeouts come from
 * HikariCP's metrics tracker, which a pool has at most one of: this binder installs it, alone or passing every event
 * on to HikariCP's Micrometer tracker, unless the pool has a tracker already (then only the gauges are registered).
 * Times are distribution summaries in seconds rather than timers, because a timer's unit is the registry's choice
 * (milliseconds in Micrometer's OTLP registry) and the conventions say seconds.
 */
public final class OtelPoolMetrics implements MeterBinder {

    static final String COUNT = "db.client.connection.count";
    static final String MAX = "db.client.connection.max";
    static final String IDLE_MAX = "db.client.connection.idle.max";
    static final String IDLE_MIN = "db.client.connection.idle.min";
    static final String PENDING_REQUESTS = "db.client.connection.pending_requests";
    static final String TIMEOUTS = "db.client.connection.timeouts";
    static final String CREATE_TIME = "db.client.connection.create_time";
    static final String WAIT_TIME = "db.client.connection.wait_time";
    static final String USE_TIME = "db.client.connection.use_time";

    static final String POOL_NAME = "db.client.connection.pool.name";
    static final String STATE = "db.client.connection.state";

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double MILLIS_PER_SECOND = 1e3;

    private final HikariDataSource hikari;
    private final Tags tags;

    public OtelPoolMetrics(TwPoolDataSource dataSource) {
        this(dataSource, Tags.empty());
    }

    public OtelPoolMetrics(TwPoolDataSource dataSource, Iterable<Tag> extraTags) {
        try {
            this.hikari = dataSource.unwrap(HikariDataSource.class);
        } catch (SQLException e) {
            throw new IllegalStateException("TwPoolDataSource does not wrap a HikariDataSource", e);
        }
        this.tags = Tags.of(POOL_NAME, dataSource.config().name()).and(extraTags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        bind(registry, null);
    }

    /** The meters, with HikariCP's tracker passing every event on to {@code alsoTo}'s tracker when that is not null. */
    void bind(MeterRegistry registry, MetricsTrackerFactory alsoTo) {
        bindGauges(registry);
        if (hikari.getMetricsTrackerFactory() == null && hikari.getMetricRegistry() == null) {
            hikari.setMetricsTrackerFactory(trackerFactory(registry, alsoTo));
        }
    }

    /** The gauges: connections by state, the pool's limits and the callers waiting. */
    private void bindGauges(MeterRegistry registry) {
        pool(registry, COUNT, tags.and(STATE, "idle"), "{connection}",
                "The number of connections that are currently in state described by the state attribute",
                HikariPoolMXBean::getIdleConnections);
        pool(registry, COUNT, tags.and(STATE, "used"), "{connection}",
                "The number of connections that are currently in state described by the state attribute",
                HikariPoolMXBean::getActiveConnections);
        pool(registry, PENDING_REQUESTS, tags, "{request}",
                "The number of current pending requests for an open connection",
                HikariPoolMXBean::getThreadsAwaitingConnection);
        config(registry, MAX, "The maximum number of open connections allowed (pool-size + max-overflow)",
                HikariConfigMXBean::getMaximumPoolSize);
        // HikariCP keeps an idle connection until idle-timeout (twpool: overflow-idle-timeout) whatever the count,
        // so as many as the pool may hold can be idle at once.
        config(registry, IDLE_MAX, "The maximum number of idle open connections allowed (as many as the pool may hold)",
                HikariConfigMXBean::getMaximumPoolSize);
        config(registry, IDLE_MIN, "The minimum number of idle open connections allowed (pool-size)",
                HikariConfigMXBean::getMinimumIdle);
    }

    /** HikariCP's tracker for this pool's times and timeouts, beside {@code alsoTo}'s when that is not null. */
    private MetricsTrackerFactory trackerFactory(MeterRegistry registry, MetricsTrackerFactory alsoTo) {
        Counter timeouts = Counter.builder(TIMEOUTS).tags(tags).baseUnit("{timeout}")
                .description("The number of connection timeouts that have occurred trying to obtain a connection from the pool")
                .register(registry);
        DistributionSummary create = seconds(registry, CREATE_TIME, "The time it took to create a new connection");
        DistributionSummary wait = seconds(registry, WAIT_TIME, "The time it took to obtain an open connection from the pool");
        DistributionSummary use = seconds(registry, USE_TIME, "The time between borrowing a connection and returning it to the pool");
        return (poolName, poolStats) -> {
            IMetricsTracker other = alsoTo == null ? null : alsoTo.create(poolName, poolStats);
            return new Tracker(timeouts, create, wait, use, other);
        };
    }

    private DistributionSummary seconds(MeterRegistry registry, String name, String description) {
        return DistributionSummary.builder(name).tags(tags).baseUnit("s").description(description).register(registry);
    }

    private void pool(MeterRegistry registry, String name, Tags t, String unit, String description,
                      ToDoubleFunction<HikariPoolMXBean> value) {
        Gauge.builder(name, hikari, h -> {
            HikariPoolMXBean pool = h.getHikariPoolMXBean();
            return pool == null || h.isClosed() ? Double.NaN : value.applyAsDouble(pool);
        }).tags(t).baseUnit(unit).description(description).strongReference(false).register(registry);
    }

    private void config(MeterRegistry registry, String name, String description, ToDoubleFunction<HikariConfigMXBean> value) {
        Gauge.builder(name, hikari, h -> h.isClosed() ? Double.NaN : value.applyAsDouble(h.getHikariConfigMXBean()))
                .tags(tags).baseUnit("{connection}").description(description).strongReference(false).register(registry);
    }

    /** Records into the OpenTelemetry-named meters, then passes each event on to the other tracker, if any. */
    private record Tracker(Counter timeouts, DistributionSummary createTime, DistributionSummary waitTime,
                           DistributionSummary useTime, IMetricsTracker other) implements IMetricsTracker {

        @Override
        public void recordConnectionCreatedMillis(long millis) {
            createTime.record(millis / MILLIS_PER_SECOND);
            if (other != null) {
                other.recordConnectionCreatedMillis(millis);
            }
        }

        @Override
        public void recordConnectionAcquiredNanos(long nanos) {
            waitTime.record(nanos / NANOS_PER_SECOND);
            if (other != null) {
                other.recordConnectionAcquiredNanos(nanos);
            }
        }

        @Override
        public void recordConnectionUsageMillis(long millis) {
            useTime.record(millis / MILLIS_PER_SECOND);
            if (other != null) {
                other.recordConnectionUsageMillis(millis);
            }
        }

        @Override
        public void recordConnectionTimeout() {
            timeouts.increment();
            if (other != null) {
                other.recordConnectionTimeout();
            }
        }

        @Override
        public void close() {
            if (other != null) {
                other.close();
            }
        }
    }
}
