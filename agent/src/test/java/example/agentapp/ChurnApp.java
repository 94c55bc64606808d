package example.agentapp;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import org.apache.commons.dbcp2.BasicDataSource;

import javax.sql.DataSource;
import java.io.InputStream;
import java.net.URI;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An application as the agent's users have one, run in a JVM of its own by the agent's tests, with and without the
 * agent: its pools (HikariCP and DBCP2 configured by driver class name, Agroal by provider class name) serve queries
 * and keep renewing their connections, and, when asked, {@link #churnThroughDriverManager} opens and closes a
 * connection per request at a fixed rate. It prints what it computed ({@code RESULT}), what the JVM's
 * {@code DriverManager} holds ({@code DRIVERS}), what a borrower gets ({@code BORROWED}) and how many connections the
 * churn loop opened in how long ({@code CHURNED}), so the test can compare runs and check the agent's figures.
 *
 * <p>Arguments: {@code url user password pools churnPerSecond seconds [metricsPort]}, pools a comma list of
 * {@code hikari}, {@code dbcp2}, {@code agroal} or {@code none}. With {@code -Drenew=true} the pools renew their
 * connections every few hundred milliseconds (DBCP2 and Agroal by a short lifetime, HikariCP by soft eviction), so
 * that their own opens go on while the application churns.
 */
public final class ChurnApp {

    private static final String DRIVER = "com.mysql.cj.jdbc.Driver";
    private static final boolean RENEW = Boolean.getBoolean("renew");

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        List<String> poolNames = List.of(args[3].split(","));
        double churnPerSecond = Double.parseDouble(args[4]);
        Duration runFor = Duration.ofMillis((long) (Double.parseDouble(args[5]) * 1000));
        int metricsPort = args.length > 6 ? Integer.parseInt(args[6]) : 0;

        List<DataSource> pools = new ArrayList<>();
        List<AutoCloseable> closers = new ArrayList<>();
        for (String name : poolNames) {
            switch (name) {
                case "hikari" -> {
                    HikariConfig c = new HikariConfig();
                    c.setDriverClassName(DRIVER); // as Spring Boot always sets it: HikariCP instantiates the driver itself
                    c.setJdbcUrl(url);
                    c.setUsername(user);
                    c.setPassword(password);
                    c.setMaximumPoolSize(4);
                    c.setMinimumIdle(4);
                    c.setPoolName("app-hikari");
                    HikariDataSource ds = new HikariDataSource(c);
                    pools.add(ds);
                    closers.add(ds);
                }
                case "dbcp2" -> {
                    BasicDataSource ds = new BasicDataSource();
                    ds.setDriverClassName(DRIVER);
                    ds.setUrl(url);
                    ds.setUsername(user);
                    ds.setPassword(password);
                    ds.setMaxTotal(4);
                    if (RENEW) {
                        ds.setMaxConn(Duration.ofMillis(400));
                    }
                    pools.add(ds);
                    closers.add(ds);
                }
                case "agroal" -> {
                    AgroalDataSource ds = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                            .connectionPoolConfiguration(p -> p.maxSize(4).maxLifetime(RENEW ? Duration.ofMillis(400) : Duration.ZERO)
                                    .connectionFactoryConfiguration(f -> f.jdbcUrl(url).connectionProviderClassName(DRIVER)
                                            .principal(new NamePrincipal(user)).credential(new SimplePassword(password)))));
                    pools.add(ds);
                    closers.add(ds);
                }
                case "none" -> { }
                default -> throw new IllegalArgumentException(name);
            }
        }

        StringBuilder result = new StringBuilder();
        for (DataSource ds : pools) {
            result.append(query(ds)).append(' ');
            try (Connection c = ds.getConnection()) {
                System.out.println("BORROWED " + c.getClass().getName() + " " + c.unwrap(Connection.class).getClass().getName()
                        + " autoCommit=" + c.getAutoCommit());
            }
        }

        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (DataSource ds : pools) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        query(ds);
                        Thread.sleep(20);
                    } catch (Exception e) {
                        System.out.println("POOL ERROR " + e);
                    }
                }
            }, "pool-worker");
            t.start();
            workers.add(t);
        }
        Thread renewer = new Thread(() -> {
            while (!stop.get()) {
                for (DataSource ds : pools) {
                    if (RENEW && ds instanceof HikariDataSource h && h.getHikariPoolMXBean() != null) {
                        h.getHikariPoolMXBean().softEvictConnections(); // HikariCP's lifetime cannot go under 30 s
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "pool-renewer");
        renewer.start();

        long[] churned = {0, 0};
        if (churnPerSecond > 0) {
            churnThroughDriverManager(url, user, password, churnPerSecond, runFor, churned);
        } else {
            Thread.sleep(runFor.toMillis());
        }
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
        renewer.interrupt();
        renewer.join();

        if (churnPerSecond > 0) {
            System.out.printf(java.util.Locale.ROOT, "CHURNED %d in %.3f s%n", churned[0], churned[1] / 1e9);
        }
        result.append(query(() -> DriverManager.getConnection(url, user, password)));
        System.out.println("RESULT " + result.toString().trim());
        TreeSet<String> drivers = new TreeSet<>();
        for (Driver d : Collections.list(DriverManager.getDrivers())) {
            drivers.add(d.getClass().getName());
        }
        System.out.println("DRIVERS " + drivers);
        System.out.println("PROPERTIES " + new TreeSet<>(System.getProperties().stringPropertyNames()));
        if (metricsPort > 0) {
            try (InputStream in = URI.create("http://127.0.0.1:" + metricsPort + "/metrics").toURL().openStream()) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    if (!line.startsWith("#")) {
                        System.out.println("METRIC " + line);
                    }
                }
            }
        }
        for (AutoCloseable c : closers) {
            c.close();
        }
        System.out.println("DONE");
    }

    /** Opens and closes a connection per request, at a fixed rate, as code without a pool does. */
    static void churnThroughDriverManager(String url, String user, String password, double perSecond, Duration runFor,
                                          long[] churned) throws Exception {
        long period = (long) (1e9 / perSecond);
        long start = System.nanoTime();
        long end = start + runFor.toNanos();
        long n = 0;
        for (long next = start; next < end; next += period) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            try (Connection c = DriverManager.getConnection(url, user, password);
                 Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
                r.next();
            }
            n++;
        }
        churned[0] = n;
        churned[1] = System.nanoTime() - start;
    }

    interface Opener {
        Connection open() throws SQLException;
    }

    private static String query(DataSource ds) throws SQLException {
        return query(ds::getConnection);
    }

    /** A few computed values whose text must not change with the agent. */
    private static String query(Opener opener) throws SQLException {
        try (Connection c = opener.open();
             PreparedStatement p = c.prepareStatement("SELECT ? * 7, CONCAT('tw', ?), DATABASE(), @@autocommit")) {
            p.setInt(1, 6);
            p.setString(2, "pool");
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getInt(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getInt(4);
            }
        }
    }
}
