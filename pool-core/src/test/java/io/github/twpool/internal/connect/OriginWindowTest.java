package io.github.twpool.internal.connect;

import io.github.twpool.ChurnOrigins;
import io.github.twpool.ChurnOrigins.Origin;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Samples in, origins out: one side is named only when the other cannot be there. */
class OriginWindowTest {

    private static final long MS = 1_000_000L;
    private static final String A = "com.acme.ReportJob.run(ReportJob.java:42)";
    private static final String B = "com.acme.Audit.log(Audit.java:7)";

    private static EndpointSockets.Sample sockets(int own, int other, int unresolved) {
        return new EndpointSockets.Sample(own, other, unresolved, MS / 5);
    }

    /** New connections/s at which even a few socket samples would have caught another process's connections. */
    private static final double BUSY = 100_000;

    @Test
    void nothingSampledIsNotSampled() {
        assertThat(new OriginWindow().decide(0, "m", BUSY)).isEqualTo(ChurnOrigins.NOT_SAMPLED);
    }

    @Test
    void onlyOwnSocketsAndConnectsNameThisJvmWithCallSiteShares() {
        OriginWindow w = new OriginWindow();
        for (int i = 0; i < 20; i++) {
            w.stacks(i * 100 * MS, i % 4 == 0 ? List.of(B) : List.of(A));
            w.sockets(i * 100 * MS, sockets(1, 0, 0));
        }
        ChurnOrigins o = w.decide(2_000 * MS, "m", BUSY);
        assertThat(o.origin()).isEqualTo(Origin.THIS_JVM);
        assertThat(o.callSites()).extracting(s -> s.frame()).containsExactly(A, B);
        assertThat(o.callSites().get(0).share()).isEqualTo(0.75);
        assertThat(o.stackSamples()).isEqualTo(20);
        assertThat(o.connectSamples()).isEqualTo(20);
        assertThat(o.ownSockets()).isEqualTo(20);
        ChurnOrigins rated = o.withRate(12.5, "TIME_WAIT");
        assertThat(rated.thisJvmRate()).isEqualTo(12.5);
        assertThat(rated.otherProcessRate()).isZero();
    }

    @Test
    void ownSocketsAloneNameThisJvmOnlyWhenAnotherProcesssMillisecondConnectionsWouldHaveBeenCaught() {
        // 80 socket samples caught 5 of this JVM's connections and none of anyone else's, while the endpoint saw
        // ~39 new connections/s: another process making a quarter of them, each open a millisecond, would have been
        // caught 0.8 times. Its absence from the samples proves nothing; with 600 samples it would (5.9 catches).
        OriginWindow w = new OriginWindow();
        for (int i = 0; i < 80; i++) {
            w.sockets(i * 100 * MS, sockets(i % 16 == 0 ? 1 : 0, 0, 0));
        }
        ChurnOrigins o = w.decide(8_000 * MS, "m", 39);
        assertThat(o.origin()).isEqualTo(Origin.UNDECIDED);
        assertThat(o.undecided()).contains("only this JVM's connections were caught (5)", "too few to rule out another process",
                "~39.0 new connections/s");
        assertThat(w.decide(8_000 * MS, "m", Double.NaN).undecided()).contains("the endpoint's rate is not known yet");
        for (int i = 80; i < 600; i++) {
            w.sockets(i * 10 * MS, sockets(0, 0, 0));
        }
        assertThat(w.decide(6_000 * MS, "m", 39).origin()).isEqualTo(Origin.THIS_JVM);
    }

    @Test
    void tooFewOwnSocketsCannotRuleOutAnotherProcess() {
        OriginWindow w = new OriginWindow();
        w.sockets(0, sockets(2, 0, 0));
        ChurnOrigins o = w.decide(0, "m", BUSY);
        assertThat(o.origin()).isEqualTo(Origin.UNDECIDED);
        assertThat(o.undecided()).contains("too few");
        assertThat(o.withRate(10, "x").thisJvmRate()).isNaN();
    }

