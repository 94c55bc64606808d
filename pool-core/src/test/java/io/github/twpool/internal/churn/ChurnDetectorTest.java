package io.github.twpool.internal.churn;

import ch.qos.logback.classic.Level;
import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The detector's rules on synthetic observations: numbers in, verdicts out. */
class ChurnDetectorTest {

    private static final long S = 1_000_000_000L;
    private static final KernelSettings KERNEL = new KernelSettings(32768, 60999, 2, 60, 131072, 1, false, "6.1");

    private static TwPoolConfig.Builder config() {
        return TwPoolConfig.builder().url("jdbc:mysql://127.0.0.1:3306/test").name("orders").churnMinRate(1.0);
    }

    /** A census with {@code client}/{@code server} sockets that entered TIME_WAIT {@code ageSeconds} ago. */
    private static SocketCensus census(int client, int server, int ageSeconds, int establishedClient) {
        int[] c = new int[61];
        int[] s = new int[61];
        c[60 - ageSeconds] = client;
        s[60 - ageSeconds] = server;
        return new SocketCensus(Instant.now(), client, server, establishedClient, 0, 0, 0, c, s);
    }

    private static Observation tick(long seconds, SocketCensus census, long opened, int total, int peak, ServerStatus server,
                                    long openedAtServer) {
        return new Observation(seconds * S, census, true, 1000, KERNEL, opened, 0, total, peak, server, openedAtServer);
    }

    private static Observation tick(long seconds, SocketCensus census, long opened, int total) {
        return tick(seconds, census, opened, total, total, null, 0);
    }

