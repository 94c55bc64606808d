package io.github.twpool.agent;

import io.github.twpool.agent.log.AppLog;
import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.spi.Durations;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's one thread: every interval it turns endpoints the application connected to into watches (resolving
 * their names here, never on the application's threads) and ticks each watch. Idle until the first connect. Nothing
 * here throws out of a tick; a failing watch says so once and keeps trying.
 */
final class AgentRuntime implements AutoCloseable {

    static final String LOGGER = "io.github.twpool.agent";
    private static final Path PROC = Path.of("/proc");

    private final AgentOptions options;
    private final ConnectRecorder recorder;
    private final ScheduledExecutorService thread;
    private final List<EndpointWatch> watches = new CopyOnWriteArrayList<>();
    /** Spellings already given to a watch, or that cannot be resolved (tried again every tick). */
    private final Set<String> assigned = new HashSet<>();
    private final Set<String> failedLogged = new HashSet<>();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong tickNanos = new AtomicLong();
    private final AtomicLong tickCpuNanos = new AtomicLong();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    AgentRuntime(AgentOptions options, ConnectRecorder recorder) {
        this.options = options;
        this.recorder = recorder;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twpool-agent");
            t.setDaemon(true);
            t.setContextClassLoader(null);
            return t;
        });
    }

    void start() {
        long ms = options.interval().toMillis();
        thread.scheduleWithFixedDelay(this::tickSafely, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} on the agent's thread, before its first tick. */
    void execute(Runnable task) {
        thread.execute(task);
    }

    /** Runs {@code task} on the agent's thread and waits for it (at most 10 s). */
    <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
        return thread.submit(task).get(10, TimeUnit.SECONDS);
    }

    List<EndpointWatch> watches() {
        return watches;
    }

    ConnectRecorder recorder() {
        return recorder;
    }

    /** Ticks so far, their wall time and the agent thread's CPU time in them, for /metrics and the cost figures. */
    long ticks() {
        return ticks.get();
    }

    long tickNanos() {
        return tickNanos.get();
    }

    long tickCpuNanos() {
        return tickCpuNanos.get();
    }

    private void tickSafely() {
        long start = System.nanoTime();
        long cpu = cpuNanos();
        try {
            tick(start);
        } catch (Throwable t) {
            once("tick", "twpool agent: a tick failed (" + t + "); the agent keeps trying every "
                    + Durations.format(options.interval()) + ".");
        }
        if (!watches.isEmpty()) {
            ticks.incrementAndGet();
            tickNanos.addAndGet(System.nanoTime() - start);
            long after = cpuNanos();
            if (cpu >= 0 && after >= 0) {
                tickCpuNanos.addAndGet(after - cpu);
            }
        }
    }

    private long cpuNanos() {
        try {
            return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
        } catch (RuntimeException | Error e) {
            return -1;
        }
    }

    void tick(long now) {
        for (Map.Entry<String, EndpointCounts> e : recorder.endpoints().entrySet()) {
            if (!assigned.contains(e.getKey())) {
                assign(e.getKey(), e.getValue());
            }
        }
        for (EndpointWatch w : watches) {
            try {
                w.tick(now);
            } catch (Throwable t) {
                once("watch " + w.endpoint(), "twpool agent: the probe of " + w.endpoint() + " failed (" + t
                        + "); it keeps trying.");
            }
        }
    }

    private void assign(String spelling, EndpointCounts counts) {
        int colon = spelling.lastIndexOf(':');
        String host = spelling.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(spelling.substring(colon + 1));
        Endpoint resolved;
        try {
            resolved = Endpoint.resolve(host, port);
        } catch (Exception e) {
            once("resolve " + spelling, "twpool agent: cannot resolve " + spelling + " (" + e.getMessage()
                    + "); its connects are counted, its sockets not watched until it resolves.");
            return;
        }
        assigned.add(spelling);
        for (EndpointWatch w : watches) {
            if (w.endpoint().port() == port && !disjoint(w.endpoint().addresses(), resolved.addresses())) {
                w.add(counts);
                return;
            }
        }
        EndpointWatch w = new EndpointWatch(resolved, options, PROC);
        w.add(counts);
        watches.add(w);
        AppLog.log(LOGGER, AppLog.Severity.INFO, "twpool agent: watching connections to " + spelling + " ("
                + options + ").", null);
    }

    private static boolean disjoint(List<InetAddress> a, List<InetAddress> b) {
        for (InetAddress x : a) {
            if (b.contains(x)) {
                return false;
            }
        }
        return true;
    }

    private void once(String kind, String message) {
        if (failedLogged.add(kind)) {
            AppLog.log(LOGGER, AppLog.Severity.WARN, message, null);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    /** Endpoints watched, as {@code host:port}, for messages. */
    List<String> endpoints() {
        List<String> out = new ArrayList<>();
        for (EndpointWatch w : watches) {
            out.add(w.endpoint().toString());
        }
        return out;
    }
}
