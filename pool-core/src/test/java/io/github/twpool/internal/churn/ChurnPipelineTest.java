package io.github.twpool.internal.churn;

import ch.qos.logback.classic.Level;
import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnReport;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one tick a pool and the sidecar share, over a procfs of this test's own: what each kind of caller hands in
 * decides the words and the report, not a second copy of the tick.
 */
class ChurnPipelineTest {

    private static final long S = 1_000_000_000L;

    @TempDir
    Path proc;

    private final Endpoint endpoint = endpoint();

    private static Endpoint endpoint() {
        return new Endpoint("127.0.0.1:3306", List.of(InetAddress.getLoopbackAddress()), 3306);
    }

    /** {@code count} client sockets to 127.0.0.1:3306 that entered TIME_WAIT {@code age} seconds ago. */
    private void timeWait(int count, int age) throws IOException {
        Files.createDirectories(proc.resolve("net"));
        StringBuilder tcp = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        for (int i = 0; i < count; i++) {
            tcp.append(String.format("%4d: 0100007F:%04X 0100007F:0CEA 06 00000000:00000000 03:%08X 00000000     0        0 0 3 0%n",
                    i, 40000 + i, (60 - age) * 100));
        }
        Files.writeString(proc.resolve("net/tcp"), tcp);
        Files.writeString(proc.resolve("net/tcp6"), "  sl  local_address\n");
        Files.writeString(proc.resolve("net/sockstat"), "TCP: inuse 1 orphan 0 tw " + count + " alloc 1 mem 1\n");
    }

    /** A pool of 5 that opens nothing while the test runs. */
    private static final class QuietPool implements ChurnPipeline.PoolSide {
        boolean closed;

        @Override
        public Observation.PoolCounts counts() {
            return closed ? null : new Observation.PoolCounts(5, 0, 5, 5, Duration.ofMinutes(30));
        }

        @Override
        public long opened() {
            return 5;
        }

        @Override
        public long closed() {
            return 0;
        }
    }

    private ChurnPipeline pipeline(DetectorSettings settings, ChurnPipeline.PoolSide pool, ChurnPipeline.AttributionSource who) {
        return new ChurnPipeline(endpoint, settings, Duration.ofMinutes(5), proc, 1, 0, new ConnectSignals(), pool, null, who);
    }

    private static DetectorSettings poolSettings() {
        return new DetectorSettings("orders", 1.0, 3.0, 0.25, new DetectorSettings.Pool(5, 0, Duration.ofSeconds(10),
                Duration.ZERO, Duration.ofMinutes(30)));
    }

    @Test
    void aPoolAndAWatcherWithoutOneRunTheSameTickAndDifferOnlyInWhatTheyHandIn() throws Exception {
        timeWait(0, 1);
        ChurnPipeline pooled = pipeline(poolSettings(), new QuietPool(), null);
        ChurnPipeline bare = pipeline(DetectorSettings.withoutPool("sidecar-127.0.0.1-3306", 1.0, 0.25), null, null);
        assertThat(pooled.report().probeStatus()).isEqualTo("starting");
        pooled.tick(0);
        bare.tick(0);
        timeWait(100, 1); // 100 connections closed since the last tick, 10 s ago, none by the pool
        ChurnReport p = pooled.tick(10 * S);
        ChurnReport b = bare.tick(10 * S);

        assertThat(p.probeRunning()).isTrue();
        assertThat(b.probeRunning()).isTrue();
        assertThat(p.rates().outside()).isEqualTo(b.rates().outside()).isEqualTo(10.0);
        assertThat(p.has(ChurnCause.OUTSIDE_POOL)).isTrue();
        assertThat(b.has(ChurnCause.OUTSIDE_POOL)).isTrue();
        assertThat(p.verdicts().get(0).message()).contains("twpool 'orders': churn outside this pool: ~10.0 new connections/s towards 127.0.0.1:3306");
        assertThat(b.verdicts().get(0).message()).contains("churn towards 127.0.0.1:3306").doesNotContain("this pool");
        // Only a pool has counts of its own to publish.
        assertThat(p.connectionsOpened()).isEqualTo(5);
        assertThat(b.connectionsOpened()).isEqualTo(-1);
        assertThat(p.warnings()).containsEntry(ChurnCause.OUTSIDE_POOL, 1L);
        assertThat(b.warnings()).containsEntry(ChurnCause.OUTSIDE_POOL, 1L);
    }