    @Test
    void timeWaitFarAboveThePoolsOwnClosesIsChurnOutsideThePool() {
        ChurnDetector d = new ChurnDetector(config().poolSize(5).build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 0, 1, 0), 5, 5));
        // 400 sockets entered TIME_WAIT 5 s ago, 10 s after the previous scan; the pool opened nothing.
        ChurnDetector.Evaluation e = d.evaluate(tick(10, census(40, 360, 5, 0), 5, 5));
        assertThat(e.verdicts()).extracting(ChurnVerdict::cause).containsExactly(ChurnCause.OUTSIDE_POOL);
        assertThat(e.rates().endpoint()).isEqualTo(40.0);
        assertThat(e.rates().outside()).isEqualTo(40.0);
        assertThat(e.rates().poolOpened()).isZero();
        assertThat(e.verdicts().get(0).message())
                .contains("churn outside this pool towards 127.0.0.1:3306", "400 sockets in TIME_WAIT (client side 40, server side 360)",
                        "~40.0 new connections/s over the last 10s", "this pool opened 0.0/s", "DriverManager.getConnection");
    }

    @Test
    void timeWaitOlderThanTheWindowIsNotNewChurn() {
        ChurnDetector d = new ChurnDetector(config().build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 400, 1, 0), 10, 10));
        // The same 400 sockets, now 40 s into TIME_WAIT: nothing new in the last 10 s.
        ChurnDetector.Evaluation e = d.evaluate(tick(10, census(0, 400, 40, 0), 10, 10));
        assertThat(e.verdicts()).isEmpty();
        assertThat(e.rates().endpoint()).isZero();
    }

    @Test
    void thePoolsOwnClosesAreNotOutsideChurn() {
        ChurnDetector d = new ChurnDetector(config().poolSize(10).build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 0, 1, 0), 10, 10));
        // The pool opened and closed 300 in 10 s and that is all the TIME_WAIT there is.
        ChurnDetector.Evaluation e = d.evaluate(tick(10, census(0, 300, 5, 0), 310, 10));
        assertThat(e.verdicts()).extracting(ChurnVerdict::cause).containsExactly(ChurnCause.POOL);
        assertThat(e.verdicts().get(0).reason()).isEqualTo("failures");
        assertThat(e.rates().outside()).isZero();
    }

    @Test
    void portReuseHidingTimeWaitStillCountsThePoolsCloses() {
        ChurnDetector d = new ChurnDetector(config().poolSize(10).build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 0, 1, 0), 10, 10));
        ChurnDetector.Evaluation e = d.evaluate(tick(10, census(0, 50, 5, 0), 310, 10));
        assertThat(e.rates().endpoint()).isEqualTo(30.0);
    }

    @Test
    void overflowRetiringAndReopeningIsNamed() {
        ChurnDetector d = new ChurnDetector(config().poolSize(2).maxOverflow(20).overflowIdleTimeout(Duration.ofSeconds(10))
                .build(), "127.0.0.1:3306", 3306);
        long opened = 2;
        d.evaluate(tick(0, census(0, 0, 1, 0), opened, 2));
        ChurnDetector.Evaluation e = null;
        for (int t = 10; t <= 60; t += 10) {
            opened += 20; // each burst opens 20 overflow connections, retired again before the next
            e = d.evaluate(tick(t, census(0, 20, 5, 0), opened, 2, 22, null, 0));
        }
        assertThat(e.verdicts()).extracting(ChurnVerdict::cause).contains(ChurnCause.POOL);
        ChurnVerdict pool = e.verdicts().stream().filter(v -> v.cause() == ChurnCause.POOL).findFirst().orElseThrow();
        assertThat(pool.reason()).isEqualTo("overflow");
        assertThat(pool.message()).contains("overflow-idle-timeout=10s", "peaked at 22 connections, pool-size=2", "raise pool-size");
    }

    @Test
    void aShortRecycleIsNamed() {
        ChurnDetector d = new ChurnDetector(config().poolSize(100).recycle(Duration.ofSeconds(30)).keepalive(Duration.ZERO)
                .build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 0, 1, 0), 100, 100));
        ChurnDetector.Evaluation e = d.evaluate(tick(30, census(0, 100, 5, 0), 200, 100));
        ChurnVerdict pool = e.verdicts().stream().filter(v -> v.cause() == ChurnCause.POOL).findFirst().orElseThrow();
        assertThat(pool.reason()).isEqualTo("recycle");
        assertThat(pool.message()).contains("recycle=30s", "100 connections every 30s");
    }

    @Test
    void aPoolFillingUpIsNotChurn() {
        ChurnDetector d = new ChurnDetector(config().poolSize(2).maxOverflow(50).build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 0, 1, 0), 2, 2));
        ChurnDetector.Evaluation e = d.evaluate(tick(5, census(0, 0, 1, 0), 52, 52));
        assertThat(e.verdicts()).isEmpty();
    }

    @Test
    void portsRunningOutAreWarnedWithTheTimeLeft() {
        KernelSettings small = new KernelSettings(40000, 40999, 0, 60, 131072, 1, false, "6.1");
        ChurnDetector d = new ChurnDetector(config().build(), "10.0.0.2:5000", 5000);
        d.evaluate(new Observation(0, census(0, 0, 1, 0), true, 0, small, 10, 0, 10, 10, null, 0));
        ChurnDetector.Evaluation e = d.evaluate(new Observation(2 * S, census(300, 0, 1, 20), true, 300, small, 10, 0, 10, 10, null, 0));
        assertThat(e.portUsage()).isEqualTo(0.32);
        ChurnVerdict v = e.verdicts().stream().filter(x -> x.cause() == ChurnCause.PORT_EXHAUSTION).findFirst().orElseThrow();
        assertThat(v.message()).contains("320 of 1000 ports (32%)", "~150/s", "used up in ~5s", "tcp_tw_reuse=0",
                "Cannot assign requested address", "40000-40999");
    }

    @Test
    void serverSideChurnCapacityAndAbortedClients() {
        ChurnDetector d = new ChurnDetector(config().poolSize(10).maxOverflow(20).build(), "db:3306", 3306);
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        ServerStatus a = new ServerStatus(t0, 10_000, 150, 50, 0, 10, 200, 0, 28800);
        ServerStatus b = new ServerStatus(t0.plusSeconds(60), 16_000, 170, 60, 0, 40, 200, 0, 28800);
        d.evaluate(tick(0, census(0, 0, 1, 0), 10, 10, 10, a, 10));
        ChurnDetector.Evaluation e = d.evaluate(tick(60, census(0, 0, 1, 0), 10, 10, 10, b, 10));
        assertThat(e.verdicts()).extracting(ChurnVerdict::cause)
                .containsExactlyInAnyOrder(ChurnCause.SERVER_CHURN, ChurnCause.SERVER_CAPACITY, ChurnCause.ABORTED_CLIENTS);
        assertThat(String.join("\n", e.verdicts().stream().map(ChurnVerdict::message).toList()))
                .contains("accepts ~100.0 new connections/s", "beyond this host's census", "170 connections of max_connections=200 (85%)",
                        "Instances x 30 must stay below 200", "30 aborted clients in 60s");
    }

    @Test
    void warningsAreRateLimitedPerCauseAndClearWithOneInfoLine() {
        ChurnWarnings w = new ChurnWarnings("orders", Duration.ofMinutes(5));
        ChurnVerdict outside = new ChurnVerdict(ChurnCause.OUTSIDE_POOL, null, "outside!");
        ChurnVerdict pool = new ChurnVerdict(ChurnCause.POOL, "overflow", "pool!");
        try (LogCapture log = LogCapture.of(ChurnWarnings.LOGGER)) {
            w.publish(List.of(outside), 0);
            w.publish(List.of(outside, pool), 10 * S);
            w.publish(List.of(outside, pool), 60 * S);
            w.publish(List.of(outside), 301 * S);
            w.publish(List.of(), 400 * S);
            assertThat(log.messages(Level.WARN)).containsExactly("outside!", "pool!", "outside!");
            assertThat(log.messages(Level.INFO)).containsExactly("twpool 'orders': pool churn has cleared.",
                    "twpool 'orders': outside-pool churn has cleared.");
        }
        assertThat(w.written()).containsEntry(ChurnCause.OUTSIDE_POOL, 2L).containsEntry(ChurnCause.POOL, 1L);
    }
}
