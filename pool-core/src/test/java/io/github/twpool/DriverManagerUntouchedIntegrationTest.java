package io.github.twpool;

import ch.qos.logback.classic.Level;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.Closeable;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverAction;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A library on the default path must not change what other code in the JVM gets from {@link DriverManager}: not the
 * drivers other applications see, not a driver's {@link DriverAction}, not the application's own cleanup, not how
 * often a failing connect is tried, and not what HikariCP finds by class name. Each case is how code around a
 * library really is (an application server's shared drivers, a webapp's cleanup listener, Spring Boot's
 * {@code driverClassName}).
 */
class DriverManagerUntouchedIntegrationTest {

    /** A scheme only {@link ForwardingDriver} accepts, so that no other driver in the JVM tries its URLs. */
    static final String SCHEME = "jdbc:twpooltest:";
    static final String WRONG_PASSWORD = "wrong-password-";

    /** A driver as an application registers it: forwards to Connector/J, counts its connects, may hold an action. */
    static final class ForwardingDriver implements Driver {
        final AtomicInteger connects = new AtomicInteger();
        final AtomicInteger wrongPasswordConnects = new AtomicInteger();
        private final Driver real;

        ForwardingDriver() throws SQLException {
            this.real = DriverManager.getDriver(TestDatabase.get().jdbcUrl());
        }

        static String realUrl(String url) {
            return "jdbc:mysql:" + url.substring(SCHEME.length());
        }

        @Override
        public Connection connect(String url, Properties info) throws SQLException {
            if (!acceptsURL(url)) {
                return null;
            }
            connects.incrementAndGet();
            if (info != null && info.getProperty("password", "").startsWith(WRONG_PASSWORD)) {
                wrongPasswordConnects.incrementAndGet();
            }
            return real.connect(realUrl(url), info);
        }

        @Override
        public boolean acceptsURL(String url) {
            return url != null && url.startsWith(SCHEME);
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
            return real.getPropertyInfo(realUrl(url), info);
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }
    }

    private static String forwardingUrl() {
        String url = TestDatabase.get().jdbcUrl();
        return SCHEME + url.substring(url.indexOf("//"));
    }

    private static Properties pool(String name, String url, String... more) {
        Properties p = TestDatabase.get().twpoolProperties("twpool.name", name, "twpool.url", url,
                "twpool.probe.enabled", "true", "twpool.probe.interval", "1s", "twpool.pool-size", "1");
        for (int i = 0; i < more.length; i += 2) {
            p.setProperty(more[i], more[i + 1]);
        }
        return p;
    }

    private static List<Driver> drivers() {
        return Collections.list(DriverManager.getDrivers());
    }

