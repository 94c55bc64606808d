package io.github.twpool.benchmarks;

import io.github.twpool.examples.ChurnDemo;
import io.github.twpool.testsupport.TestDatabase;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The seed's central claim measured against a real server: the same request mix (80 % point reads, 20 % small
 * writes) with a connection per request, then pooled, 8 threads, over plain TCP and over TLS, in one run against the
 * embedded MariaDB 11.4, or with {@code --database postgresql} against the PostgreSQL with TLS
 * ({@code TestDatabase.postgresTls()}: the embedded PostgreSQL 14 unless the local one has ssl=on). Prints
 * requests/s and new TCP connections, TIME_WAIT sockets and resets per 10,000 requests. Options:
 * {@code --threads N --duration 15s --database mysql|postgresql}.
 */
public final class EndToEndHarness {

    private EndToEndHarness() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 8;
        long seconds = 15;
        boolean postgres = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--duration" -> seconds = Long.parseLong(args[i + 1].replace("s", ""));
                case "--database" -> postgres = args[i + 1].equals("postgresql");
                default -> throw new IllegalArgumentException("options: --threads N --duration 15s --database mysql|postgresql");
            }
        }
        // One server, one run: the embedded MariaDB 11.4 over plain TCP (sslMode=DISABLED) and over TLS as it ships
        // (Connector/J's default sslMode=PREFERRED), so the ratios compare like with like.
        // PostgreSQL the same way: one server, plain (sslmode=disable) and TLS (pgjdbc's default sslmode=prefer).
        TestDatabase db = postgres ? TestDatabase.postgresTls() : TestDatabase.tls();
        String plainUrl = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + (postgres ? "sslmode=disable" : "sslMode=DISABLED");
        System.out.printf(Locale.ROOT, "server: %s; %d threads; %d s per phase; %d cores%n", db, threads, seconds,
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-6s %-8s %10s %12s %24s %24s %20s%n", "conn", "phase", "requests", "requests/s",
                "new TCP conns / 10k req", "TIME_WAIT / 10k req", "resets / 10k req");
        double[] ratios = new double[2];
        String[][] modes = {{"plain", plainUrl}, {"TLS", db.jdbcUrl()}};
        double[] naiveRps = new double[2];
        double[] pooledRps = new double[2];
        for (int m = 0; m < modes.length; m++) {
            ChurnDemo.Summary s = ChurnDemo.run(new ChurnDemo.Options(threads, Duration.ofSeconds(seconds), Duration.ofSeconds(4),
                    modes[m][1], db.username(), db.password()), new PrintStream(PrintStream.nullOutputStream()));
            for (ChurnDemo.PhaseResult p : s.phases()) {
                System.out.printf(Locale.ROOT, "%-6s %-8s %10d %12.0f %24.1f %24.1f %20.1f%n", modes[m][0], p.phase(), p.requests(),
                        p.requestsPerSecond(), 1e4 * p.newConnections() / p.requests(), 1e4 * p.newTimeWait() / p.requests(),
                        1e4 * p.resets() / p.requests());
            }
            naiveRps[m] = s.phase("naive").requestsPerSecond();
            pooledRps[m] = s.phase("pooled").requestsPerSecond();
            ratios[m] = pooledRps[m] / naiveRps[m];
            if (m == 1 && s.tlsCipher().isEmpty()) {
                throw new IllegalStateException("the TLS run did not negotiate TLS");
            }
        }
        System.out.printf(Locale.ROOT, "pooled / naive requests/s: plain %.1f, TLS %.1f%n", ratios[0], ratios[1]);
        System.out.printf(Locale.ROOT, "naive TLS / naive plain requests/s: %.4f; pooled TLS / pooled plain: %.2f%n",
                naiveRps[1] / naiveRps[0], pooledRps[1] / pooledRps[0]);
    }
}
