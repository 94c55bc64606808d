package io.github.twpool.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client no one here wrote: Debian's PyMySQL in a separate Python process, opening a connection per request
 * (connect, {@code SELECT 1}, close) at a fixed rate, optionally from a chosen local address (127.0.0.2, ...). Its own
 * count and clock are the truth a test compares against.
 */
public final class PyMySqlChurner implements AutoCloseable {

    private static final String SCRIPT = """
            import sys, time, pymysql
            host, port, user, password, bind, rate, seconds = sys.argv[1:8]
            port, rate, seconds = int(port), float(rate), float(seconds)
            n, start = 0, time.monotonic()
            while time.monotonic() - start < seconds:
                c = pymysql.connect(host=host, port=port, user=user, password=password, database='test',
                                    bind_address=bind or None)
                cur = c.cursor(); cur.execute('SELECT 1'); cur.fetchall(); c.close()
                n += 1
                if n == 1:
                    print('started', flush=True)
                pause = start + n / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            print('done', n, time.monotonic() - start, flush=True)
            """;

    /** What the churner made: connections and the seconds it took. */
    public record Done(long connections, double seconds) {
        public double rate() {
            return connections / seconds;
        }
    }

    /** How long the first connection may take before the churner is taken for broken. */
    private static final long START_SECONDS = 20;
    private static final String EOF = "\0end of output";

    private final Process process;
    private final Path script;
    /** The churner's output, line by line, read on a daemon thread so that waiting for a line can time out. */
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder output = new StringBuilder();

    private PyMySqlChurner(Process process, Path script) {
        this.process = process;
        this.script = script;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add(e.toString());
            } finally {
                lines.add(EOF);
            }
        }, "pymysql-churner-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The next line of output, {@link #EOF} at the end, {@code null} past {@code deadline}. */
    private String next(long deadlineNanos) throws InterruptedException {
        String line = lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line != null && !line.equals(EOF)) {
            output.append(line).append('\n');
        }
        return line;
    }

    /**
     * Starts {@code /usr/bin/python3} churning against {@code host:port} at {@code perSecond} for {@code seconds},
     * from {@code bindAddress} (or the default source address when {@code null}). The password goes on the command
     * line: test credentials only.
     */
    public static PyMySqlChurner start(String host, int port, String user, String password, String bindAddress,
                                       double perSecond, double seconds) {
        try {
            Path script = Files.createTempFile("twpool-pymysql-churner", ".py");
            Files.writeString(script, SCRIPT);
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), host, String.valueOf(port), user,
                    password == null ? "" : password, bindAddress == null ? "" : bindAddress,
                    String.valueOf(perSecond), String.valueOf(seconds))
                    .redirectErrorStream(true).start();
            PyMySqlChurner churner = new PyMySqlChurner(p, script);
            churner.awaitStarted();
            return churner;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start /usr/bin/python3 (Debian's python3-pymysql)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the PyMySQL churner started", e);
        }
    }

    /**
     * Returns once the churner made its first connection; a churner that cannot (no python3-pymysql, a refused
     * login) fails the test here with its output, rather than leave it watching churn that never comes.
     */
    private void awaitStarted() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        String line;
        while ((line = next(deadline)) != null && !line.equals(EOF)) {
            if (line.equals("started")) {
                return;
            }
        }
        close();
        throw new AssertionError((line == null ? "the PyMySQL churner made no connection in " + START_SECONDS + " s"
                : "the PyMySQL churner ended before its first connection")
                + " (is Debian's python3-pymysql installed?):\n" + output);
    }

    public long pid() {
        return process.pid();
    }

    /** Waits for the churner's end and its own count; fails with its output when it did not finish properly. */
    public Done awaitDone() throws InterruptedException {
        String line;
        long deadline = System.nanoTime() + TimeUnit.HOURS.toNanos(1); // the churner runs for the seconds it was given
        while ((line = next(deadline)) != null && !line.equals(EOF)) {
            if (line.startsWith("done ")) {
                String[] f = line.split(" ");
                process.waitFor(10, TimeUnit.SECONDS);
                return new Done(Long.parseLong(f[1]), Double.parseDouble(f[2]));
            }
        }
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("the PyMySQL churner ended without its count (is Debian's python3-pymysql installed?):\n" + output);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            Files.deleteIfExists(script);
        } catch (IOException ignored) {
            // a temp file left behind is not worth failing a test for
        }
    }
}
