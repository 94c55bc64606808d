package io.github.twpool;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.github.twpool.ConnectOrigins.*;
import static io.github.twpool.PoolTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Churn a swap of {@link DriverManager}'s drivers would have missed, found without touching it: a pool created before
 * twpool, 1,000 distinct URLs and failed logins, over TLS against the embedded MariaDB 11.4, named as this JVM's (or
 * said to be undecided) with their call sites, and no URL in what is kept.
 *
 * <p>The rate is the server's count of new connections (read through a pooled connection, as pool-mysql does),
 * bounded by this host's TCP counters: over TLS Connector/J ends connections with a reset, so there is no TIME_WAIT.
 * The churners and the reading of reports are {@link ConnectOrigins}.
 */
@ResourceLock(PoolTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class ConnectOriginsMissedChurnIntegrationTest {

    @Test
    // What this case checks comes from stack samples, which are the same on every JDK: the Java 22+ run, there for
    // the netlink census, leaves it to the Java 17 run.
    @org.junit.jupiter.api.condition.DisabledIfSystemProperty(named = "twpool.test.java22", matches = "true",
            disabledReason = "call sites from stack samples: the same on every JDK, checked by the Java 17 run")
    void churnTheDriverSwapMissedIsThisJvmsWithItsCallSites() throws Exception {
        TestDatabase db = TestDatabase.tls();
        // A pool created before twpool, churning through its own connection adder as connections are evicted.
        HikariConfig early = new HikariConfig();
        early.setJdbcUrl(db.jdbcUrl());
        early.setUsername(db.username());
        early.setPassword(db.password());
        early.setMaximumPoolSize(1);
        try (HikariDataSource before = new HikariDataSource(early);
             TwPoolDataSource ds = pool("missed")) {
            assertThat(await(Duration.ofSeconds(10), () -> ds.churnReport().probeRunning())).isTrue();
            Thread.sleep(2000);
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(22).toNanos();
            ExecutorService threads = Executors.newFixedThreadPool(3);
            Future<Long> urls = threads.submit(() -> distinctUrlChurn(db, 6, end));
            Future<Long> failed = threads.submit(() -> failedLoginChurn(db, 4, end));
            Future<Long> evicted = threads.submit(() -> paced(3, end, () -> {
                try (Connection c = before.getConnection()) {
                    select1(c);
                    before.evictConnection(c);
                }
            }));
            List<ChurnReport> seen = reports(ds, start + Duration.ofSeconds(14).toNanos(), end);
            urls.get();
            failed.get();
            evicted.get();
            threads.shutdown();
            ChurnReport last = seen.get(seen.size() - 1);
            String described = last.origins().toString();
            if (decisive(last)) {
                assertThat(last.origins().origin()).as(described).isEqualTo(ChurnOrigins.Origin.THIS_JVM);
            } else {
                assertUndecided(last);
            }
            assertThat(share(last, "distinctUrlChurn")).as(described).isGreaterThan(0.2);
            assertThat(share(last, "failedLoginChurn")).as(described).isGreaterThan(0.1);
            assertThat(last.callSites()).as(described).noneMatch(s -> s.frame().contains("connectTimeout") || s.frame().contains("jdbc:"));
        }
    }
}
