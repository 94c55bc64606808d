package io.github.twpool.sidecar;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-lived Debian {@code /usr/bin/python3} process with PyMySQL that opens a connection per request (connect,
 * {@code SELECT 1}, close) at a fixed rate, as a Python service with SQLAlchemy's NullPool does: the churn a sidecar is
 * for. Its connections live about a millisecond on loopback; it reports how many it made and how long they lived.
 */
final class PyChurner implements AutoCloseable {

    static final String PYTHON = "/usr/bin/python3";

    final Process process;
    private final Thread reader;
    private final List<String> lines = new ArrayList<>();
    private volatile long startedAtNanos = -1;

    private PyChurner(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("started")) {
                        startedAtNanos = System.nanoTime();
                    }
                    synchronized (lines) {
                        lines.add(line);
                    }
                    System.out.println("[churner " + process.pid() + "] " + line);
                }
            } catch (IOException e) {
                // ended
            }
        }, "pychurner-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Fails with what to install when Debian's python3-pymysql is missing. */
    static void requirePyMySql() throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", "import pymysql").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(PYTHON + " cannot import pymysql (" + out.trim() + "): these tests churn with a "
                    + "real Python client; install it with: apt-get install -y python3-pymysql");
        }
    }

    /**
     * Starts {@code python3 pymysql_churn.py host port user rate seconds [--tls] extra...}, the password in the
     * environment; {@code extra} lands on its command line (e.g. a secret the sidecar must mask).
     */
    static PyChurner start(String host, int port, String user, String password, double rate, double seconds, boolean tls,
                           String... extra) throws IOException {
        Path script = Files.createTempFile("pymysql_churn", ".py");
        try (InputStream in = PyChurner.class.getResourceAsStream("/pymysql_churn.py")) {
            Files.write(script, in.readAllBytes());
        }
        script.toFile().deleteOnExit();
        List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(), host, String.valueOf(port), user,
                String.valueOf(rate), String.valueOf(seconds)));
        if (tls) {
            cmd.add("--tls");
        }
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MYSQL_PWD", password == null ? "" : password);
        return new PyChurner(pb.start());
    }

    /** As {@link #start}, through {@code sh wrapper}: the wrapper runs first, then execs the churner (same pid). */
    static PyChurner inShell(Path wrapper, String host, int port, String user, String password, double rate, double seconds)
            throws IOException {
        Path script = Files.createTempFile("pymysql_churn", ".py");
        try (InputStream in = PyChurner.class.getResourceAsStream("/pymysql_churn.py")) {
            Files.write(script, in.readAllBytes());
        }
        script.toFile().deleteOnExit();
        ProcessBuilder pb = new ProcessBuilder("sh", wrapper.toString(), PYTHON, script.toString(), host, String.valueOf(port),
                user, String.valueOf(rate), String.valueOf(seconds)).redirectErrorStream(true);
        pb.environment().put("MYSQL_PWD", password == null ? "" : password);
        return new PyChurner(pb.start());
    }

    long pid() {
        return process.pid();
    }

    /** Waits for its first connection; the time it was made ({@link System#nanoTime}). */
    long awaitStarted(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (startedAtNanos < 0 && System.nanoTime() < deadline && process.isAlive()) {
            Thread.sleep(20);
        }
        if (startedAtNanos < 0) {
            throw new IllegalStateException("the churner made no connection: " + lines());
        }
        return startedAtNanos;
    }

    /** {@code done} line values: connections, seconds, p50, p95, max lifetime in ms. */
    double[] awaitDone(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the churner did not finish");
        }
        reader.join(5000);
        for (String l : lines()) {
            if (l.startsWith("done ")) {
                String[] f = l.split(" ");
                double[] v = new double[5];
                for (int i = 0; i < 5; i++) {
                    v[i] = Double.parseDouble(f[i + 1]);
                }
                return v;
            }
        }
        throw new IllegalStateException("the churner failed (exit " + process.exitValue() + "): " + lines());
    }

    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
