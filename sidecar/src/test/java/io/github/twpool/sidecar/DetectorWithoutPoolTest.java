package io.github.twpool.sidecar;

import io.github.twpool.ChurnCause;
import io.github.twpool.ChurnVerdict;
import io.github.twpool.KernelSettings;
import io.github.twpool.ServerStatus;
import io.github.twpool.SocketCensus;
import io.github.twpool.internal.churn.Attribution;
import io.github.twpool.internal.churn.ChurnDetector;
import io.github.twpool.internal.churn.ChurnMessages;
import io.github.twpool.internal.churn.DetectorSettings;
import io.github.twpool.internal.churn.Observation;
import io.github.twpool.internal.probe.HostTcpCounters;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool's detector fed pool-less observations, as the sidecar feeds it: every connection is outside. */
class DetectorWithoutPoolTest {

    private static final long S = 1_000_000_000L;
    private static final KernelSettings KERNEL = new KernelSettings(32768, 60999, 2, 60, 131072, 1, false, "6.1");

    private static SocketCensus census(int client, int server, int ageSeconds) {
        int[] c = new int[61];
        int[] s = new int[61];
        c[60 - ageSeconds] = client;
        s[60 - ageSeconds] = server;
        return new SocketCensus(Instant.now(), client, server, 0, 0, 0, 0, c, s);
    }

    private static ServerStatus server(long seconds, long connections) {
        return new ServerStatus(Instant.ofEpochSecond(seconds), connections, 5, 5, 0, 0, 1000, 0, 28800);
    }

    /** What a watcher without a pool sees: no pool counts; its own status connection counted at the server. */
    private static Observation withoutPool(long nanos, SocketCensus census, long hostTimeWait, ServerStatus server,
                                           long ownOpenedAtServer) {
        return new Observation(nanos, census, true, hostTimeWait, KERNEL, Observation.PoolCounts.NONE, server,
                ownOpenedAtServer, Attribution.NONE, HostTcpCounters.UNKNOWN);
    }

    private static List<ChurnVerdict> verdicts(ChurnDetector.Evaluation e) {
        return e.findings().stream().map(ChurnMessages::render).toList();
    }

    @Test
    void churnIsOutsideNoPoolVerdictAndTheSidecarsOwnConnectionIsSubtracted() {
        ChurnDetector d = new ChurnDetector(DetectorSettings.withoutPool("sidecar-db-3306", 2.0, 0.25), "db:3306", 3306,
                false, host -> false);
        d.evaluate(withoutPool(0, census(0, 0, 1), 10, server(0, 100), 1));
        ChurnDetector.Evaluation e = d.evaluate(withoutPool(10 * S, census(50, 0, 5), 60, server(10, 100 + 51), 2));
        assertThat(e.rates().endpoint()).isEqualTo(5.0);
        assertThat(e.rates().outside()).isEqualTo(5.0);
        assertThat(e.rates().poolOpened()).isZero();
        // The server accepted 51 in 10 s, one of them the sidecar's own reconnect.
        assertThat(e.rates().server()).isEqualTo(5.1);
        assertThat(verdicts(e)).extracting(ChurnVerdict::cause).contains(ChurnCause.OUTSIDE_POOL).doesNotContain(ChurnCause.POOL);
        // There is no pool here: the warning speaks of the clients, not of a pool to send them through.
        assertThat(verdicts(e)).filteredOn(v -> v.cause() == ChurnCause.OUTSIDE_POOL).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("churn towards db:3306", "connection pool")
                        .doesNotContain("this pool", "DriverManager"));
        ChurnDetector.Evaluation quiet = d.evaluate(withoutPool(20 * S, census(0, 0, 1), 10, server(20, 151), 2));
        assertThat(verdicts(quiet)).isEmpty();
    }
}
