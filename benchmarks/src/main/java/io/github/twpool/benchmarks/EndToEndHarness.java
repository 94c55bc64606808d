package io.github.twpool.benchmarks;

import io.github.twpool.examples.ChurnDemo;
import io.github.twpool.testsupport.TestDatabase;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The seed's central claim measured against the real server: the same request mix (80 % point reads, 20 % small
 * writes) with a connection per request, then pooled, 8 threads, in one run. Prints requests/s and new TCP
 * connections and TIME_WAIT sockets per 10,000 requests. Options: {@code --threads N --duration 15s}.
 */
public final class EndToEndHarness {

    private EndToEndHarness() {
    }

    public static void main(String[] args) throws Exception {
        int threads = 8;
        long seconds = 15;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--duration" -> seconds = Long.parseLong(args[i + 1].replace("s", ""));
                default -> throw new IllegalArgumentException("options: --threads N --duration 15s");
            }
        }
        TestDatabase db = TestDatabase.get();
        ChurnDemo.Summary s = ChurnDemo.run(new ChurnDemo.Options(threads, Duration.ofSeconds(seconds), Duration.ofSeconds(4),
                db.jdbcUrl(), db.username(), db.password()), new PrintStream(PrintStream.nullOutputStream()));
        System.out.printf(Locale.ROOT, "server: %s; %d threads; %d s per phase%n", db, threads, seconds);
        System.out.printf(Locale.ROOT, "%-8s %10s %12s %24s %24s%n", "phase", "requests", "requests/s",
                "new TCP conns / 10k req", "TIME_WAIT / 10k req");
        for (ChurnDemo.PhaseResult p : s.phases()) {
            System.out.printf(Locale.ROOT, "%-8s %10d %12.0f %24.1f %24.1f%n", p.phase(), p.requests(), p.requestsPerSecond(),
                    1e4 * p.newConnections() / p.requests(), 1e4 * p.newTimeWait() / p.requests());
        }
        System.out.printf(Locale.ROOT, "pooled / naive requests/s: %.2f%n",
                s.phase("pooled").requestsPerSecond() / s.phase("naive").requestsPerSecond());
    }
}
