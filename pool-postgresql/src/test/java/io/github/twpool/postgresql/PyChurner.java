package io.github.twpool.postgresql;

import io.github.twpool.testsupport.TestDatabase;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real client no one here wrote, churning beside the pool: Debian's python3-psycopg2 (libpq) in its own process,
 * connect / SELECT 1 / close at a fixed rate, each connection living about a millisecond.
 */
final class PyChurner implements AutoCloseable {

    private static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final StringBuilder output = new StringBuilder();
    private volatile long startedAt;
    private volatile long count = -1;
    private volatile long elapsedNanos = -1;

    private PyChurner(Process process) {
        this.process = process;
        Thread reader = new Thread(this::read, "pg-churner-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static PyChurner start(TestDatabase db, String sslmode, double perSecond, Duration duration) throws IOException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            throw new IllegalStateException(PYTHON + " is missing: install python3 and python3-psycopg2 (apt-get install python3-psycopg2)");
        }
        Path script = Files.createTempFile("pg_churner", ".py");
        script.toFile().deleteOnExit();
        try (InputStream in = PyChurner.class.getResourceAsStream("/pg_churner.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        String dbname = db.jdbcUrl().replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
        String dsn = "host=" + db.host() + " port=" + db.port() + " dbname=" + dbname + " user=" + db.username()
                + " sslmode=" + sslmode + " application_name=churner";
        ProcessBuilder pb = new ProcessBuilder(PYTHON, script.toString(), dsn, String.valueOf(perSecond),
                String.valueOf(duration.toMillis() / 1000.0));
        pb.environment().put("PGPASSWORD", db.password());
        pb.redirectErrorStream(true);
        return new PyChurner(pb.start());
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
                String[] f = line.split(" ");
                if (f[0].equals("started")) {
                    startedAt = System.nanoTime();
                    started.countDown();
                } else if (f[0].equals("done") && f.length == 3) {
                    count = Long.parseLong(f[1]);
                    elapsedNanos = Long.parseLong(f[2]);
                    done.countDown();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            started.countDown();
            done.countDown();
        }
    }

    /** System.nanoTime() when the first connection was made. */
    long awaitStarted(Duration limit) throws InterruptedException {
        if (!started.await(limit.toMillis(), TimeUnit.MILLISECONDS) || startedAt == 0) {
            throw new AssertionError("the churner did not connect: " + output());
        }
        return startedAt;
    }

    boolean awaitDone(Duration limit) throws InterruptedException {
        return done.await(limit.toMillis(), TimeUnit.MILLISECONDS) && count >= 0;
    }

    /** Connections per second it made, by its own count; after {@link #awaitDone}. */
    double rate() {
        return count / (elapsedNanos / 1e9);
    }

    long count() {
        return count;
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