    @Test
    void theRegisteredDriversAreTheSameInstancesWhileAPoolRunsAndAfterItCloses() throws Exception {
        TestDatabase db = TestDatabase.get();
        List<Driver> before = drivers();
        Driver forUrl = DriverManager.getDriver(db.jdbcUrl());
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(pool("untouched", db.jdbcUrl()))) {
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
            assertThat(drivers()).containsExactlyElementsOf(before);
            assertThat(DriverManager.getDriver(db.jdbcUrl())).isSameAs(forUrl);
        }
        assertThat(drivers()).containsExactlyElementsOf(before);
    }

    @Test
    void aDriverActionRunsOnlyWhenTheApplicationDeregistersItsDriver() throws Exception {
        ForwardingDriver driver = new ForwardingDriver();
        AtomicInteger actions = new AtomicInteger();
        DriverAction action = actions::incrementAndGet;
        DriverManager.registerDriver(driver, action);
        try {
            try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(pool("action", forwardingUrl()))) {
                try (Connection c = ds.getConnection()) {
                    assertThat(c.isValid(1)).isTrue();
                }
                assertThat(actions).as("the action ran while the driver was still in use").hasValue(0);
            }
            assertThat(actions).as("after the pool closed").hasValue(0);
        } finally {
            DriverManager.deregisterDriver(driver);
        }
        assertThat(actions).as("the application's own deregistration runs the action once").hasValue(1);
    }

    @Test
    void aDriverTheApplicationDeregisteredStaysDeregisteredWhenThePoolClosesAfterwards() throws Exception {
        ForwardingDriver driver = new ForwardingDriver();
        DriverManager.registerDriver(driver);
        TwPoolDataSource ds = TwPoolDataSource.fromProperties(pool("cleanup", forwardingUrl()));
        try {
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
            // A webapp's cleanup listener: its drivers first, then its pool.
            for (Driver d : drivers()) {
                if (d == driver || d.getClass().getName().startsWith("io.github.twpool.")) {
                    DriverManager.deregisterDriver(d);
                }
            }
        } finally {
            ds.close();
        }
        try {
            assertThat(drivers()).doesNotContain(driver);
            assertThat(drivers()).noneMatch(d -> d.getClass().getName().startsWith("io.github.twpool."));
        } finally {
            DriverManager.deregisterDriver(driver);
        }
    }

    @Test
    void aFailingConnectIsTriedOnceWhilePoolsStartAndStop() throws Exception {
        ForwardingDriver driver = new ForwardingDriver();
        DriverManager.registerDriver(driver);
        AtomicBoolean cycling = new AtomicBoolean(true);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Thread pools = new Thread(() -> {
            int i = 0;
            while (cycling.get()) {
                try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(pool("cycle" + i++, forwardingUrl(),
                        "twpool.probe.interval", "1s"))) {
                    ds.getConnection().close();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
        });
        try {
            pools.start();
            int attempts = 0;
            long end = System.nanoTime() + 6_000_000_000L;
            while (System.nanoTime() < end) {
                assertThatThrownBy(() -> DriverManager.getConnection(forwardingUrl(), TestDatabase.get().username(),
                        WRONG_PASSWORD + TestDatabase.get().password())).isInstanceOf(SQLException.class);
                attempts++;
            }
            cycling.set(false);
            pools.join(10_000);
            assertThat(failures).isEmpty();
            assertThat(attempts).isGreaterThan(20);
            assertThat(driver.wrongPasswordConnects).as("connects the driver tried for %d failed logins", attempts)
                    .hasValue(attempts);
        } finally {
            cycling.set(false);
            pools.join(10_000);
            DriverManager.deregisterDriver(driver);
        }
    }

    @Test
    void hikariWithDriverClassNameFindsTheRegisteredDriverAndLogsNoWarning() throws Exception {
        TestDatabase db = TestDatabase.get();
        try (LogCapture hikariLog = LogCapture.of("com.zaxxer.hikari");
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(pool("byclassname", db.jdbcUrl(),
                     "twpool.hikari.driverClassName", "com.mysql.cj.jdbc.Driver"))) {
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
            com.zaxxer.hikari.HikariConfig other = new com.zaxxer.hikari.HikariConfig();
            other.setJdbcUrl(db.jdbcUrl());
            other.setUsername(db.username());
            other.setPassword(db.password());
            other.setDriverClassName("com.mysql.cj.jdbc.Driver");
            other.setMaximumPoolSize(1);
            try (com.zaxxer.hikari.HikariDataSource plain = new com.zaxxer.hikari.HikariDataSource(other);
                 Connection c = plain.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
            assertThat(hikariLog.messages(Level.WARN)).noneMatch(m -> m.contains("driverClassName"));
        }
    }

    @Test
    void anotherApplicationsDriverManagerKeepsTheSharedDriverAndASecondApplicationsPoolStarts() throws Exception {
        TestDatabase db = TestDatabase.get();
        // An application server: Connector/J in a shared parent loader; twpool in application A (and A2); plain
        // DriverManager code in application B.
        URL connector = jarOf(DriverManagerUntouchedIntegrationTest.class.getClassLoader().loadClass("com.mysql.cj.jdbc.Driver"));
        try (URLClassLoader shared = new URLClassLoader("shared", new URL[] {connector}, ClassLoader.getPlatformClassLoader())) {
            Class.forName("com.mysql.cj.jdbc.Driver", true, shared); // registers the shared loader's driver
            URL[] twpool = {jarOf(TwPoolDataSource.class), jarOf(com.zaxxer.hikari.HikariDataSource.class),
                    jarOf(org.slf4j.LoggerFactory.class)};
            URL tests = jarOf(DriverManagerUntouchedIntegrationTest.class);
            try (URLClassLoader appA = new URLClassLoader("appA", twpool, shared);
                 URLClassLoader appB = new URLClassLoader("appB", new URL[] {tests}, shared);
                 URLClassLoader appA2 = new URLClassLoader("appA2", twpool, shared)) {
                Properties props = pool("appA", db.jdbcUrl());
                try (Closeable a = startPool(appA, props)) {
                    Class<?> b = appB.loadClass(OtherApplication.class.getName());
                    assertThat(b.getClassLoader()).isSameAs(appB);
                    int failures = 0;
                    for (int i = 0; i < 20; i++) {
                        try {
                            b.getMethod("connectOnce", String.class, String.class, String.class)
                                    .invoke(null, db.jdbcUrl(), db.username(), db.password());
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            assertThat(e.getCause()).as("application B's DriverManager.getConnection")
                                    .hasMessageNotContaining("No suitable driver");
                            failures++;
                        }
                    }
                    assertThat(failures).isZero();
                    Properties second = pool("appA2", db.jdbcUrl());
                    try (Closeable a2 = startPool(appA2, second)) {
                        try (Connection c = ((DataSource) a2).getConnection()) {
                            assertThat(c.isValid(1)).isTrue();
                        }
                    }
                }
            } finally {
                for (Driver d : drivers()) {
                    if (d.getClass().getClassLoader() == shared) {
                        DriverManager.deregisterDriver(d);
                    }
                }
            }
        }
    }

    /** Application B: plain DriverManager code, loaded in its own class loader. */
    public static final class OtherApplication {
        public static void connectOnce(String url, String user, String password) throws SQLException {
            try (Connection c = DriverManager.getConnection(url, user, password)) {
                c.isValid(1);
            }
        }
    }

    private static Closeable startPool(ClassLoader app, Properties props) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(app);
        try {
            Class<?> c = app.loadClass(TwPoolDataSource.class.getName());
            assertThat(c.getClassLoader()).isSameAs(app);
            return (Closeable) c.getMethod("fromProperties", Properties.class).invoke(null, props);
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    private static URL jarOf(Class<?> c) throws Exception {
        URL u = c.getProtectionDomain().getCodeSource().getLocation();
        assertThat(new File(u.toURI())).exists();
        return u;
    }
}
