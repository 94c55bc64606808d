package io.github.twpool;

import ch.qos.logback.classic.Level;
import io.github.twpool.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.github.twpool.PoolTestSupport.await;
import static io.github.twpool.PoolTestSupport.props;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which census path a pool runs is in its start line and in {@code churnReport().census().method()}: {@code proc} on
 * Java 17 (the default failsafe run), {@code netlink} on Java 22+ with native access (the pool-core-java22 module
 * execution, on the packaged multi-release jar). Elsewhere (a Java 22+ run on a classes directory) it says why not.
 */
class CensusMethodStartLineIntegrationTest {

    @Test
    void theStartLineAndTheReportNameTheCensusMethod() throws Exception {
        int java = Runtime.version().feature();
        boolean java22Execution = Boolean.getBoolean("twpool.test.java22");
        String expected = java < 22 ? "proc" : java22Execution ? "netlink" : "proc";
        try (LogCapture log = LogCapture.of(TwPoolDataSource.class.getName());
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.name", "census-method",
                     "twpool.probe.enabled", "true", "twpool.probe.interval", "1s"))) {
            String start = log.messages(Level.INFO).stream().filter(l -> l.contains("started for")).findFirst()
                    .orElseThrow(() -> new AssertionError("no start line in " + log.lines()));
            if (java < 22) {
                assertThat(start).endsWith(" census=proc (Java " + java + "; netlink needs Java 22+)");
            } else if (java22Execution) {
                assertThat(start).endsWith(" census=netlink");
            } else {
                assertThat(start).endsWith(" census=proc (" + io.github.twpool.internal.probe.AutoCensus.NO_JAVA22_CLASSES + ")");
            }
            assertThat(await(Duration.ofSeconds(10), () -> ds.churnReport().census() != null)).isTrue();
            assertThat(ds.churnReport().census().method()).isEqualTo(expected);
        }
    }

    @Test
    void withTheProbeOffTheStartLineSaysNothingAboutACensus() throws Exception {
        try (LogCapture log = LogCapture.of(TwPoolDataSource.class.getName());
             TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.name", "census-off",
                     "twpool.probe.enabled", "false"))) {
            assertThat(log.messages(Level.INFO)).filteredOn(l -> l.contains("started for")).singleElement()
                    .satisfies(l -> assertThat(l).doesNotContain("census="));
            assertThat(ds.churnReport().census()).isNull();
        }
    }
}