    @Test
    void aServerVerdictIsCheckedAgainstAFreshSampleOnTheNextTickNotAMinuteLater() throws Exception {
        // The server accepted 50 connections/s between two samples that nobody on this host explains; then it stops.
        // The server is read every 60 s unless a fresh look is worth it: a verdict from the server's counters that
        // stood until the next scheduled sample would report churn for a minute after it ended (and be warned of
        // again by whatever reads it meanwhile).
        java.time.Instant t0 = java.time.Instant.parse("2026-12-01T10:00:00Z");
        long[] connections = {1000, 1500, 1500, 1500};
        List<Boolean> asked = new ArrayList<>();
        ChurnPipeline.ServerSide server = new ChurnPipeline.ServerSide() {
            int read;
            io.github.twpool.ServerStatus last;
            long due;

            @Override
            public io.github.twpool.ServerStatus sample(long nanos, boolean freshNow) {
                asked.add(freshNow);
                if (last == null || freshNow || nanos >= due) {
                    last = new io.github.twpool.ServerStatus(t0.plusNanos(nanos), connections[Math.min(read++, 3)], 10, 0, 0, 0, 200, 0, 28800);
                    due = nanos + (read == 1 ? 10 * S : 60 * S); // the second read 10 s after the first, then every minute
                }
                return last;
            }

            @Override
            public long ownOpenedAtSample() {
                return 5;
            }
        };
        timeWait(0, 1);
        ChurnPipeline pooled = new ChurnPipeline(endpoint, poolSettings(), Duration.ofMinutes(5), proc, 1, 0,
                new ConnectSignals(), new QuietPool(), server, null);
        pooled.tick(0);
        ChurnReport churning = pooled.tick(10 * S);
        assertThat(churning.has(ChurnCause.SERVER_CHURN)).as("%s", churning.verdicts()).isTrue();
        ChurnReport after = pooled.tick(20 * S);
        assertThat(asked).containsExactly(false, false, true);
        assertThat(after.verdicts()).as("the churn stopped 10 s ago").isEmpty();
        pooled.tick(30 * S);
        assertThat(asked).as("with no verdict standing, the server is read when due").containsExactly(false, false, true, false);
    }

    /** A sidecar's naming of the processes, all of them pid 4711; {@code settled} is told whether the tick churns. */
    private static ChurnPipeline.AttributionSource processes(java.util.function.Predicate<Boolean> settled) {
        return new ChurnPipeline.AttributionSource() {
            @Override
            public Attribution measure(long nanos) {
                return Attribution.NONE;
            }

            @Override
            public Attribution name(boolean churning) {
                return new Attribution("owners of the endpoint's sockets", Attribution.Kind.PROCESS, Double.NaN, Double.NaN,
                        null, List.of(new Attribution.Origin("pid 4711 (python3 worker.py)", 1.0)), 30, 30, -1,
                        settled.test(churning), null);
            }
        };
    }

    @Test
    void runningOutOfPortsIsWarnedAtOnceWhileTheNamingOfWhoChurnsStillWaits() throws Exception {
        // A range of 1,000 ports and 50 new connections/s, each holding its port 60 s: the range is gone within the
        // minute. The samples that would name the process have not settled, and may not before the churn stops.
        ChurnPipeline.AttributionSource unsettled = processes(churning -> false);
        Files.createDirectories(proc.resolve("sys/net/ipv4"));
        Files.writeString(proc.resolve("sys/net/ipv4/ip_local_port_range"), "40000\t40999\n");
        timeWait(0, 1);
        ChurnPipeline bare = pipeline(DetectorSettings.withoutPool("sidecar-127.0.0.1-3306", 1.0, 0.25), null, unsettled);
        try (LogCapture log = LogCapture.of(ChurnWarnings.LOGGER)) {
            bare.tick(0);
            timeWait(500, 1);
            ChurnReport r = bare.tick(10 * S);
            assertThat(r.verdicts()).extracting(ChurnVerdict::cause).contains(ChurnCause.PORT_EXHAUSTION, ChurnCause.OUTSIDE_POOL);
            assertThat(log.messages(Level.WARN)).singleElement().asString().contains("running out").doesNotContain("pid 4711");
        }
    }

