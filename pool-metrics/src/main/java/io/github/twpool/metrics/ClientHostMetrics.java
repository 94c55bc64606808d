package io.github.twpool.metrics;

import io.github.twpool.ServerStatus;
import io.github.twpool.TwPoolDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The fleet seen from the database: connections the server accepted from each client host, as the server counts them
 * (MySQL's {@code performance_schema.hosts}, MariaDB's {@code information_schema.CLIENT_STATISTICS} with
 * {@code userstat=ON}), one counter per client host: {@value #SERVER_CLIENT_CONNECTIONS}{@code {client=...}}.
 *
 * <p>One pool (or one sidecar with {@code --user}) beside a database thereby exports every client's connects, and the
 * metrics backend answers "which of the services in front of this database churns?" with
 * {@code rate(twpool_server_client_connections_total[1m])}: the per-second rates, sums and alerts are the backend's
 * work, not twpool's.
 *
 * <p>Label values are bounded: the first {@code maxClients} client hosts the server names (the busiest first when
 * several appear at once) get a series of their own,
 * every later one is counted under {@code client="other"}. A host never moves between series, so every counter only
 * grows (a server restart, which resets its counts, holds each counter at its last value until the server's count
 * passes it). New client hosts are looked for when bound and then every {@code refreshInterval} on a daemon thread of
 * this binder, which {@link #close()} stops (binding to a {@link TwPoolDataSource} also stops when the pool closes).
 * As with Micrometer's own function counters, the registry holds the binder weakly: keep a reference to it for as
 * long as its series should report.
 */
public final class ClientHostMetrics implements MeterBinder, AutoCloseable {

    /** Connections the server accepted per client host; {@code client} is the host as the server names it, or "other". */
    public static final String SERVER_CLIENT_CONNECTIONS = "twpool.server.client.connections";
    /** The {@code client} label of the hosts past {@code maxClients}. */
    public static final String OTHER = "other";
    public static final int DEFAULT_MAX_CLIENTS = 10;
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(10);

    private final Supplier<ServerStatus> status;
    private final Supplier<Boolean> finished;
    private final Tags tags;
    private final int maxClients;
    private final Duration refreshInterval;
    /** Hosts with a series of their own, with the highest count seen: a series never goes down. */
    private final Map<String, Long> named = new ConcurrentHashMap<>();
    private volatile long other;
    private volatile MeterRegistry registry;
    private ScheduledExecutorService refresher;

    /**
     * @param status          the server's latest sample, {@code null} while there is none
     * @param finished        true once the source is gone (the binder then stops looking for new hosts)
     * @param tags            tags of every series, e.g. the pool and the endpoint
     * @param maxClients      client hosts that get a series of their own, at least 1
     * @param refreshInterval how often new client hosts are looked for
     */
    public ClientHostMetrics(Supplier<ServerStatus> status, Supplier<Boolean> finished, Iterable<Tag> tags,
                             int maxClients, Duration refreshInterval) {
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be at least 1, was " + maxClients);
        }
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("refreshInterval must be positive, was " + refreshInterval);
        }
        this.status = status;
        this.finished = finished;
        this.tags = Tags.of(tags);
        this.maxClients = maxClients;
        this.refreshInterval = refreshInterval;
    }

    /** The clients of the database a pool talks to, as the pool's server signals (pool-mysql) read them. */
    public static ClientHostMetrics of(TwPoolDataSource dataSource) {
        return new ClientHostMetrics(() -> dataSource.churnReport().server(), dataSource::isClosed,
                Tags.of("pool", dataSource.config().name(), "endpoint", dataSource.endpoint()),
                DEFAULT_MAX_CLIENTS, DEFAULT_REFRESH);
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        if (this.registry != null) {
            throw new IllegalStateException("already bound to a registry");
        }
        this.registry = registry;
        FunctionCounter.builder(SERVER_CLIENT_CONNECTIONS, this, m -> m.other)
                .tags(tags.and("client", OTHER))
                .description("Connections the database server accepted from client hosts past the first "
                        + maxClients + " it named")
                .register(registry);
        refresh();
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twpool-client-host-metrics");
            t.setDaemon(true);
            return t;
        });
        long millis = refreshInterval.toMillis();
        refresher.scheduleWithFixedDelay(this::refreshOrStop, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void refreshOrStop() {
        try {
            if (Boolean.TRUE.equals(finished.get())) {
                close();
                return;
            }
            refresh();
        } catch (RuntimeException e) {
            // a failed read is a gap in the series, never an end of the refresher
        }
    }

    /**
     * Reads the server's latest per-client counts: updates every series and gives new client hosts a series of their
     * own while fewer than {@code maxClients} have one. Runs on the refresher; callable directly (tests, a scrape hook).
     */
    public synchronized void refresh() {
        ServerStatus s = status.get();
        MeterRegistry r = registry;
        if (s == null || s.connectionsByClientHost() == null || r == null) {
            return;
        }
        long otherNow = 0;
        // Busiest first, so that the hosts first seen together take the places in order of their counts.
        List<Map.Entry<String, Long>> byCount = new ArrayList<>(s.connectionsByClientHost().entrySet());
        byCount.sort(Map.Entry.<String, Long>comparingByValue(Comparator.nullsFirst(Comparator.naturalOrder())).reversed()
                .thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<String, Long> e : byCount) {
            String host = e.getKey();
            long count = e.getValue() == null ? 0 : e.getValue();
            if (named.containsKey(host)) {
                named.merge(host, count, Math::max);
            } else if (named.size() < maxClients) {
                // Places are never freed, so a host that finds one now has never been counted under "other".
                named.put(host, count);
                FunctionCounter.builder(SERVER_CLIENT_CONNECTIONS, this, m -> m.named.getOrDefault(host, 0L))
                        .tags(tags.and("client", host))
                        .description("Connections the database server accepted from this client host")
                        .register(r);
            } else {
                otherNow += count;
            }
        }
        other = Math.max(other, otherNow);
    }

    /** Stops looking for new client hosts; the registered series stay (their last values). */
    @Override
    public synchronized void close() {
        if (refresher != null) {
            refresher.shutdownNow();
            refresher = null;
        }
    }
}
