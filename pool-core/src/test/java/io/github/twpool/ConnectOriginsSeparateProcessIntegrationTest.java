package io.github.twpool;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceLock;
import io.github.twpool.testsupport.PyMySqlChurner;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.github.twpool.ConnectOrigins.*;
import static io.github.twpool.PoolTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A separate process (Python's PyMySQL, a connection per request, about a millisecond each) churning against the
 * embedded MariaDB 11.4, alone and then beside churn in this JVM: never taken for this JVM.
 *
 * <p>The rate is the server's count of new connections (read through a pooled connection, as pool-mysql does),
 * bounded by this host's TCP counters: over TLS Connector/J ends connections with a reset, so there is no TIME_WAIT.
 * The churners and the reading of reports are {@link ConnectOrigins}.
 */
@ResourceLock(PoolTestSupport.HOST_CONNECTS)
@Order(Order.DEFAULT + 1) // after the classes the concurrent ones run beside
class ConnectOriginsSeparateProcessIntegrationTest {

    @Test
    void aSeparateProcessChurningMeanwhileIsNeverTakenForThisJvm() throws Exception {
        TestDatabase db = TestDatabase.tls();
        try (TwPoolDataSource ds = pool("another")) {
            assertThat(await(Duration.ofSeconds(10), () -> ds.churnReport().probeRunning())).isTrue();
            Thread.sleep(2000);
            // Phase 1: only the other process (Python, a connection per request, ~1 ms each).
            try (PyMySqlChurner other = PyMySqlChurner.start(db.host(), db.port(), db.username(), db.password(), null, 30, 40)) {
                long start = System.nanoTime();
                List<ChurnReport> alone = reports(ds, start + Duration.ofSeconds(12).toNanos(), start + Duration.ofSeconds(17).toNanos());
                ChurnReport r = alone.get(alone.size() - 1);
                String described = r.origins().toString();
                assertThat(r.origins().origin()).as(described).isNotEqualTo(ChurnOrigins.Origin.THIS_JVM);
                assertThat(r.origins().thisJvmRate()).as(described).isIn(0.0, Double.NaN);
                assertThat(r.origins().ownSockets()).as("none of Python's sockets is this JVM's: " + described).isZero();
                if (netlink(r) && r.origins().unresolvedSockets() == 0 && canCatchPython(r)) {
                    // Each socket sample's two listings of this process's sockets were under 2 ms apart, and there
                    // were enough samples to catch millisecond connections at 30/s.
                    assertThat(r.origins().otherSockets()).as(described).isGreaterThan(0);
                    assertThat(r.origins().origin()).as(described).isEqualTo(ChurnOrigins.Origin.ANOTHER_PROCESS);
                    assertThat(r.verdicts()).extracting(ChurnVerdict::message)
                            .anySatisfy(m -> assertThat(m).contains("/s from another process on this host"));
                } else if (netlink(r)) {
                    // Too few samples (a census that walks a large table, an overloaded host): whatever was caught,
                    // never this JVM.
                    assertThat(r.origins().origin()).as(described)
                            .isIn(ChurnOrigins.Origin.ANOTHER_PROCESS, ChurnOrigins.Origin.UNDECIDED);
                } else {
                    // /proc/net/tcp takes milliseconds to read (and an overloaded host slows any census): a socket
                    // missing from this process's fd lists before and after it may have been this JVM's, opened and
                    // closed meanwhile, so it is not given to another process either.
                    assertThat(r.origins().origin()).as(described).isEqualTo(ChurnOrigins.Origin.UNDECIDED);
                    assertThat(r.origins().otherSockets()).as(described).isZero();
                }
                // Phase 2: this JVM churns too.
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                ExecutorService thread = Executors.newSingleThreadExecutor();
                Future<Long> mine = thread.submit(() -> driverManagerChurn(db, 8, end));
                List<ChurnReport> together = reports(ds, System.nanoTime() + Duration.ofSeconds(12).toNanos(), end);
                mine.get();
                thread.shutdown();
                for (ChurnReport t : together) {
                    described = t.origins().toString();
                    assertThat(t.origins().origin()).as(described).isNotEqualTo(ChurnOrigins.Origin.THIS_JVM)
                            .isNotEqualTo(ChurnOrigins.Origin.ANOTHER_PROCESS);
                    assertThat(t.origins().thisJvmRate()).as(described).isNaN();
                }
                ChurnReport both = together.get(together.size() - 1);
                if (netlink(both) && both.origins().unresolvedSockets() == 0 && canCatchPython(both)) {
                    assertThat(both.origins().origin()).as(both.origins().toString()).isEqualTo(ChurnOrigins.Origin.BOTH);
                    assertThat(both.verdicts()).anySatisfy(v -> {
                        assertThat(v.message()).contains("from this JVM", "and from another process on this host",
                                "how they split is not measured");
                        // The call site, in full, is a field of the warning: the line has no room for it beside both.
                        assertThat(v.fields().get("twpool.call_site")).asString().contains("driverManagerChurn(");
                    });
                }
            }
        }
    }
}
