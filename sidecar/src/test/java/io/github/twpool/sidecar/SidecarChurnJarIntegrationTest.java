package io.github.twpool.sidecar;

import io.github.twpool.testsupport.FaultProxy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped jar beside a real non-Java client that churns: the {@code mariadb} command-line client reconnecting in
 * a loop, through a forwarder on a loopback port of this test's own (so that nobody else's traffic to the shared
 * server is counted), at a rate this test knows from the client's own count and clock.
 */
class SidecarChurnJarIntegrationTest {

    @Test
    void namesTheChurningProcessMeasuresItsRateAndClearsThenStopsOnSigterm() throws Exception {
        try (FaultProxy proxy = FaultProxy.forTestDatabase();
             SidecarProcess sidecar = SidecarProcess.watch("--endpoint", "127.0.0.1:" + proxy.port(), "--interval", "1s",
                     "--warn-interval", "5s")) {
            assertThat(sidecar.awaitLine(l -> l.contains("twpool sidecar: watching"), Duration.ofSeconds(30))).isNotNull();
            Thread.sleep(2000); // a baseline tick or two without churn

            int connects = 160;
            long start = System.nanoTime();
            Process client = MariadbClient.reconnectLoop(proxy.port(), connects, 0.08);
            long pid = client.pid();
            List<Double> processRates = new ArrayList<>();
            List<Double> endpointRates = new ArrayList<>();
            Thread.sleep(4000); // the detector's first windows
            while (client.isAlive() && System.nanoTime() - start < 60_000_000_000L) {
                String m = sidecar.metrics();
                // the rate by rank and program name (bounded labels); who rank 1 is, on the info gauge
                double r = SidecarProcess.sample(m, "twpool_churn_process_info", "rank=\"1\"", "pid=\"" + pid + "\"") == 1
                        ? SidecarProcess.sample(m, "twpool_churn_process_rate", "rank=\"1\"", "process=\"" + program() + "\"")
                        : Double.NaN;
                double e = SidecarProcess.sample(m, "twpool_churn_rate", "source=\"endpoint\"");
                if (client.isAlive()) {
                    processRates.add(r);
                    endpointRates.add(e);
                }
                Thread.sleep(1000);
            }
            assertThat(client.waitFor(60, TimeUnit.SECONDS)).as("the client finished").isTrue();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(client.exitValue()).as("the mariadb client succeeded").isZero();
            double truth = (connects + 1) / seconds;
            // The last samples may straddle the client's exit: use the samples taken while it ran, after warm-up.
            double measured = mean(processRates);
            double endpoint = mean(endpointRates);
            System.out.printf("truth %.1f/s, process rate %.1f/s (%s), endpoint rate %.1f/s%n", truth, measured,
                    processRates, endpoint);
            assertThat(truth).as("the client churned fast enough to be churn").isGreaterThan(5);
            assertThat(measured).as("the rate /metrics gives the mariadb process").isBetween(0.75 * truth, 1.25 * truth);
            assertThat(endpoint).as("the endpoint's rate").isBetween(0.75 * truth, 1.25 * truth);

            assertThat(sidecar.awaitLine(l -> l.contains("WARN") && l.contains("churn towards"), Duration.ofSeconds(10)))
                    .as("the outside-pool warning").isNotNull();
            // It repeats every --warn-interval with the samples so far; one of them names the process.
            String warning = sidecar.awaitLine(l -> l.contains("WARN") && l.contains("churn towards")
                    && l.contains("belong to pid " + pid), Duration.ofSeconds(10));
            assertThat(warning).as("a warning naming pid " + pid + ":\n" + sidecar.output()).isNotNull();
            assertThat(warning).contains("of the connections seen open belong to pid " + pid + " (" + MariadbClient.binary() + " --protocol=tcp");
            assertThat(warning).containsPattern("churn towards 127\\.0\\.0\\.1:" + proxy.port() + ": ~\\d+(\\.\\d)? new connections/s");

            String cleared = sidecar.awaitLine(l -> l.contains("outside-pool churn has cleared"), Duration.ofSeconds(20));
            assertThat(cleared).as("the warning clears after the churn stops").isNotNull();
            assertThat(SidecarProcess.sample(sidecar.metrics(), "twpool_churn_active", "cause=\"outside-pool\"")).isZero();
            assertThat(sidecar.metrics()).as("the process meters go with the churn").doesNotContain("twpool_churn_process_rate");

            int exit = sidecar.terminate(Duration.ofSeconds(15));
            assertThat(exit).as("SIGTERM: the JVM's 128+15 after the shutdown hook ran").isEqualTo(143);
            List<String> lines = sidecar.lines();
            assertThat(lines.get(lines.size() - 2)).contains("twpool sidecar: stopping (signal received).");
            assertThat(lines.get(lines.size() - 1)).contains("twpool sidecar: stopped after").contains("outside-pool=");
        }
    }

