package io.github.twpool.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Naive churn in a separate JVM process: connect, {@code SELECT 1}, close, at a fixed rate, as another service on
 * the same host would. The parent learns when the first connection was made and how many were made in how long.
 *
 * <p>Protocol on stdout: {@code started <epochMillis>} after the first connection, {@code count <n> <elapsedNanos>}
 * after each, {@code done <n> <elapsedNanos>} at the end.
 */
public final class Churner implements AutoCloseable {

    private final Process process;
    private final Thread reader;
    private volatile long startedAtNanos = -1;
    private volatile long count;
    private volatile long elapsedNanos;
    private volatile boolean done;
    private final List<String> errors = new ArrayList<>();

    private Churner(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "churner-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a JVM that churns against {@code url} at {@code perSecond} for {@code duration}. */
    public static Churner start(String url, String user, String password, double perSecond, Duration duration) throws IOException {
        String java = System.getProperty("java.home") + "/bin/java";
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Churner.class.getName(), url, user == null ? "" : user,
                String.valueOf(perSecond), String.valueOf(duration.toMillis()));
        pb.environment().put("CHURNER_PASSWORD", password == null ? "" : password);
        pb.redirectErrorStream(true);
        return new Churner(pb.start());
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "started" -> startedAtNanos = System.nanoTime();
                    case "count" -> {
                        count = Long.parseLong(f[1]);
                        elapsedNanos = Long.parseLong(f[2]);
                    }
                    case "done" -> {
                        count = Long.parseLong(f[1]);
                        elapsedNanos = Long.parseLong(f[2]);
                        done = true;
                    }
                    default -> {
                        synchronized (errors) {
                            errors.add(line);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (errors) {
                errors.add(e.toString());
            }
        }
    }

    /** Waits for the first connection; returns its {@link System#nanoTime()}. */
    public long awaitStarted(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (startedAtNanos < 0 && System.nanoTime() < deadline && process.isAlive()) {
            Thread.sleep(10);
        }
        if (startedAtNanos < 0) {
            throw new IllegalStateException("the churner did not start: " + output());
        }
        return startedAtNanos;
    }

    public boolean awaitDone(Duration limit) throws InterruptedException {
        boolean exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        reader.join(1000);
        return exited && done;
    }

    /** Connections made so far. */
    public long count() {
        return count;
    }

    /** Its rate so far, connections/s. */
    public double rate() {
        long e = elapsedNanos;
        return e <= 0 ? 0 : (count - 1) / (e / 1e9); // n connections span n - 1 intervals
    }

    /** Lines it printed that are not part of the protocol (errors). */
    public String output() {
        synchronized (errors) {
            return String.join("\n", errors);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The child: {@code url user perSecond durationMillis}, password from {@code CHURNER_PASSWORD}. */
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        double perSecond = Double.parseDouble(args[2]);
        long durationNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[3]));
        String password = System.getenv().getOrDefault("CHURNER_PASSWORD", "");
        long start = 0;
        long n = 0;
        while (true) {
            try (Connection c = DriverManager.getConnection(url, user, password);
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
            if (n == 0) {
                start = System.nanoTime();
                System.out.println("started " + System.currentTimeMillis());
            }
            n++;
            long elapsed = System.nanoTime() - start;
            System.out.println("count " + n + " " + elapsed);
            if (elapsed >= durationNanos) {
                break;
            }
            long wait = start + (long) (n * 1e9 / perSecond) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        System.out.println("done " + n + " " + (System.nanoTime() - start));
        System.out.flush();
    }
}
