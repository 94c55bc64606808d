package io.github.twpool;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;
import ch.qos.logback.classic.Level;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.github.twpool.ConnectOrigins.*;
import static io.github.twpool.PoolTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.assertj.core.data.Percentage.withPercentage;

/**
 * Who opens connections outside the pool, found without touching {@link DriverManager}: churn in this JVM through
 * {@code DriverManager}, a HikariCP pool per request with {@code driverClassName} and a driver's own DataSource, each
 * over TLS against the embedded MariaDB 11.4 (its own port: no one else's connections there), named with its call
 * site and share, with the rate.
 *
 * <p>The rate is the server's count of new connections (read through a pooled connection, as pool-mysql does),
 * bounded by this host's TCP counters: over TLS Connector/J ends connections with a reset, so there is no TIME_WAIT.
 * The churners and the reading of reports are {@link ConnectOrigins}.
 */
@ResourceLock(PoolTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class ConnectOriginsInThisJvmIntegrationTest {

    @Test
    void threeChurnersInThisJvmOverTlsAreNamedWithTheirSharesAndTheRate() throws Exception {
        TestDatabase db = TestDatabase.tls();
        try (TwPoolDataSource ds = pool("origins"); LogCapture log = LogCapture.of("io.github.twpool.churn")) {
            assertThat(await(Duration.ofSeconds(10), () -> ds.churnReport().probeRunning())).isTrue();
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
                rs.next();
                assertThat(rs.getString(2)).as("the churn runs over TLS").isNotBlank();
            }
            Thread.sleep(2000);
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(26).toNanos();
            ExecutorService threads = Executors.newFixedThreadPool(3);
            // 32/s in all: the stack samples catch each churner in proportion to its rate, and at this rate enough
            // of them (some 100 caught connects in the window) for its share to be within 15 points of the truth.
            Future<Long> a = threads.submit(() -> driverManagerChurn(db, 16, end));
            Future<Long> b = threads.submit(() -> hikariPoolPerRequest(db, 8, end));
            Future<Long> c = threads.submit(() -> plainDataSourceChurn(db, 8, end));
            double[] window = new double[1];
            List<ChurnReport> seen = reports(ds, start + Duration.ofSeconds(16).toNanos(), end, window);
            long made = a.get() + b.get() + c.get();
            threads.shutdown();
            double truth = window[0];
            ChurnReport last = seen.get(seen.size() - 1);
            String described = last.origins().toString();
            System.out.printf("three churners in this JVM at %.1f/s made: %s%n", truth, described);

            // The call sites come from stacks alone: named with their shares whatever the sockets say.
            assertThat(share(last, "driverManagerChurn")).as(described).isCloseTo(a.get() / (double) made, offset(0.15));
            assertThat(share(last, "hikariPoolPerRequest")).as(described).isCloseTo(b.get() / (double) made, offset(0.15));
            assertThat(share(last, "plainDataSourceChurn")).as(described).isCloseTo(c.get() / (double) made, offset(0.15));
            assertThat(last.origins().otherSockets()).as(described).isZero();
            assertThat(last.origins().rateMethod()).contains("server's count");
            List<String> warnings = log.messages(Level.WARN);
            if (!decisive(last)) {
                // Too few socket samples to rule out another process's millisecond connections at this rate (a census
                // walks the kernel's whole connection table: milliseconds here), or a census slower than a
                // connection: the samples must then say they cannot tell and give the rate to no one, while the
                // warning still gives the rate measured at the endpoint and this JVM's call sites with their shares.
                assertUndecided(last);
                double outside = median(seen.stream().map(r -> r.rates().outside()).toList());
                assertThat(outside).as("the rate outside the pool vs the %.1f/s made (%s)", truth, described)
                        .isCloseTo(truth, withPercentage(20));
                assertThat(warnings).anySatisfy(w -> assertThat(w).contains("/s towards ", "cannot tell"));
                // The line says it cannot tell; the event's fields say why, and name the call sites.
                assertThat(log.keyValues(Level.WARN)).anySatisfy(kv -> {
                    assertThat(kv.get("twpool.undecided")).asString().contains("stack samples");
                    assertThat(kv.get("twpool.call_sites")).asString().contains(".lambda$driverManagerChurn$",
                            ".lambda$hikariPoolPerRequest$", ".lambda$plainDataSourceChurn$");
                });
                return;
            }
            assertThat(last.origins().origin()).as(described).isEqualTo(ChurnOrigins.Origin.THIS_JVM);
            double measured = median(seen.stream().map(r -> r.origins().thisJvmRate()).toList());
            assertThat(measured).as("this JVM's rate vs the %.1f/s made (%s)", truth, described).isCloseTo(truth, withPercentage(20));

            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("/s from this JVM: ",
                    "% from ", "driverManagerChurn", "(sampled: ", "stack samples").doesNotContain("another process"));
            // The line names the call site as briefly as it must; the event's fields carry it in full, with the method.
            assertThat(log.keyValues(Level.WARN)).anySatisfy(kv -> {
                assertThat(kv.get("twpool.call_site")).asString()
                        .startsWith(ConnectOrigins.class.getName() + ".lambda$driverManagerChurn$");
                assertThat(kv.get("twpool.rate_method")).asString().contains("server's count");
            });
        }
    }
}
