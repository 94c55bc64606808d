package io.github.twpool.examples;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnReport;
import io.github.twpool.SocketCensus;
import io.github.twpool.TwPoolDataSource;

import java.io.InputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The churn demo: the same small workload first with a connection per request ("naive"), then through
 * {@link TwPoolDataSource} ("pooled"), with twpool's probe watching both. Options: {@code --threads N}
 * ({@code 8}), {@code --duration 20s} per phase, {@code --url/--user/--password} (else TWPOOL_URL, else
 * 127.0.0.1:3306, else an embedded MariaDB); a {@code jdbc:postgresql:} URL runs it against PostgreSQL.
 */
public final class ChurnDemo {

    /**
     * One phase's figures. {@code newTimeWait}: sockets to the database that entered TIME_WAIT during the phase;
     * {@code outsideConnects}: connections the server accepted that the pool did not open (its {@code Connections}
     * counter less the pool's opens);
     * {@code resets}: resets this host sent (host-wide), how Connector/J ends TLS connections;
     * {@code warningsByCause}: the churn warnings logged during the phase, by cause (causes with none left out).
     */
    public record PhaseResult(String phase, long requests, double requestsPerSecond, long newConnections,
                              int timeWaitPeak, int newTimeWait, long outsideConnects, long resets,
                              Map<ChurnCause, Long> warningsByCause) {

        /** The churn warnings logged during the phase. */
        public long warnings() {
            return warningsByCause.values().stream().mapToLong(Long::longValue).sum();
        }

        /** The phase's warnings of churn outside the pool. */
        public long outsideWarnings() {
            return warningsByCause.getOrDefault(ChurnCause.OUTSIDE_POOL, 0L);
        }
    }

    /** {@code tlsCipher}: the cipher a new connection negotiates, or empty when the connections are plain TCP. */
    public record Summary(String database, String driver, int poolSize, List<PhaseResult> phases, String tlsCipher, int threads) {
        public PhaseResult phase(String name) {
            return phases.stream().filter(p -> p.phase().equals(name)).findFirst().orElseThrow();
        }
    }

