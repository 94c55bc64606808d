package io.github.twpool.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private final Process process;
    private final Path script;

    private PyMySqlChurner(Process process, Path script) {
        this.process = process;
        this.script = script;
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
            return new PyMySqlChurner(p, script);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start /usr/bin/python3 (Debian's python3-pymysql)", e);
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Waits for the churner's end and its own count; fails with its output when it did not finish properly. */
    public Done awaitDone() throws InterruptedException {
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.append(line).append('\n');
                if (line.startsWith("done ")) {
                    String[] f = line.split(" ");
                    process.waitFor(10, TimeUnit.SECONDS);
                    return new Done(Long.parseLong(f[1]), Double.parseDouble(f[2]));
                }
            }
        } catch (IOException e) {
            out.append(e);
        }
        process.waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("the PyMySQL churner ended without its count (is Debian's python3-pymysql installed?):\n" + out);
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
