package io.github.twpool;

import ch.qos.logback.classic.Level;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.github.twpool.PoolTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections this JVM opens outside the pool, counted at the JDBC driver, against the TLS server (where they end
 * in resets and leave no TIME_WAIT for the census to see).
 */
class JvmConnectsIntegrationTest {

    private static Properties tlsPool(String name, String... more) {
        Properties p = TestDatabase.tls().twpoolProperties("twpool.name", name, "twpool.probe.enabled", "true",
                "twpool.probe.interval", "1s", "twpool.churn.min-rate", "2", "twpool.churn.warn-interval", "1s",
                "twpool.pool-size", "2");
        for (int i = 0; i < more.length; i += 2) {
            p.setProperty(more[i], more[i + 1]);
        }
        return p;
    }

    private static String sslCipher(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
            rs.next();
            return rs.getString(2);
        }
    }

    /** The naive code the warning must name: a connection per request, with DriverManager. */
    private static int churnWithDriverManager(TestDatabase db, int perSecond, Duration duration) throws Exception {
        long start = System.nanoTime();
        int n = 0;
        while (System.nanoTime() - start < duration.toNanos()) {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
            }
            n++;
            long wait = start + (long) (n * 1e9 / perSecond) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        return n;
    }

    @Test
    void driverManagerChurnOverTlsIsCountedExactlyAndTheWarningNamesTheMethod() throws Exception {
        TestDatabase db = TestDatabase.tls();
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(tlsPool("jvmchurn"));
             LogCapture log = LogCapture.of("io.github.twpool.churn")) {
            assertThat(await(Duration.ofSeconds(5), () -> ds.churnReport().jvmConnectsOutsidePool() >= 0)).isTrue();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
                assertThat(sslCipher(c)).as("the churn below runs over TLS").isNotBlank();
            }
            assertThat(await(Duration.ofSeconds(10), () -> ds.connectionsOpened() >= 2)).as("the pool filled up").isTrue();
            long before = ds.churnReport().jvmConnectsOutsidePool();
            long poolOpenedBefore = ds.connectionsOpened();
            long startNanos = System.nanoTime();
            int made = churnWithDriverManager(db, 15, Duration.ofSeconds(6));
            double actualRate = made / ((System.nanoTime() - startNanos) / 1e9);
            assertThat(await(Duration.ofSeconds(3), () -> ds.churnReport().jvmConnectsOutsidePool() - before >= made)).isTrue();
            ChurnReport r = ds.churnReport();
            long counted = r.jvmConnectsOutsidePool() - before;
            assertThat((double) counted).as("counted vs made (%d)", made).isCloseTo(made, org.assertj.core.data.Percentage.withPercentage(10));
            assertThat(ds.connectionsOpened()).as("the pool opened nothing meanwhile").isEqualTo(poolOpenedBefore);

            List<String> warnings = log.messages(Level.WARN);
            assertThat(warnings).as("warnings").anySatisfy(w -> assertThat(w)
                    .contains("churn outside this pool", "This JVM opened",
                            "% from ", "JvmConnectsIntegrationTest.churnWithDriverManager(JvmConnectsIntegrationTest.java:",
                            "end in a reset", "TLS handshake")
                    .doesNotContain("other hosts"));
            // The line names the call site as briefly as it must; the event's fields carry it in full.
            assertThat(log.keyValues(Level.WARN)).anySatisfy(kv -> assertThat(kv.get("twpool.call_site")).asString()
                    .startsWith("io.github.twpool.JvmConnectsIntegrationTest.churnWithDriverManager(JvmConnectsIntegrationTest.java:"));
            assertThat(r.callSites()).isNotEmpty();
            assertThat(r.callSites().get(0).frame()).startsWith("io.github.twpool.JvmConnectsIntegrationTest.churnWithDriverManager(");
            assertThat(r.callSites().get(0).share()).isGreaterThan(0.9);
            // The rate the detector measured per tick, against the truth: the median of its warnings (the first and
            // last ticks straddle the start and end of the churn).
            List<Double> rates = new java.util.ArrayList<>();
            java.util.regex.Pattern rate = java.util.regex.Pattern.compile("This JVM opened ([0-9.]+)/s");
            for (String w : warnings) {
                java.util.regex.Matcher m = rate.matcher(w);
                if (m.find()) {
                    rates.add(Double.parseDouble(m.group(1)));
                }
            }
            java.util.Collections.sort(rates);
            assertThat(rates).hasSizeGreaterThanOrEqualTo(3);
            assertThat(rates.get(rates.size() / 2)).as("median of %s", rates).isCloseTo(actualRate,
                    org.assertj.core.data.Percentage.withPercentage(25));
            assertThat(await(Duration.ofSeconds(4), () -> !ds.churnReport().has(ChurnCause.OUTSIDE_POOL)))
                    .as("cleared after the churn stopped").isTrue();
        }
    }

    @Test
    void thePoolsOwnOpensAreNotCountedAsOutside() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(tlsPool("ownopens", "twpool.pool-size", "4"))) {
            assertThat(await(Duration.ofSeconds(5), () -> ds.churnReport().jvmConnectsOutsidePool() >= 0)).isTrue();
            long before = ds.churnReport().jvmConnectsOutsidePool();
            long opened = ds.connectionsOpened();
            // Force the pool to open new connections: evict what it holds.
            for (int i = 0; i < 4; i++) {
                try (Connection c = ds.getConnection()) {
                    ds.unwrap(com.zaxxer.hikari.HikariDataSource.class).evictConnection(c);
                }
            }
            assertThat(await(Duration.ofSeconds(5), () -> ds.connectionsOpened() >= opened + 4)).isTrue();
            Thread.sleep(1500);
            assertThat(ds.churnReport().jvmConnectsOutsidePool() - before).isZero();
        }
    }

    @Test
    void getDriverUsersAreCountedAndTheRealDriverIsBackAfterClose() throws Exception {
        TestDatabase db = TestDatabase.tls();
        Driver realBefore = DriverManager.getDriver(db.jdbcUrl());
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(tlsPool("getdriver"))) {
            Driver d = DriverManager.getDriver(db.jdbcUrl());
            assertThat(d.getClass().getName()).isEqualTo("io.github.twpool.internal.connect.CountingDriver");
            assertThat(Collections.list(DriverManager.getDrivers())).doesNotContain(realBefore);
            assertThat(await(Duration.ofSeconds(5), () -> ds.churnReport().jvmConnectsOutsidePool() >= 0)).isTrue();
            Thread.sleep(1200);
            long before = ds.churnReport().jvmConnectsOutsidePool();
            Properties info = new Properties();
            info.setProperty("user", db.username());
            info.setProperty("password", db.password());
            try (Connection c = d.connect(db.jdbcUrl(), info)) {
                assertThat(c.getClass().getName()).as("the driver's own connection").startsWith("com.mysql.");
            }
            assertThat(await(Duration.ofSeconds(3), () -> ds.churnReport().jvmConnectsOutsidePool() == before + 1)).isTrue();
        }
        assertThat(DriverManager.getDriver(db.jdbcUrl())).isSameAs(realBefore);
    }

    @Test
    void countConnectsFalseLeavesTheDriversAlone() throws Exception {
        TestDatabase db = TestDatabase.tls();
        Driver realBefore = DriverManager.getDriver(db.jdbcUrl());
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(tlsPool("nocount", "twpool.probe.count-connects", "false"))) {
            assertThat(DriverManager.getDriver(db.jdbcUrl())).isSameAs(realBefore);
            assertThat(await(Duration.ofSeconds(5), () -> ds.churnReport().probeRunning())).isTrue();
            assertThat(ds.churnReport().jvmConnectsOutsidePool()).isEqualTo(-1);
        }
    }
}