    @Test
    void namesTheCommandAndItsParentWhenEachConnectionIsANewProcess() throws Exception {
        // JSON lines: a warning's line names the processes briefly; its fields name them in full.
        try (FaultProxy proxy = FaultProxy.forTestDatabase();
             SidecarProcess sidecar = SidecarProcess.watchWith(java.util.Map.of("TWPOOL_LOG_FORMAT", "json"),
                     "--endpoint", "127.0.0.1:" + proxy.port(), "--interval", "1s")) {
            assertThat(sidecar.awaitLine(l -> l.contains("twpool sidecar: watching"), Duration.ofSeconds(30))).isNotNull();
            Thread.sleep(2000);
            // A script's loop: one mariadb process per connection, each holding it 50 ms; bounded in count and time.
            long start = System.nanoTime();
            int spawned = 0;
            List<Double> rates = new ArrayList<>();
            long nextScrape = start + 6_000_000_000L;
            while (spawned < 400 && System.nanoTime() - start < 25_000_000_000L) {
                Process p = MariadbClient.start(proxy.port(), "select sleep(0.05)");
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as("the mariadb client succeeded").isZero();
                spawned++;
                if (System.nanoTime() > nextScrape) {
                    String m = sidecar.metrics();
                    rates.add(SidecarProcess.sample(m, "twpool_churn_process_info", "rank=\"1\"",
                            "pid=\"children of " + ProcessHandle.current().pid() + "\"") == 1
                            ? SidecarProcess.sample(m, "twpool_churn_process_rate", "rank=\"1\"", "process=\"" + program() + "\"")
                            : Double.NaN);
                    nextScrape += 1_000_000_000L;
                }
            }
            double truth = spawned / ((System.nanoTime() - start) / 1e9);
            double measured = mean(rates);
            System.out.printf("one process per connection: truth %.1f/s, measured %.1f/s %s%n", truth, measured, rates);
            assertThat(truth).isGreaterThan(3);
            assertThat(measured).as("the rate of the loop's processes").isBetween(0.75 * truth, 1.25 * truth);
            // The warning repeats with the samples so far; the first may have named one process of the loop, before
            // a second one showed they are many running the same command: a warning of the run must say so.
            String warning = sidecar.awaitLine(l -> l.contains("\"level\":\"WARN\"") && l.contains("churn towards")
                    && l.contains(" processes running ("), Duration.ofSeconds(10));
            assertThat(warning).isNotNull().contains("of the connections seen open belong to ", "{\"twpool.cause\":\"outside-pool\"}")
                    .containsPattern("\\{\"twpool.process\":\"\\d+ processes running \\("
                            + java.util.regex.Pattern.quote(MariadbClient.binary().replace("/", "\\/")) + " --protocol=tcp")
                    .contains("all started by pid " + ProcessHandle.current().pid() + " (");
        }
    }

    /** The client's program name, as the process meters label it. */
    static String program() {
        return ProcessAttributor.program(MariadbClient.binary());
    }

    static double mean(List<Double> values) {
        return values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
