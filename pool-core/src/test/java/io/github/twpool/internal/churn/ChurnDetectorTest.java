package io.github.twpool.internal.churn;

import ch.qos.logback.classic.Level;
import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.CloseReason;
import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import io.github.twpool.internal.probe.HostTcpCounters;

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

    /** The recycle the pool runs with, as each observation carries it; the configured default unless a test sets it. */
    private Duration recycle = config().build().recycle();
    /** The pool's closes so far by reason, as each observation carries them; none counted unless a test sets them. */
    private Map<CloseReason, Long> closes = Map.of();

    private static ChurnDetector detector(TwPoolConfig config, String endpoint, int port) {
        return new ChurnDetector(DetectorSettings.of(config), endpoint, port);
    }

    private static ChurnDetector detector(TwPoolConfig config, String endpoint, int port, boolean local,
                                          java.util.function.Predicate<String> localClientHost) {
        return new ChurnDetector(DetectorSettings.of(config), endpoint, port, local, localClientHost);
    }

    /** The findings as the log words them: each in one line of at most 300 characters. */
    private static List<ChurnVerdict> verdicts(ChurnDetector.Evaluation e) {
        List<ChurnVerdict> verdicts = e.findings().stream().map(ChurnMessages::render).toList();
        assertThat(verdicts).allSatisfy(v -> assertThat(v.message()).hasSizeLessThanOrEqualTo(ChurnMessages.MAX_LINE)
                .doesNotContain("\n"));
        return verdicts;
    }

    private Observation observation(long nanos, SocketCensus census, boolean fresh, long hostTimeWait, KernelSettings kernel,
                                    long opened, long failed, int total, int peak, ServerStatus server, long openedAtServer,
                                    Attribution local, HostTcpCounters host) {
        return new Observation(nanos, census, fresh, hostTimeWait, kernel,
                new Observation.PoolCounts(opened, failed, total, peak, recycle, closes), server, openedAtServer, local, host);
    }

    private Observation observation(long nanos, SocketCensus census, boolean fresh, long hostTimeWait, KernelSettings kernel,
                                    long opened, long failed, int total, int peak, ServerStatus server, long openedAtServer) {
        return observation(nanos, census, fresh, hostTimeWait, kernel, opened, failed, total, peak, server, openedAtServer,
                Attribution.NONE, HostTcpCounters.UNKNOWN);
    }

    private Observation tick(long seconds, SocketCensus census, long opened, int total, int peak, ServerStatus server,
                             long openedAtServer) {
        return observation(seconds * S, census, true, 1000, KERNEL, opened, 0, total, peak, server, openedAtServer);
    }

    private Observation tick(long seconds, SocketCensus census, long opened, int total) {
        return tick(seconds, census, opened, total, total, null, 0);
    }

    @Test
    void timeWaitFarAboveThePoolsOwnClosesIsChurnOutsideThePool() {
        ChurnDetector d = detector(config().poolSize(5).build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 0, 1, 0), 5, 5));
        // 400 sockets entered TIME_WAIT 5 s ago, 10 s after the previous scan; the pool opened nothing.
        ChurnDetector.Evaluation e = d.evaluate(tick(10, census(40, 360, 5, 0), 5, 5));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).containsExactly(ChurnCause.OUTSIDE_POOL);
        assertThat(e.rates().endpoint()).isEqualTo(40.0);
        assertThat(e.rates().outside()).isEqualTo(40.0);
        assertThat(e.rates().poolOpened()).isZero();
        ChurnVerdict v = verdicts(e).get(0);
        assertThat(v.message()).contains("churn outside this pool: ~40.0 new connections/s towards 127.0.0.1:3306 over 10s",
                "400 sockets in TIME_WAIT", "DriverManager.getConnection");
        assertThat(v.fields()).containsEntry("twpool.cause", "outside-pool").containsEntry("twpool.rate", 40.0)
                .containsEntry("twpool.window_seconds", 10L).containsEntry("twpool.endpoint", "127.0.0.1:3306")
                .containsEntry("twpool.time_wait", 400).containsEntry("twpool.time_wait_client", 40)
                .containsEntry("twpool.time_wait_server", 360).containsEntry("twpool.pool_open_rate", 0.0)
                .containsEntry("twpool.who", "unknown");
    }

    @Test
    void timeWaitOlderThanTheWindowIsNotNewChurn() {
        ChurnDetector d = detector(config().build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 400, 1, 0), 10, 10));
        // The same 400 sockets, now 40 s into TIME_WAIT: nothing new in the last 10 s.
        ChurnDetector.Evaluation e = d.evaluate(tick(10, census(0, 400, 40, 0), 10, 10));
        assertThat(verdicts(e)).isEmpty();
        assertThat(e.rates().endpoint()).isZero();
    }

    @Test
    void thePoolsOwnClosesAreNotOutsideChurn() {
        ChurnDetector d = detector(config().poolSize(10).build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 0, 1, 0), 10, 10));
        // The pool opened and closed 300 in 10 s and that is all the TIME_WAIT there is.
        ChurnDetector.Evaluation e = d.evaluate(tick(10, census(0, 300, 5, 0), 310, 10));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).containsExactly(ChurnCause.POOL);
        assertThat(verdicts(e).get(0).reason()).isEqualTo("failures");
        assertThat(e.rates().outside()).isZero();
    }

    @Test
    void portReuseHidingTimeWaitStillCountsThePoolsCloses() {
        ChurnDetector d = detector(config().poolSize(10).build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 0, 1, 0), 10, 10));
        ChurnDetector.Evaluation e = d.evaluate(tick(10, census(0, 50, 5, 0), 310, 10));
        assertThat(e.rates().endpoint()).isEqualTo(30.0);
    }

    @Test
    void overflowRetiringAndReopeningIsNamed() {
        ChurnDetector d = detector(config().poolSize(2).maxOverflow(20).overflowIdleTimeout(Duration.ofSeconds(10))
                .build(), "127.0.0.1:3306", 3306);
        long opened = 2;
        d.evaluate(tick(0, census(0, 0, 1, 0), opened, 2));
        ChurnDetector.Evaluation e = null;
        for (int t = 10; t <= 60; t += 10) {
            opened += 20; // each burst opens 20 overflow connections, retired again before the next
            e = d.evaluate(tick(t, census(0, 20, 5, 0), opened, 2, 22, null, 0));
        }
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).contains(ChurnCause.POOL);
        ChurnVerdict pool = verdicts(e).stream().filter(v -> v.cause() == ChurnCause.POOL).findFirst().orElseThrow();
        assertThat(pool.reason()).isEqualTo("overflow");
        assertThat(pool.message()).contains("overflow-idle-timeout=10s", "peaked at 22, pool-size=2", "raise pool-size");
    }

    @Test
    void aShortRecycleIsNamed() {
        ChurnDetector d = detector(config().poolSize(100).recycle(Duration.ofSeconds(30)).keepalive(Duration.ZERO)
                .build(), "127.0.0.1:3306", 3306);
        recycle = Duration.ofSeconds(30);
        d.evaluate(tick(0, census(0, 0, 1, 0), 100, 100));
        ChurnDetector.Evaluation e = d.evaluate(tick(30, census(0, 100, 5, 0), 200, 100));
        ChurnVerdict pool = verdicts(e).stream().filter(v -> v.cause() == ChurnCause.POOL).findFirst().orElseThrow();
        assertThat(pool.reason()).isEqualTo("recycle");
        assertThat(pool.message()).contains("recycle=30s", "100 connections every 30s");
    }

    @Test
    void countedCloseReasonsDecideThePoolVerdictOverWhatTheRatesSuggest() {
        // The same numbers as a short recycle: 100 reopened in 30 s with recycle=30s. The pool counted why it closed
        // them: the server or the network ended them (KILLs, a firewall), not their age.
        ChurnDetector d = detector(config().poolSize(100).recycle(Duration.ofSeconds(30)).keepalive(Duration.ZERO)
                .build(), "127.0.0.1:3306", 3306);
        recycle = Duration.ofSeconds(30);
        d.evaluate(tick(0, census(0, 0, 1, 0), 100, 100));
        closes = Map.of(CloseReason.SERVER, 70L, CloseReason.BROKEN, 20L, CloseReason.LIFETIME, 10L);
        ChurnVerdict pool = verdicts(d.evaluate(tick(30, census(0, 100, 5, 0), 200, 100))).stream()
                .filter(v -> v.cause() == ChurnCause.POOL).findFirst().orElseThrow();
        assertThat(pool.reason()).isEqualTo("failures");
        assertThat(pool.fields()).containsEntry("twpool.closed_by_reason", "lifetime=10; server=70; broken=20");

        // Idle overflow closes counted: overflow, though the peak alone would not tell (it fell between samples).
        ChurnDetector d2 = detector(config().poolSize(2).maxOverflow(20).build(), "127.0.0.1:3306", 3306);
        closes = Map.of();
        d2.evaluate(tick(0, census(0, 0, 1, 0), 2, 2));
        closes = Map.of(CloseReason.IDLE, 60L);
        ChurnVerdict overflow = verdicts(d2.evaluate(tick(60, census(0, 60, 5, 0), 62, 2))).stream()
                .filter(v -> v.cause() == ChurnCause.POOL).findFirst().orElseThrow();
        assertThat(overflow.reason()).isEqualTo("overflow");
        assertThat(ChurnDetector.reasonOf(Map.of(CloseReason.EVICTED, 5L, CloseReason.POOL_CLOSED, 50L))).isEqualTo("evicted");
        assertThat(ChurnDetector.reasonOf(Map.of())).isNull();
    }

    @Test
    void aPoolFillingUpIsNotChurn() {
        ChurnDetector d = detector(config().poolSize(2).maxOverflow(50).build(), "127.0.0.1:3306", 3306);
        d.evaluate(tick(0, census(0, 0, 1, 0), 2, 2));
        ChurnDetector.Evaluation e = d.evaluate(tick(5, census(0, 0, 1, 0), 52, 52));
        assertThat(verdicts(e)).isEmpty();
    }

    @Test
    void portsRunningOutAreWarnedWithTheTimeLeft() {
        KernelSettings small = new KernelSettings(40000, 40999, 0, 60, 131072, 1, false, "6.1");
        ChurnDetector d = detector(config().build(), "10.0.0.2:5000", 5000);
        d.evaluate(observation(0, census(0, 0, 1, 0), true, 0, small, 10, 0, 10, 10, null, 0));
        ChurnDetector.Evaluation e = d.evaluate(observation(2 * S, census(300, 0, 1, 20), true, 300, small, 10, 0, 10, 10, null, 0));
        assertThat(e.portUsage()).isEqualTo(0.32);
        ChurnVerdict v = verdicts(e).stream().filter(x -> x.cause() == ChurnCause.PORT_EXHAUSTION).findFirst().orElseThrow();
        assertThat(v.message()).contains("320 of 1000 ports (32%)", "~150/s", "used up in ~5s", "tcp_tw_reuse=0");
        assertThat(v.fields()).containsEntry("twpool.port_range", "40000-40999").containsEntry("twpool.exhausted_in_seconds", 5L);
        assertThat(v.fields().get("twpool.cost")).asString().contains("Cannot assign requested address");
    }

    /** A census of {@code timeWait} client sockets of which {@code fresh} entered TIME_WAIT a second ago, the rest 50 s ago. */
    private static SocketCensus aging(int timeWait, int fresh, int established) {
        int[] c = new int[61];
        c[59] = fresh;
        c[10] = timeWait - fresh;
        return new SocketCensus(Instant.now(), timeWait, 0, established, 0, 0, 0, c, new int[61]);
    }

    @Test
    void aPastBurstsTimeWaitDrainingIsNoPortAlarm() {
        // A burst left 400 of 1000 ports in TIME_WAIT; no new connections since: the ports free themselves.
        KernelSettings small = new KernelSettings(40000, 40999, 0, 60, 131072, 1, false, "6.1");
        ChurnDetector d = detector(config().build(), "10.0.0.2:5000", 5000);
        d.evaluate(observation(0, aging(400, 0, 0), true, 400, small, 10, 0, 10, 10, null, 0));
        ChurnDetector.Evaluation e = d.evaluate(observation(2 * S, aging(380, 0, 0), true, 380, small, 10, 0, 10, 10, null, 0));
        assertThat(e.portUsage()).isEqualTo(0.38);
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).doesNotContain(ChurnCause.PORT_EXHAUSTION);
    }

    @Test
    void aHighShareStillRisingIsWarnedAndStopsWhenItLevelsOff() {
        // 5 new connections/s would hold 300 of 1000 ports at steady state: no exhaustion, but the share is high
        // (the ratio is 0.25) and grows while they come.
        KernelSettings small = new KernelSettings(40000, 40999, 0, 60, 131072, 1, false, "6.1");
        ChurnDetector d = detector(config().churnMinRate(1.0).build(), "10.0.0.2:5000", 5000);
        d.evaluate(observation(0, aging(250, 0, 0), true, 250, small, 10, 0, 10, 10, null, 0));
        ChurnDetector.Evaluation e = d.evaluate(observation(2 * S, aging(260, 10, 0), true, 260, small, 10, 0, 10, 10, null, 0));
        ChurnVerdict v = verdicts(e).stream().filter(x -> x.cause() == ChurnCause.PORT_EXHAUSTION).findFirst().orElseThrow();
        assertThat(v.message()).contains("260 of 1000 ports (26%)", "levels off near 30%");
        // The same share, no longer growing (as many leave TIME_WAIT as enter it): nothing to do now.
        e = d.evaluate(observation(4 * S, aging(260, 10, 0), true, 260, small, 10, 0, 10, 10, null, 0));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).doesNotContain(ChurnCause.PORT_EXHAUSTION);
    }

    @Test
    void aRateThatWouldUseUpTheRangeIsWarnedBeforeTheShareIsHigh() {
        KernelSettings small = new KernelSettings(40000, 40999, 0, 60, 131072, 1, false, "6.1");
        ChurnDetector d = detector(config().build(), "10.0.0.2:5000", 5000);
        d.evaluate(observation(0, aging(0, 0, 0), true, 0, small, 10, 0, 10, 10, null, 0));
        // 40 new connections in 2 s: 20/s hold 1200 ports at steady state, more than the range.
        ChurnDetector.Evaluation e = d.evaluate(observation(2 * S, aging(40, 40, 0), true, 40, small, 10, 0, 10, 10, null, 0));
        assertThat(e.portUsage()).isEqualTo(0.04);
        ChurnVerdict v = verdicts(e).stream().filter(x -> x.cause() == ChurnCause.PORT_EXHAUSTION).findFirst().orElseThrow();
        assertThat(v.message()).contains("used up in ~48s");
    }

    @Test
    void serverSideChurnCapacityAndAbortedClients() {
        ChurnDetector d = detector(config().poolSize(10).maxOverflow(20).build(), "db:3306", 3306);
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        ServerStatus a = new ServerStatus(t0, 10_000, 150, 50, 0, 10, 200, 0, 28800);
        ServerStatus b = new ServerStatus(t0.plusSeconds(60), 16_000, 170, 60, 0, 40, 200, 0, 28800);
        d.evaluate(tick(0, census(0, 0, 1, 0), 10, 10, 10, a, 10));
        ChurnDetector.Evaluation e = d.evaluate(tick(60, census(0, 0, 1, 0), 10, 10, 10, b, 10));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause)
                .containsExactlyInAnyOrder(ChurnCause.SERVER_CHURN, ChurnCause.SERVER_CAPACITY, ChurnCause.ABORTED_CLIENTS);
        assertThat(String.join("\n", verdicts(e).stream().map(ChurnVerdict::message).toList()))
                .contains("accepts ~100.0 new connections/s", "cannot be told here", "170 connections of max_connections=200 (85%)",
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

    @Test
    void aWarningWaitingToNameWhoChurnsHasNotClearedAndIsNotRepeatedWhenItCanNameThem() {
        // The churn goes on; only the naming of its origin is short of samples for a tick. The log must not say it
        // cleared, nor warn of it again as if it were new.
        ChurnWarnings w = new ChurnWarnings("orders", Duration.ofMinutes(5));
        ChurnVerdict outside = new ChurnVerdict(ChurnCause.OUTSIDE_POOL, null, "outside!");
        try (LogCapture log = LogCapture.of(ChurnWarnings.LOGGER)) {
            w.publish(List.of(outside), 0);
            w.publish(List.of(), java.util.Set.of(ChurnCause.OUTSIDE_POOL), 2 * S);
            w.publish(List.of(outside), 4 * S);
            w.publish(List.of(), java.util.Set.of(), 6 * S);
            assertThat(log.messages(Level.WARN)).containsExactly("outside!");
            assertThat(log.messages(Level.INFO)).containsExactly("twpool 'orders': outside-pool churn has cleared.");
        }
        assertThat(w.written()).containsEntry(ChurnCause.OUTSIDE_POOL, 1L);
    }

    // ---- connect counts, host counters and attribution ----

    private static HostTcpCounters host(long activeOpens, long passiveOpens, long outRsts) {
        return new HostTcpCounters(activeOpens, passiveOpens, outRsts, 0, outRsts, 0);
    }

    /** A tick without a fresh census: what the probe sees between scans. */
    private Observation between(long seconds, long opened, ServerStatus server, long openedAtServer,
                                Attribution local, HostTcpCounters host) {
        return observation(seconds * S, null, false, 1000, KERNEL, opened, 0, 5, 5, server, openedAtServer, local, host);
    }

    /** This JVM's sampled view as the pool's sampler hands it over: no rate of its own. */
    private static Attribution sampled(ChurnOrigins.Origin origin, List<ChurnReport.CallSite> sites, long own, long other,
                                       String undecided) {
        ChurnOrigins o = new ChurnOrigins(origin, Double.NaN, Double.NaN, null, "new sockets caught open", undecided, sites,
                300, 40, 150, own, other, 0);
        return new Attribution(SampledOrigins.METHOD, Attribution.Kind.CALL_SITE, Double.NaN, Double.NaN, undecided,
                sites.stream().map(c -> new Attribution.Origin(c.frame(), c.share())).toList(), 300, 40, -1, true, null, o);
    }

    private static final List<ChurnReport.CallSite> SITES = List.of(
            new ChurnReport.CallSite("com.acme.ReportJob.run(ReportJob.java:42)", 0.95),
            new ChurnReport.CallSite("com.acme.Audit.log(Audit.java:7)", 0.05));

    @Test
    void theOutsideRateIsGivenToThisJvmWithItsCallSitesOnlyWhenTheSamplesNameIt() {
        ChurnDetector d = detector(config().poolSize(5).build(), "127.0.0.1:3306", 3306, true, h -> false);
        Attribution jvm = sampled(ChurnOrigins.Origin.THIS_JVM, SITES, 30, 0, null);
        d.evaluate(observation(0, census(0, 0, 1, 0), true, 1000, KERNEL, 5, 0, 5, 5, null, 0, jvm, host(100, 100, 0)));
        ChurnDetector.Evaluation e = d.evaluate(observation(10 * S, census(0, 200, 5, 0), true, 1000, KERNEL, 5, 0, 5, 5,
                null, 0, jvm, host(300, 300, 0)));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).containsExactly(ChurnCause.OUTSIDE_POOL);
        assertThat(e.rates().outside()).isEqualTo(20.0);
        assertThat(e.rates().jvmOutside()).isEqualTo(20.0);
        Finding.OutsidePool f = (Finding.OutsidePool) e.findings().get(0);
        ChurnOrigins reported = SampledOrigins.reported(f.local(), f);
        assertThat(reported.thisJvmRate()).isEqualTo(20.0);
        assertThat(reported.rateMethod()).isEqualTo(ChurnMessages.BY_TIME_WAIT);
        ChurnVerdict v = verdicts(e).get(0);
        assertThat(v.message()).contains("~20.0/s from this JVM: 95 % from "
                + "com.acme.ReportJob.run(ReportJob.java:42) (sampled: 300 stack samples)").doesNotContain("another process");
        // What the line has no room for is on the same event: every call site, the samples and the method of each figure.
        assertThat(v.fields()).containsEntry("twpool.who", "this-jvm").containsEntry("twpool.jvm_rate", 20.0)
                .containsEntry("twpool.call_sites", "com.acme.ReportJob.run(ReportJob.java:42)=95 %; com.acme.Audit.log(Audit.java:7)=5 %")
                .containsEntry("twpool.stack_samples", 300L).containsEntry("twpool.connect_samples", 40L)
                .containsEntry("twpool.own_sockets", 30L).containsEntry("twpool.other_sockets", 0L)
                .containsEntry("twpool.rate_method", ChurnMessages.BY_TIME_WAIT)
                .containsEntry("twpool.split_method", "new sockets caught open");

        // The same churn with another process's sockets caught too: both named, no split, no rate for either.
        d = detector(config().poolSize(5).build(), "127.0.0.1:3306", 3306, true, h -> false);
        Attribution both = sampled(ChurnOrigins.Origin.BOTH, SITES, 30, 4, null);
        d.evaluate(observation(0, census(0, 0, 1, 0), true, 1000, KERNEL, 5, 0, 5, 5, null, 0, both, host(100, 100, 0)));
        e = d.evaluate(observation(10 * S, census(0, 200, 5, 0), true, 1000, KERNEL, 5, 0, 5, 5, null, 0, both, host(300, 300, 0)));
        f = (Finding.OutsidePool) e.findings().get(0);
        assertThat(SampledOrigins.reported(f.local(), f).thisJvmRate()).isNaN();
        assertThat(SampledOrigins.reported(f.local(), f).otherProcessRate()).isNaN();
        assertThat(e.rates().jvmOutside()).isNaN();
        v = verdicts(e).get(0);
        assertThat(v.message()).contains("from this JVM", "and from another process on this host",
                "how they split is not measured").doesNotContain("/s from this JVM");
        assertThat(v.fields()).containsEntry("twpool.who", "this-jvm+other-process").containsEntry("twpool.other_sockets", 4L)
                .containsEntry("twpool.call_site", "com.acme.ReportJob.run(ReportJob.java:42)")
                .containsEntry("twpool.own_sockets", 30L).doesNotContainKeys("twpool.jvm_rate", "twpool.other_process_rate");
    }

    @Test
    void undecidedOriginsSayWhyAndNameNeither() {
        ChurnDetector d = detector(config().poolSize(5).build(), "127.0.0.1:3306", 3306, true, h -> false);
        Attribution undecided = sampled(ChurnOrigins.Origin.UNDECIDED, List.of(), 0, 0,
                "no connection was caught being made or open");
        d.evaluate(observation(0, census(0, 0, 1, 0), true, 1000, KERNEL, 5, 0, 5, 5, null, 0, undecided, host(100, 100, 0)));
        ChurnDetector.Evaluation e = d.evaluate(observation(10 * S, census(0, 200, 5, 0), true, 1000, KERNEL, 5, 0, 5, 5,
                null, 0, undecided, host(300, 300, 0)));
        assertThat(verdicts(e).get(0).message()).contains("From this JVM or another process on this host: cannot tell "
                + "(no connection was caught being made or open).").doesNotContain("/s from this JVM", "/s from another process");
        assertThat(e.rates().jvmOutside()).isNaN();
    }

    @Test
    void clientsTheServerListsUnderNoHostNameAreNeverOtherHosts() {
        // MariaDB with skip-grant-tables lists every client under "": this host's churn of 30/s must not be taken
        // for other hosts'. The host's counters (a local server: PassiveOpens) bound it instead.
        ChurnDetector d = detector(config().poolSize(5).build(), "127.0.0.1:3306", 3306, true, h -> false);
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        ServerStatus a = new ServerStatus(t0, 1000, 10, 10, 0, 0, 500, 0, 28800, Map.of("", 1000L), null);
        ServerStatus b = new ServerStatus(t0.plusSeconds(10), 1300, 10, 10, 0, 0, 500, 0, 28800, Map.of("", 1300L), null);
        d.evaluate(between(0, 5, a, 5, Attribution.NONE, host(100, 100, 0)));
        ChurnDetector.Evaluation e = d.evaluate(between(10, 5, b, 5, Attribution.NONE, host(100, 400, 0)));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).doesNotContain(ChurnCause.SERVER_CHURN);
        assertThat(verdicts(e)).extracting(ChurnVerdict::message).noneMatch(m -> m.contains("other hosts") || m.contains("from ."));
    }

    @Test
    void timeWaitChurnStillSpeaksOfPortsAndTimeWait() {
        ChurnDetector d = detector(config().poolSize(5).build(), "127.0.0.1:3306", 3306, true, h -> false);
        d.evaluate(observation(0, census(0, 0, 1, 0), true, 1000, KERNEL, 5, 0, 5, 5, null, 0, Attribution.NONE, host(100, 100, 0)));
        ChurnDetector.Evaluation e = d.evaluate(observation(10 * S, census(40, 360, 5, 0), true, 1000, KERNEL, 5, 0, 5, 5,
                null, 0, Attribution.NONE, host(500, 500, 0)));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).containsExactly(ChurnCause.OUTSIDE_POOL);
        assertThat(verdicts(e).get(0).message()).contains("400 sockets in TIME_WAIT").doesNotContain("reset");
    }

    @Test
    void theServersRateExplainedByThisHostsCountersIsNeverOtherHosts() {
        // Another process on this host churns ~10/s over TLS against a local server: no TIME_WAIT, no JVM count.
        ChurnDetector d = detector(config().poolSize(5).build(), "127.0.0.1:3306", 3306, true, h -> false);
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        ServerStatus a = new ServerStatus(t0, 1000, 10, 10, 0, 0, 500, 0, 28800);
        ServerStatus b = new ServerStatus(t0.plusSeconds(1), 1010, 10, 10, 0, 0, 500, 0, 28800);
        ServerStatus c = new ServerStatus(t0.plusSeconds(2), 1020, 10, 10, 0, 0, 500, 0, 28800);
        d.evaluate(between(0, 5, a, 5, Attribution.NONE, host(100, 100, 0)));
        d.evaluate(between(1, 5, b, 5, Attribution.NONE, host(111, 111, 10)));
        ChurnDetector.Evaluation e = d.evaluate(between(2, 5, c, 5, Attribution.NONE, host(121, 121, 20)));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).containsExactly(ChurnCause.OUTSIDE_POOL);
        assertThat(e.rates().outside()).isEqualTo(10.0);
        assertThat(verdicts(e).get(0).message()).contains("another process on this host", "reset").doesNotContain("other hosts");
    }

    @Test
    void whatThisHostsCountersCannotExplainComesFromOtherHosts() {
        ChurnDetector d = detector(config().poolSize(5).build(), "db:3306", 3306, false, h -> false);
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        d.evaluate(between(0, 5, new ServerStatus(t0, 1000, 10, 10, 0, 0, 500, 0, 28800), 5, Attribution.NONE, host(100, 100, 0)));
        // The server accepted 50 in 10 s; this host opened 12 connections in that time.
        ChurnDetector.Evaluation e = d.evaluate(between(10, 5, new ServerStatus(t0.plusSeconds(10), 1050, 10, 10, 0, 0, 500, 0, 28800),
                5, Attribution.NONE, host(112, 100, 0)));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).contains(ChurnCause.SERVER_CHURN);
        ChurnVerdict v = verdicts(e).stream().filter(x -> x.cause() == ChurnCause.SERVER_CHURN).findFirst().orElseThrow();
        assertThat(v.message()).contains("accepts ~5.0 new connections/s", "at most ~1.2/s from here",
                "at least ~3.8/s come from other hosts");
    }

    @Test
    void theServersCountReadAMomentApartFromThisHostsIsNotAnotherHost() {
        // This JVM churns ~47/s against a local PostgreSQL whose session count (read on the server, and counted late
        // by PostgreSQL 14's statistics collector) runs 7 % ahead of this host's PassiveOpens over the same tick: no
        // other host is there to blame.
        ChurnDetector d = detector(config().poolSize(5).build(), "127.0.0.1:5432", 5432, true, h -> false);
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        d.evaluate(between(0, 5, new ServerStatus(t0, 1000, 10, 10, 0, 0, 500, 0, 28800), 5, Attribution.NONE, host(100, 100, 0)));
        ChurnDetector.Evaluation e = d.evaluate(between(2, 5, new ServerStatus(t0.plusSeconds(2), 1100, 10, 10, 0, 0, 500, 0, 28800),
                5, Attribution.NONE, host(100, 193, 0)));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).doesNotContain(ChurnCause.SERVER_CHURN);
        // Twice what this host opened is another host's, skew or not.
        e = d.evaluate(between(4, 5, new ServerStatus(t0.plusSeconds(4), 1300, 10, 10, 0, 0, 500, 0, 28800),
                5, Attribution.NONE, host(100, 293, 0)));
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).contains(ChurnCause.SERVER_CHURN);
    }

    @Test
    void aOneSecondWindowAllowsTheServersCountHalfASecondOfLag() {
        // A process on this host churns ~20/s against a local PostgreSQL, read every second on a loaded machine: its
        // statistics collector counted 20 sessions in a window in which this host's counters saw 15 (the rest
        // arrived in the next window). A quarter of the local rate is too tight a margin over one second: half a
        // second of lag at 15/s is 7.5/s, and no other host is there.
        ChurnDetector d = detector(config().poolSize(5).build(), "127.0.0.1:5432", 5432, true, h -> false);
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        d.evaluate(between(0, 5, new ServerStatus(t0, 1000, 10, 10, 0, 0, 500, 0, 28800), 5, Attribution.NONE, host(100, 100, 0)));
        ChurnDetector.Evaluation e = d.evaluate(between(1, 5, new ServerStatus(t0.plusSeconds(1), 1020, 10, 10, 0, 0, 500, 0, 28800),
                5, Attribution.NONE, host(100, 115, 0)));
        assertThat(verdicts(e)).extracting(ChurnVerdict::message).noneMatch(m -> m.contains("other hosts"));
        // Another host's 20/s beside this host's 15/s is more than any lag: named.
        e = d.evaluate(between(2, 5, new ServerStatus(t0.plusSeconds(2), 1055, 10, 10, 0, 0, 500, 0, 28800),
                5, Attribution.NONE, host(100, 130, 0)));
        assertThat(verdicts(e)).extracting(ChurnVerdict::message).anyMatch(m -> m.contains("at least ~20.0/s come from other hosts"));
    }

    @Test
    void perClientHostCountsNameTheHosts() {
        ChurnDetector d = detector(config().poolSize(5).build(), "db:3306", 3306, false, h -> h.equals("10.0.0.5"));
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        ServerStatus a = new ServerStatus(t0, 1000, 10, 10, 0, 0, 500, 0, 28800,
                Map.of("10.0.0.5", 100L, "10.0.0.7", 500L, "batch-7.internal", 10L), null);
        ServerStatus b = new ServerStatus(t0.plusSeconds(10), 1300, 10, 10, 0, 0, 500, 0, 28800,
                Map.of("10.0.0.5", 100L, "10.0.0.7", 750L, "batch-7.internal", 60L), null);
        d.evaluate(between(0, 5, a, 5, Attribution.NONE, host(100, 0, 0)));
        ChurnDetector.Evaluation e = d.evaluate(between(10, 5, b, 5, Attribution.NONE, host(400, 0, 0)));
        ChurnVerdict v = verdicts(e).stream().filter(x -> x.cause() == ChurnCause.SERVER_CHURN).findFirst().orElseThrow();
        assertThat(v.message()).contains("~0.0/s from this host beyond this pool", "~25.0/s from 10.0.0.7", "~5.0/s from batch-7.internal");
        // This host's own connects are not outside churn: none came from here.
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).doesNotContain(ChurnCause.OUTSIDE_POOL);
    }

    @Test
    void withoutPerHostCountsTheServerSaysOnceWhatIsMissing() {
        ChurnDetector d = detector(config().poolSize(5).build(), "db:3306", 3306, false, h -> false);
        Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        d.evaluate(between(0, 5, new ServerStatus(t0, 1000, 10, 10, 0, 0, 500, 0, 28800), 5, Attribution.NONE, host(100, 0, 0)));
        ChurnDetector.Evaluation e = d.evaluate(between(10, 5, new ServerStatus(t0.plusSeconds(10), 1500, 10, 10, 0, 0, 500, 0,
                28800, null, "userstat=OFF"), 5, Attribution.NONE, host(100, 0, 0)));
        assertThat(verdicts(e).get(0).message()).contains("cannot name its client hosts: userstat=OFF");
        assertThat(verdicts(e).get(0).fields()).containsEntry("twpool.by_host_missing", "userstat=OFF");
    }
}