    @Test
    void aWarningThatNamesWhoChurnsWaitsUntilTheSamplesSettle() throws Exception {
        List<Boolean> told = new ArrayList<>();
        ChurnPipeline.AttributionSource processes = processes(churning -> {
            told.add(churning);
            return told.size() >= 3;
        });
        timeWait(0, 1);
        ChurnPipeline bare = pipeline(DetectorSettings.withoutPool("sidecar-127.0.0.1-3306", 1.0, 0.25), null, processes);
        try (LogCapture log = LogCapture.of(ChurnWarnings.LOGGER)) {
            bare.tick(0);
            timeWait(100, 1);
            ChurnReport first = bare.tick(10 * S);
            // The report shows the churn at once, with whom it has seen so far; the log waits.
            assertThat(first.verdicts()).extracting(ChurnVerdict::cause).containsExactly(ChurnCause.OUTSIDE_POOL);
            assertThat(first.verdicts().get(0).message()).contains("100 % of the connections seen open belong to pid 4711");
            assertThat(log.messages(Level.WARN)).isEmpty();
            timeWait(200, 1);
            bare.tick(11 * S);
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("churn towards 127.0.0.1:3306", "belong to pid 4711 (python3 worker.py)");
        }
        assertThat(told).as("the source is told whether the tick found churn").containsExactly(false, true, true);
    }

    @Test
    void aJsonEncodedWarningCarriesItsDetailsAsFields() throws Exception {
        // What a JSON log pipeline (logback's JsonEncoder here; logstash-logback-encoder reads the same key-values) gets.
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger logger = context.getLogger(ChurnWarnings.LOGGER);
        ch.qos.logback.classic.encoder.JsonEncoder json = new ch.qos.logback.classic.encoder.JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithContext(false);
        json.start();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(json);
        appender.setOutputStream(out);
        appender.start();
        logger.addAppender(appender);
        ChurnPipeline.AttributionSource driver = nanos -> new Attribution("counted at the JDBC driver", Attribution.Kind.CALL_SITE,
                nanos == 0 ? Double.NaN : 10.0, Double.NaN, null,
                List.of(new Attribution.Origin("com.acme.reports.nightly.ReportJob.run(ReportJob.java:42)", 1.0)), 100, 100, 100,
                true, null);
        try {
            timeWait(0, 1);
            ChurnPipeline pooled = pipeline(poolSettings(), new QuietPool(), driver);
            pooled.tick(0);
            timeWait(100, 1);
            pooled.tick(10 * S);
        } finally {
            logger.detachAppender(appender);
            appender.stop();
        }
        String event = out.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("\"level\":\"WARN\"")).findFirst().orElseThrow();
        assertThat(event).contains("{\"twpool.cause\":\"outside-pool\"}", "{\"twpool.pool\":\"orders\"}",
                "{\"twpool.endpoint\":\"127.0.0.1:3306\"}", "{\"twpool.rate\":\"10.0\"}", "{\"twpool.window_seconds\":\"10\"}",
                "{\"twpool.call_site\":\"com.acme.reports.nightly.ReportJob.run(ReportJob.java:42)\"}",
                "{\"twpool.who\":\"this-jvm\"}", "{\"twpool.time_wait\":\"100\"}",
                "{\"twpool.attribution\":\"counted at the JDBC driver\"}", "\"twpool.fix\"", "\"twpool.cost\"");
        String message = event.substring(event.indexOf("\"message\":\"") + 11, event.indexOf("\",\"throwable\"")).replace("\\/", "/");
        assertThat(message).startsWith("twpool 'orders': churn outside this pool: ~10.0 new connections/s towards 127.0.0.1:3306 over 10s.")
                .contains("This JVM opened 10.0/s of them: 100 % from com.acme.reports.nightly.ReportJob.run(ReportJob.java:42)")
                .hasSizeLessThanOrEqualTo(ChurnMessages.MAX_LINE);
    }

    @Test
    void aClosedPoolPublishesNothingNew() throws Exception {
        timeWait(0, 1);
        QuietPool pool = new QuietPool();
        ChurnPipeline pooled = pipeline(poolSettings(), pool, null);
        ChurnReport running = pooled.tick(0);
        pool.closed = true;
        timeWait(100, 1);
        assertThat(pooled.tick(10 * S)).isSameAs(running);
    }

    @Test
    void anUnreadableProcIsReportedAsTheProbesStatus() {
        ChurnReport r = pipeline(poolSettings(), new QuietPool(), null).tick(0);
        assertThat(r.probeStatus()).startsWith("unavailable: ");
        assertThat(r.verdicts()).isEmpty();
    }
}
