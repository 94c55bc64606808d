package io.github.twpool.mysql;

import static io.github.twpool.mysql.MySqlTestSupport.props;
import static io.github.twpool.mysql.MySqlTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.twpool.TwPoolDataSource;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * A few hundred virtual-thread borrowers on a small pool against the real server: no errors, and no carrier thread
 * pinned while a borrower waits (for a connection, for the server). Pinning is read from JFR's
 * {@code jdk.VirtualThreadPinned} events at threshold 0 ({@code -Djdk.tracePinnedThreads} is gone since Java 24); a
 * deliberate pin first proves that the events are seen.
 *
 * <p>Runs on Java 21+ only (the library targets 17, where this is reported as skipped). CI runs the suite on Java 25
 * too, and {@code .ci/run} fails unless this class ran there with no test skipped.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadBorrowersIntegrationTest {

    private static final int BORROWERS = 300;
    private static final int BORROWS_EACH = 5;
    private static final int POOL_SIZE = 4;
    private static final int MAX_OVERFLOW = 2;

    @Test
    void hundredsOfVirtualThreadBorrowersOnASmallPoolPinNoCarrierAndAllSucceed() throws Exception {
        try (PinnedEvents control = new PinnedEvents()) {
            try (VirtualThreads virtual = new VirtualThreads()) {
                virtual.executor.submit(() -> PinsWhileInitializing.VALUE).get(10, TimeUnit.SECONDS);
            }
            assertThat(control.awaitFlushAndGet()).as("the deliberate pin (sleep in a class initializer) was seen")
                    .anySatisfy(e -> assertThat(describe(e)).contains("PinsWhileInitializing"));
        }

        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(
                "twpool.pool-size", String.valueOf(POOL_SIZE), "twpool.max-overflow", String.valueOf(MAX_OVERFLOW),
                "twpool.reset-session", "true", "twpool.timeout", "60s"))) {
            // Warm up, once on a platform thread and then on more virtual ones than the pool has connections: what
            // the JDK and the driver initialise on first use (classes, the JDK's socket pollers for virtual threads)
            // is not what is measured. The waiting borrowers matter: the first thread to wait in the pool's hand-off
            // queue initialises the JDK's queue node class (Java 21+), and a virtual thread that waits for another to
            // finish a class's initialisation pins its carrier once in the JVM's life.
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT 1")).isEqualTo("1");
            }
            try (VirtualThreads virtual = new VirtualThreads()) {
                List<Future<String>> warmUp = new java.util.ArrayList<>();
                for (int i = 0; i < 2 * (POOL_SIZE + MAX_OVERFLOW); i++) {
                    warmUp.add(virtual.executor.submit(() -> {
                        try (Connection c = ds.getConnection()) {
                            return scalar(c, "SELECT SLEEP(0.01)");
                        }
                    }));
                }
                for (Future<String> f : warmUp) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }

            Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
            AtomicInteger onVirtualThreads = new AtomicInteger();
            AtomicInteger active = new AtomicInteger();
            AtomicInteger maxActive = new AtomicInteger();
            AtomicLong borrows = new AtomicLong();
            Set<Long> borrowerThreads = ConcurrentHashMap.newKeySet();
            CountDownLatch start = new CountDownLatch(1);
            List<RecordedEvent> pinned;
            try (PinnedEvents events = new PinnedEvents();
                 VirtualThreads virtual = new VirtualThreads()) {
                List<Future<?>> futures = new java.util.ArrayList<>();
                for (int i = 0; i < BORROWERS; i++) {
                    futures.add(virtual.executor.submit(() -> {
                        try {
                            borrowerThreads.add(Thread.currentThread().getId());
                            if (isVirtual(Thread.currentThread())) {
                                onVirtualThreads.incrementAndGet();
                            }
                            start.await();
                            for (int n = 0; n < BORROWS_EACH; n++) {
                                try (Connection c = ds.getConnection()) {
                                    maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                                    try (Statement s = c.createStatement()) {
                                        s.execute("SET @vt := " + n);       // dirty the session; reset-session cleans it
                                        s.executeQuery("SELECT SLEEP(0.002)").close();
                                    }
                                    borrows.incrementAndGet();
                                    active.decrementAndGet();
                                }
                            }
                        } catch (Throwable t) {
                            errors.add(t);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(120, TimeUnit.SECONDS);
                }
                // Only the borrowers' pins count: the JDK's own virtual threads (its socket pollers) are not ours.
                pinned = events.awaitFlushAndGet().stream()
                        .filter(e -> borrowerThreads.contains(e.getThread("eventThread").getJavaThreadId()))
                        .toList();
            }

            assertThat(errors).as("errors of the borrowers").isEmpty();
            assertThat(onVirtualThreads).hasValue(BORROWERS);
            assertThat(borrows).hasValue((long) BORROWERS * BORROWS_EACH);
            assertThat(maxActive.get()).isBetween(2, POOL_SIZE + MAX_OVERFLOW);
            assertThat(pinned).as("carriers pinned by borrowers:\n"
                    + pinned.stream().map(VirtualThreadBorrowersIntegrationTest::describe).collect(Collectors.joining("\n")))
                    .isEmpty();
        }
    }

    /** Blocks in its static initializer: a virtual thread that initialises it pins its carrier, on every Java. */
    static final class PinsWhileInitializing {
        static final int VALUE;

        static {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            VALUE = 1;
        }
    }

    /** {@code jdk.VirtualThreadPinned} events, all of them (threshold 0), from creation until {@link #close()}. */
    private static final class PinnedEvents implements AutoCloseable {
        private final RecordingStream stream = new RecordingStream();
        private final Queue<RecordedEvent> events = new ConcurrentLinkedQueue<>();
        private final AtomicLong flushes = new AtomicLong();

        PinnedEvents() {
            stream.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            stream.onEvent("jdk.VirtualThreadPinned", events::add);
            stream.onFlush(flushes::incrementAndGet);
            stream.startAsync();
        }

        /** Waits until the stream has flushed twice more (events up to now delivered), then returns them. */
        List<RecordedEvent> awaitFlushAndGet() throws InterruptedException {
            long target = flushes.get() + 2;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (flushes.get() < target) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("JFR stream did not flush within 20 s");
                }
                Thread.sleep(50);
            }
            return List.copyOf(events);
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    private static String describe(RecordedEvent e) {
        StringBuilder b = new StringBuilder("pinned for " + e.getDuration().toNanos() / 1000 + " us: "
                + (e.hasField("pinnedReason") ? e.getString("pinnedReason") : ""));
        if (e.getStackTrace() != null) {
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                b.append("\n    at ").append(f.getMethod().getType().getName()).append('.').append(f.getMethod().getName())
                        .append(':').append(f.getLineNumber());
            }
        }
        return b.toString();
    }

    // The library and its tests compile for Java 17: the Java 21 API is reached reflectively.

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}, closed by shutting down and waiting. */
    private static final class VirtualThreads implements AutoCloseable {
        final ExecutorService executor;

        VirtualThreads() throws ReflectiveOperationException {
            executor = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        }

        @Override
        public void close() throws InterruptedException {
            executor.shutdown();
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new AssertionError("virtual threads still running after 60 s");
            }
        }
    }

    private static boolean isVirtual(Thread t) throws ReflectiveOperationException {
        return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
    }
}
