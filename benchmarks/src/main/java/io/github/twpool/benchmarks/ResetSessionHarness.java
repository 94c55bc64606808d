package io.github.twpool.benchmarks;

import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What reset-session costs end to end against a real server: pools of 10, 8 threads, each borrow a primary-key
 * {@code SELECT} and, one borrow in ten, an {@code UPDATE}. Variants, all in one JVM against one server:
 * {@code off} (reset-session=false), {@code on-clean} (reset-session=true, same workload: the server reports every
 * session unchanged), {@code off-dirty} and {@code on-dirty} (every borrow also sets a user variable, so every
 * return is reset). Phases alternate ABBA (A B C D D C B A, repeated) so that drift on a shared machine hits every
 * variant alike; each ratio is against {@code off} in the same run. Plain TCP and TLS against the embedded MariaDB
 * 11.4 (or {@code --server shared}: the test database, plain only). Options: {@code --rounds 2 --phase 5s
 * --server embedded|shared}.
 */
public final class ResetSessionHarness {

    private static final String TABLE = "bench_reset";
    private static final int ROWS = 1000;
    private static final int THREADS = 8;

    private ResetSessionHarness() {
    }

    private record Variant(String name, boolean reset, boolean dirty) {
    }

    private static final List<Variant> VARIANTS = List.of(new Variant("off", false, false),
            new Variant("on-clean", true, false), new Variant("off-dirty", false, true), new Variant("on-dirty", true, true));

    public static void main(String[] args) throws Exception {
        int rounds = 2;
        long phaseSeconds = 5;
        String server = "embedded";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--phase" -> phaseSeconds = Long.parseLong(args[i + 1].replace("s", ""));
                case "--server" -> server = args[i + 1];
                default -> throw new IllegalArgumentException("options: --rounds 2 --phase 5s --server embedded|shared");
            }
        }
        TestDatabase db = server.equals("shared") ? TestDatabase.get() : TestDatabase.tls();
        String sep = db.jdbcUrl().contains("?") ? "&" : "?";
        Map<String, String> transports = new LinkedHashMap<>();
        transports.put("plain", db.jdbcUrl() + sep + "sslMode=DISABLED");
        if (!server.equals("shared")) {
            transports.put("TLS", db.jdbcUrl() + sep + "sslMode=REQUIRED");
        }
        System.out.printf(Locale.ROOT, "server: %s; %d threads, pools of 10; %d rounds of ABBA, %d s per phase; %d cores; load %s%n",
                db, THREADS, rounds, phaseSeconds, Runtime.getRuntime().availableProcessors(), load());
        setUp(db);
        System.out.printf(Locale.ROOT, "%-6s %-10s %12s %10s %14s %14s%n", "conn", "variant", "requests/s", "/ off",
                "resets/return", "skipped/return");
        for (var t : transports.entrySet()) {
            Map<Variant, TwPoolDataSource> pools = new LinkedHashMap<>();
            try {
                for (Variant v : VARIANTS) {
                    pools.put(v, pool(db, t.getValue(), v));
                }
                for (Variant v : VARIANTS) {
                    run(pools.get(v), v, 2); // warm-up: connections, JIT, the driver's caches
                }
                Map<Variant, double[]> totals = new LinkedHashMap<>();
                for (Variant v : VARIANTS) {
                    totals.put(v, new double[3]);
                }
                for (int r = 0; r < rounds; r++) {
                    List<Variant> order = new ArrayList<>(VARIANTS);
                    List<Variant> reversed = new ArrayList<>(VARIANTS);
                    java.util.Collections.reverse(reversed);
                    order.addAll(reversed);
                    for (Variant v : order) {
                        TwPoolDataSource ds = pools.get(v);
                        long resets = ds.sessionResets();
                        long skipped = ds.sessionResetsSkipped();
                        long[] done = run(ds, v, phaseSeconds);
                        double[] tot = totals.get(v);
                        tot[0] += done[0];
                        tot[1] += ds.sessionResets() - resets;
                        tot[2] += ds.sessionResetsSkipped() - skipped;
                    }
                }
                double off = totals.get(VARIANTS.get(0))[0];
                for (Variant v : VARIANTS) {
                    double[] tot = totals.get(v);
                    System.out.printf(Locale.ROOT, "%-6s %-10s %12.0f %10.2f %14.2f %14.2f%n", t.getKey(), v.name(),
                            tot[0] / (2.0 * rounds * phaseSeconds), tot[0] / off, tot[1] / tot[0], tot[2] / tot[0]);
                }
                for (var e : pools.entrySet()) {
                    if (e.getValue().connectionsOpened() != 10) {
                        throw new IllegalStateException(e.getKey().name() + " opened " + e.getValue().connectionsOpened()
                                + " connections for a pool of 10: connections were evicted, the numbers would measure reconnects");
                    }
                }
            } finally {
                for (TwPoolDataSource ds : pools.values()) {
                    ds.close();
                }
            }
        }
        System.out.printf(Locale.ROOT, "load at the end: %s%n", load());
    }

    private static TwPoolDataSource pool(TestDatabase db, String url, Variant v) {
        Properties p = db.twpoolProperties("twpool.url", url, "twpool.pool-size", "10",
                "twpool.reset-session", String.valueOf(v.reset()), "twpool.name", "bench-" + v.name());
        return TwPoolDataSource.fromProperties(p);
    }

    private static void setUp(TestDatabase db) throws SQLException {
        try (Connection c = db.openDirect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute("CREATE TABLE " + TABLE + " (id INT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB");
            StringBuilder insert = new StringBuilder("INSERT INTO " + TABLE + " VALUES ");
            for (int i = 1; i <= ROWS; i++) {
                insert.append(i == 1 ? "" : ",").append('(').append(i).append(",0)");
            }
            s.execute(insert.toString());
        }
    }

    /** Runs the workload on {@code ds} for {@code seconds} with 8 threads; returns the requests done. */
    private static long[] run(TwPoolDataSource ds, Variant v, long seconds) throws InterruptedException {
        LongAdder requests = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread[] threads = new Thread[THREADS];
        for (int i = 0; i < THREADS; i++) {
            threads[i] = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                    try (Connection c = ds.getConnection()) {
                        int id = 1 + random.nextInt(ROWS);
                        if (v.dirty()) {
                            try (PreparedStatement ps = c.prepareStatement("SET @bench_request = ?")) {
                                ps.setInt(1, id);
                                ps.execute();
                            }
                        }
                        try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + TABLE + " WHERE id = ?")) {
                            ps.setInt(1, id);
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                            }
                        }
                        if (random.nextInt(10) == 0) {
                            try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET v = v + 1 WHERE id = ?")) {
                                ps.setInt(1, id);
                                ps.executeUpdate();
                            }
                        }
                        requests.increment();
                    } catch (SQLException | RuntimeException e) {
                        failures.add(e);
                        return;
                    }
                }
            }, "bench-" + i);
            threads[i].start();
        }
        Thread.sleep(seconds * 1000);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(v.name() + " failed", failures.get(0));
        }
        return new long[] {requests.sum()};
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