    public record Options(int threads, Duration duration, Duration cooldown, String url, String user, String password) {
        static Options parse(String[] args) {
            int threads = Integer.getInteger("demo.threads", 8);
            Duration duration = Duration.ofSeconds(Long.getLong("demo.duration-seconds", 20));
            String url = null;
            String user = null;
            String password = null;
            for (int i = 0; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                    case "--duration" -> duration = Duration.ofSeconds(Long.parseLong(args[i + 1].replace("s", "")));
                    case "--url" -> url = args[i + 1];
                    case "--user" -> user = args[i + 1];
                    case "--password" -> password = args[i + 1];
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; options: --threads N --duration 20s --url jdbc:mysql://... (or jdbc:postgresql://...) --user U --password P");
                }
            }
            if (threads < 1 || threads > 256) {
                throw new IllegalArgumentException("--threads " + threads + ": must be from 1 to 256");
            }
            return new Options(threads, duration, Duration.ofSeconds(4), url, user, password);
        }
    }

    private ChurnDemo() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(options, System.out);
    }

    public static Summary run(Options o, PrintStream out) throws Exception {
        DemoDatabase db = DemoDatabase.resolve(o.url(), o.user(), o.password());
        out.println("Database: " + db.description + " (" + maskedUrl(db.url) + ")");
        String cipher = tlsCipher(db);
        out.println(cipher.isEmpty() ? "Connections: plain TCP (no TLS): each closed connection leaves a socket in TIME_WAIT."
                : "Connections: TLS (" + cipher + "): each new connection pays a TLS handshake, and " + (db.isPostgres()
                ? "pgjdbc" : "Connector/J") + " ends it with a reset, so it leaves no TIME_WAIT; the counters below still see it.");
        String table = "twpool_demo_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        Workload workload = new Workload(db, table);
        TwPoolDataSource pool = null;
        Thread cleanup = null;
        try {
            workload.create();
            pool = TwPoolDataSource.fromProperties(poolProperties(db));
            TwPoolDataSource p = pool;
            cleanup = new Thread(() -> cleanUp(p, workload, db), "twpool-demo-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            out.println("Table " + table + " with " + Workload.ROWS + " rows; " + o.threads() + " threads; "
                    + o.duration().toSeconds() + " s per phase. Pool: " + pool.config().describe());
            awaitProbe(pool);
            List<PhaseResult> results = new ArrayList<>();
            TwPoolDataSource watcher = pool;
            results.add(phase("naive", o, out, pool, () -> {
                try (Connection c = DriverManager.getConnection(db.url, db.username, db.password)) {
                    workload.request(c);
                }
            }));
            out.println("... pause until the probe sees the naive churn stop (" + o.cooldown().toSeconds() + " s at least)");
            awaitQuiet(pool, o.cooldown());
            results.add(phase("pooled", o, out, pool, () -> {
                try (Connection c = watcher.getConnection()) {
                    workload.request(c);
                }
            }));
            Summary summary = new Summary(db.description, db.isPostgres() ? "pgjdbc" : "Connector/J", pool.config().maxPoolSize(), results, cipher, o.threads());
            printSummary(summary, out);
            return summary;
        } finally {
            if (cleanup != null) {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
            cleanUp(pool, workload, db);
        }
    }

    /**
     * Waits at least {@code atLeast}, then until the probe has no churn verdict active on two ticks in a row (at most
     * 30 s more): the pooled phase's warnings are then its own, not the naive phase's seen late (PostgreSQL 14's
     * statistics collector, for one, can count a burst of sessions seconds after they ended).
     */
    private static void awaitQuiet(TwPoolDataSource pool, Duration atLeast) throws InterruptedException {
        Thread.sleep(atLeast.toMillis());
        long deadline = System.nanoTime() + 30_000_000_000L;
        java.time.Instant lastTick = null;
        int quietTicks = 0;
        while (quietTicks < 2 && System.nanoTime() < deadline) {
            ChurnReport r = pool.churnReport();
            if (!r.at().equals(lastTick)) {
                lastTick = r.at();
                quietTicks = r.verdicts().isEmpty() ? quietTicks + 1 : 0;
            }
            Thread.sleep(100);
        }
    }

    private static PhaseResult phase(String name, Options o, PrintStream out, TwPoolDataSource pool, Request request)
            throws Exception {
        AtomicLong requests = new AtomicLong();
        long connectionsBefore = serverConnections(pool);
        Map<ChurnCause, Long> causesBefore = pool.churnReport().warnings();
        long openedBefore = pool.connectionsOpened();
        double resets = 0;
        long start = System.nanoTime();
        long end = start + o.duration().toNanos();
        ExecutorService workers = Executors.newFixedThreadPool(o.threads());
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < o.threads(); i++) {
            running.add(workers.submit(() -> {
                while (System.nanoTime() < end) {
                    request.run();
                    requests.incrementAndGet();
                }
                return null;
            }));
        }
        int peak = 0;
        long lastRequests = 0;
        long lastAt = start;
        java.time.Instant lastReport = null;
        long nextLine = start + 2_000_000_000L;
        while (System.nanoTime() < end) {
            Thread.sleep(100);
            ChurnReport r = pool.churnReport();
            if (!r.at().equals(lastReport)) {
                // Each probe tick's resets/s over its window: summed, the resets of the phase (host-wide).
                lastReport = r.at();
                double resetRate = r.rates().hostResets();
                if (!Double.isNaN(resetRate)) {
                    resets += resetRate * (r.rates().window().toNanos() / 1e9);
                }
            }
            long now = System.nanoTime();
            if (now < nextLine && now < end) {
                continue;
            }
            nextLine = now + 2_000_000_000L;
            long n = requests.get();
            SocketCensus c = r.census();
            if (c != null) {
                peak = Math.max(peak, c.timeWait());
            }
            double seconds = (now - lastAt) / 1e9;
            // Counters, not only the census: the server's count of new connections and the host's resets.
            long connects = serverConnections(pool) - connectionsBefore;
            double resetRate = r.rates().hostResets();
            out.printf(Locale.ROOT, "%-7s %s %3ds  req/s=%6.0f  new connections=%6d  resets/s=%6s  TIME_WAIT client=%5s server=%5s"
                            + " (census %s old)  ports=%5s%n", name,
                    bar((now - start) / (double) o.duration().toNanos()), (now - start) / 1_000_000_000L,
                    (n - lastRequests) / seconds, connects,
                    Double.isNaN(resetRate) ? "?" : String.format(Locale.ROOT, "%.0f", resetRate),
                    c == null ? "?" : c.timeWaitClient(), c == null ? "?" : c.timeWaitServer(),
                    c == null ? "?" : Math.max(0, Duration.between(c.at(), java.time.Instant.now()).toSeconds()) + "s",
                    Double.isNaN(r.portUsage()) ? "?" : String.format(Locale.ROOT, "%.1f%%", 100 * r.portUsage()));
            lastRequests = n;
            lastAt = now;
        }
        workers.shutdown();
        for (Future<?> f : running) {
            f.get(30, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // One more probe tick so the census covers the end of the phase.
        Thread.sleep(pool.config().probeInterval().toMillis() + 200);
        ChurnReport r = pool.churnReport();
        if (!r.at().equals(lastReport) && !Double.isNaN(r.rates().hostResets())) {
            resets += r.rates().hostResets() * (r.rates().window().toNanos() / 1e9);
        }
        int newTimeWait = 0;
        if (r.census() != null) {
            Duration window = Duration.ofNanos(System.nanoTime() - start);
            newTimeWait = r.census().clientTimeWaitNewerThan(window) + r.census().serverTimeWaitNewerThan(window);
            peak = Math.max(peak, r.census().timeWait());
        }
        long total = requests.get();
        long connects = settledServerConnections(pool) - connectionsBefore;
        return new PhaseResult(name, total, total / seconds, connects, peak, newTimeWait,
                connects - (pool.connectionsOpened() - openedBefore), Math.round(resets),
                since(causesBefore, r.warnings()));
    }

    interface Request {
        void run() throws Exception;
    }

    private static void printSummary(Summary s, PrintStream out) {
        out.println();
        out.println("Summary (" + s.database() + ")");
        out.println("phase     requests   requests/s   new TCP connections  outside the pool   resets   TIME_WAIT peak   new TIME_WAIT   churn warnings");
        for (PhaseResult p : s.phases()) {
            out.printf(Locale.ROOT, "%-7s %10d %12.0f %21d %18d %8d %16d %15d %16d%n", p.phase(), p.requests(), p.requestsPerSecond(),
                    p.newConnections(), p.outsideConnects(), p.resets(), p.timeWaitPeak(), p.newTimeWait(), p.warnings());
        }
        for (PhaseResult p : s.phases()) {
            if (!p.warningsByCause().isEmpty()) {
                StringBuilder causes = new StringBuilder();
                p.warningsByCause().forEach((cause, n) -> causes.append(causes.length() == 0 ? "" : ", ").append(cause.tag()).append(' ').append(n));
                out.printf(Locale.ROOT, "churn warnings in the %s phase by cause: %s%n", p.phase(), causes);
            }
        }
        PhaseResult naive = s.phase("naive");
        PhaseResult pooled = s.phase("pooled");
        out.printf(Locale.ROOT, "%nPooling served %.1fx the requests per second and opened %d instead of %d connections.%n",
                pooled.requestsPerSecond() / Math.max(1e-9, naive.requestsPerSecond()), pooled.newConnections(), naive.newConnections());
        // Each of `threads` workers runs one request at a time: per-request time is threads / throughput.
        double naiveMs = 1000.0 * s.threads() / Math.max(1e-9, naive.requestsPerSecond());
        double pooledMs = 1000.0 * s.threads() / Math.max(1e-9, pooled.requestsPerSecond());
        if (!s.tlsCipher().isEmpty()) {
            out.printf(Locale.ROOT, "Over TLS (%s) every naive request opened a connection and paid a full TCP + TLS handshake "
                            + "(key exchange and certificate: CPU on both the application and the server, several round trips): "
                            + "%.1f ms per request instead of %.1f ms pooled. %s ended each with a reset, so there was "
                            + "%s; twpool counted the connections at the JDBC driver instead. The pool pays the handshake once "
                            + "per connection.%n", s.tlsCipher(), naiveMs, pooledMs, s.driver(),
                    naive.newTimeWait() < naive.requests() / 10 ? "no TIME_WAIT to see" : "little TIME_WAIT to see");
        } else {
            out.printf(Locale.ROOT, "Without TLS every naive request paid a TCP handshake and left a socket in TIME_WAIT for 60 s "
                    + "(%.1f ms per request instead of %.1f ms pooled); at higher rates those sockets use up the ephemeral ports.%n",
                    naiveMs, pooledMs);
        }
    }

    /** The TLS cipher a new connection negotiates with the driver's defaults, or "" for plain TCP. */
    private static String tlsCipher(DemoDatabase db) throws SQLException {
        String sql = db.isPostgres() ? "SELECT 'cipher', cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
                : "SHOW SESSION STATUS LIKE 'Ssl_cipher'";
        try (Connection c = DriverManager.getConnection(db.url, db.username, db.password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            String v = rs.next() ? rs.getString(2) : null;
            return v == null ? "" : v.trim();
        }
    }

    private static Properties poolProperties(DemoDatabase db) throws Exception {
        Properties p = new Properties();
        try (InputStream in = ChurnDemo.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("twpool."))
                .forEach(k -> p.setProperty(k, System.getProperty(k)));
        p.setProperty("twpool.url", db.url);
        if (db.username != null) {
            p.setProperty("twpool.username", db.username);
        }
        p.setProperty("twpool.password", db.password);
        return p;
    }

    private static void awaitProbe(TwPoolDataSource pool) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pool.churnReport().census() == null && System.nanoTime() < deadline
                && !pool.churnReport().probeStatus().startsWith("unavailable")) {
            Thread.sleep(100);
        }
    }

    /** Connections the server accepted so far: MySQL's Connections, PostgreSQL's sessions (14+; -1 before). */
    /**
     * The server's count once it stops growing (read every 300 ms, for 5 s at most): PostgreSQL counts a session when
     * its backend reports at exit, through a statistics collector that can be a second or more late on a busy host.
     */
    private static long settledServerConnections(TwPoolDataSource pool) throws SQLException, InterruptedException {
        long last = serverConnections(pool);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            Thread.sleep(300);
            long now = serverConnections(pool);
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static long serverConnections(TwPoolDataSource pool) throws SQLException {
        boolean pg = pool.config().url().startsWith("jdbc:postgresql:");
        String sql = pg ? "SELECT 'sessions', sum(sessions)::bigint FROM pg_stat_database" : "SHOW GLOBAL STATUS LIKE 'Connections'";
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(2) : -1;
        } catch (SQLException e) {
            if (pg) {
                return -1; // PostgreSQL 13 and older count no sessions
            }
            throw e;
        }
    }

    /** The warnings logged since {@code before}, by cause, in the enum's order; causes with none are left out. */
    private static Map<ChurnCause, Long> since(Map<ChurnCause, Long> before, Map<ChurnCause, Long> now) {
        Map<ChurnCause, Long> d = new EnumMap<>(ChurnCause.class);
        now.forEach((cause, n) -> {
            long added = n - before.getOrDefault(cause, 0L);
            if (added > 0) {
                d.put(cause, added);
            }
        });
        return d;
    }

    private static String bar(double done) {
        int filled = (int) Math.round(Math.min(1, done) * 20);
        return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "]";
    }

    private static String maskedUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****").replaceAll("//([^/:@]*):[^/@]*@", "//$1:****@");
    }

    private static synchronized void cleanUp(TwPoolDataSource pool, Workload workload, DemoDatabase db) {
        try {
            workload.drop();
        } catch (Exception e) {
            System.err.println("could not drop the demo table: " + e.getMessage());
        }
        if (pool != null) {
            pool.close();
        }
        try {
            db.close();
        } catch (Exception e) {
            System.err.println("could not stop the embedded database: " + e.getMessage());
        }
    }

    /** The demo's table and its requests: 80 % point reads, 20 % small writes. */
    static final class Workload {
        static final int ROWS = 1000;
        private final DemoDatabase db;
        private final String table;
        private volatile boolean dropped;

        Workload(DemoDatabase db, String table) {
            this.db = db;
            this.table = table;
        }

        void create() throws SQLException {
            try (Connection c = DriverManager.getConnection(db.url, db.username, db.password); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL, hits INT NOT NULL DEFAULT 0)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, name) VALUES (?, ?)")) {
                    for (int i = 1; i <= ROWS; i++) {
                        ps.setInt(1, i);
                        ps.setString(2, "customer-" + i);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        }

        void request(Connection c) throws SQLException {
            int id = 1 + ThreadLocalRandom.current().nextInt(ROWS);
            if (ThreadLocalRandom.current().nextInt(5) == 0) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET hits = hits + 1 WHERE id = ?")) {
                    ps.setInt(1, id);
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("SELECT name, hits FROM " + table + " WHERE id = ?")) {
                    ps.setInt(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                }
            }
        }

        void drop() throws SQLException {
            if (dropped) {
                return;
            }
            try (Connection c = DriverManager.getConnection(db.url, db.username, db.password); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
                dropped = true;
            }
        }
    }
}
