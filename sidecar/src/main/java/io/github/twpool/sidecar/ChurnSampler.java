package io.github.twpool.sidecar;

import java.util.concurrent.locks.LockSupport;

/**
 * The thread that samples an endpoint's client sockets while churn lasts ({@link ProcessAttributor#sample}), often
 * enough to catch connections that live a millisecond and within a CPU budget: {@link #BUDGET} of one core, measured
 * as this thread's own CPU time (samples, searches, wake-ups) and enforced as a token bucket: each loop spends CPU
 * time, the bucket refills at {@link #BUDGET} of the wall time passed (holding at most {@link #BURST}); a sample runs
 * only while the bucket is at least half full, and the searches it starts to name new sockets may spend the rest, so
 * that sampling never starves naming; at least {@link #MIN_PERIOD_NANOS} between samples. What a netlink sample
 * costs is the kernel's walk of its whole TCP hash table (both address families in one dump): about 1 ms on a host
 * with 262,144 buckets, plus the naming of what it caught; a costly one (a search of {@code /proc}) makes the next
 * wait longer. Measured in {@code FastChurnNamingJarIntegrationTest} (JDK 25, a PyMySQL churner over TLS, its
 * connections living 5-8 ms): 14-27 samples/s at 81-83 ms of this thread's CPU per second, catching 7-26 connections
 * a second; 5-11 samples in the first second of churn, while the code is still cold. Started by the attributor when
 * churn is seen, stopped when it ends: nothing runs while quiet.
 */
final class ChurnSampler extends Thread {

    /** The share of one core the sampling thread may use while churn lasts. */
    static final double BUDGET = 0.08;
    /** CPU time the bucket holds at most: what one search of /proc may spend at once. */
    static final long BURST = 20_000_000L;
    static final long MIN_PERIOD_NANOS = 250_000L;
    /** CPU time the searches after one sample may take at least, even when the sample itself was costly. */
    static final long MIN_SEARCH_NANOS = 8_000_000L;
    static final long MAX_PERIOD_NANOS = 100_000_000L;
    /**
     * No new connection for this long (the detector still reports churn: port exhaustion lasts while TIME_WAIT does):
     * samples slow to one every {@link #IDLE_PERIOD_NANOS}, back to full speed at the next new connection.
     */
    static final long IDLE_AFTER_NANOS = 5_000_000_000L;
    static final long IDLE_PERIOD_NANOS = 250_000_000L;

    private final ProcessAttributor attributor;
    private volatile boolean running = true;
    private volatile long cpuUsed;

    ChurnSampler(ProcessAttributor attributor, String name) {
        super(name);
        this.attributor = attributor;
        setDaemon(true);
    }

    @Override
    public void run() {
        try {
            long lastWall = System.nanoTime();
            long lastCpu = ProcessAttributor.cpuNanos();
            long startCpu = lastCpu;
            double tokens = BURST;
            while (running && !isInterrupted()) {
                long now = System.nanoTime();
                long cpu = ProcessAttributor.cpuNanos();
                tokens = Math.min(BURST, tokens + BUDGET * (now - lastWall) - (cpu - lastCpu));
                lastWall = now;
                lastCpu = cpu;
                cpuUsed = cpu - startCpu;
                if (tokens >= BURST / 2.0) {
                    // Half the bucket is kept for naming: a sample runs only above it, and the searches it starts may
                    // spend what is left (at least MIN_SEARCH_NANOS: the debt delays the next sample).
                    long search = Math.max(MIN_SEARCH_NANOS, (long) tokens - BURST / 4);
                    if (!attributor.sample(search, now + Math.max(MIN_PERIOD_NANOS, search * 4) + 50_000_000L)) {
                        pause(MAX_PERIOD_NANOS); // cannot sample now: try again later, cheaply
                        continue;
                    }
                    cpu = ProcessAttributor.cpuNanos();
                    tokens -= cpu - lastCpu;
                    lastCpu = cpu;
                }
                long wait = Math.min(MAX_PERIOD_NANOS, Math.max(MIN_PERIOD_NANOS, (long) ((BURST / 2.0 - tokens) / BUDGET)));
                if (System.nanoTime() - attributor.lastFreshNanos() > IDLE_AFTER_NANOS) {
                    wait = Math.max(wait, IDLE_PERIOD_NANOS);
                }
                pause(wait);
            }
        } catch (Throwable t) {
            org.slf4j.LoggerFactory.getLogger("io.github.twpool.sidecar.attribution")
                    .debug("the socket sampler stopped", t);
        } finally {
            attributor.samplerStopped();
        }
    }

    private void pause(long nanos) {
        LockSupport.parkNanos(this, nanos);
    }

    /** This thread's CPU time since it started. */
    long cpuNanos() {
        return cpuUsed;
    }

    void stopAndJoin() {
        running = false;
        LockSupport.unpark(this);
        try {
            join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