    @Test
    void otherSocketsWithoutConnectsHereNameAnotherProcess() {
        OriginWindow w = new OriginWindow();
        w.stacks(0, List.of());
        w.sockets(0, sockets(0, 2, 0));
        ChurnOrigins o = w.decide(0, "m", BUSY).withRate(40, "server");
        assertThat(o.origin()).isEqualTo(Origin.ANOTHER_PROCESS);
        assertThat(o.otherProcessRate()).isEqualTo(40);
        assertThat(o.thisJvmRate()).isZero();
    }

    @Test
    void otherSocketsWhileThreadsHereConnectAreUndecided() {
        OriginWindow w = new OriginWindow();
        w.stacks(0, List.of(A));
        w.sockets(0, sockets(0, 5, 0));
        ChurnOrigins o = w.decide(0, "m", BUSY);
        assertThat(o.origin()).isEqualTo(Origin.UNDECIDED);
        assertThat(o.undecided()).contains("another process's connections were caught (5)", "JDBC connects (1)");
    }

    @Test
    void bothCaughtNameBothWithoutASplit() {
        OriginWindow w = new OriginWindow();
        w.stacks(0, List.of(A));
        w.sockets(0, sockets(9, 1, 0));
        ChurnOrigins o = w.decide(0, "m", BUSY).withRate(30, "server");
        assertThat(o.origin()).isEqualTo(Origin.BOTH);
        assertThat(o.thisJvmRate()).isNaN();
        assertThat(o.otherProcessRate()).isNaN();
    }

    @Test
    void socketsTooShortToTellWhoseKeepItUndecided() {
        OriginWindow w = new OriginWindow();
        w.sockets(0, new EndpointSockets.Sample(5, 0, 4, 12 * MS));
        ChurnOrigins o = w.decide(0, "m", BUSY);
        assertThat(o.origin()).isEqualTo(Origin.UNDECIDED);
        assertThat(o.undecided()).contains("4 of the 9 new connections caught", "12.0 ms");
    }

    @Test
    void connectsWithoutSocketsAndNothingAtAllSayWhy() {
        OriginWindow w = new OriginWindow();
        w.stacks(0, List.of(A));
        w.sockets(0, sockets(0, 0, 0));
        assertThat(w.decide(0, "m", BUSY).undecided()).contains("no new connection to the endpoint was caught open");
        OriginWindow quiet = new OriginWindow();
        quiet.stacks(0, List.of());
        assertThat(quiet.decide(0, "m", BUSY).undecided()).contains("shorter than the sampling interval");
    }

    @Test
    void samplesOlderThanTheWindowNoLongerCount() {
        OriginWindow w = new OriginWindow();
        w.sockets(0, sockets(0, 5, 0));
        long later = OriginWindow.WINDOW.toNanos() + 1_000 * MS;
        for (int i = 0; i < 5; i++) {
            w.sockets(later + i, sockets(1, 0, 0));
        }
        ChurnOrigins o = w.decide(later + 5, "m", BUSY);
        assertThat(o.origin()).isEqualTo(Origin.THIS_JVM);
        assertThat(o.otherSockets()).isZero();
    }

    @Test
    void distinctCallSitesAreBounded() {
        OriginWindow w = new OriginWindow();
        for (int i = 0; i < 200; i++) {
            w.stacks(i, List.of("com.acme.Gen" + i + ".run(Gen.java:1)"));
        }
        ChurnOrigins o = w.decide(200, "m", BUSY);
        assertThat(o.callSites()).hasSize(OriginWindow.MAX_SITES);
        assertThat(o.callSites().get(0).frame()).isEqualTo(OriginWindow.OTHER_SITES);
        assertThat(o.callSites().get(0).share()).isEqualTo((200 - OriginWindow.MAX_DISTINCT_SITES) / 200.0);
    }
}
