package io.github.twpool.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.twpool.testsupport.FaultProxy;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The agent on applications as users run them, each in a JVM of its own started with and without
 * {@code -javaagent}: pools configured by driver class name (HikariCP as Spring Boot sets it up, DBCP2, Agroal) that
 * keep renewing their connections, and a loop opening a connection per request through {@code DriverManager} from a
 * named method at a fixed rate. The applications reach the test database through a proxy on a port of their own, so
 * that the sockets the probe sees are theirs only (other clients of the shared server churn on its port).
 */
class AgentApplicationsIntegrationTest {

    static final String LOOP = "example.agentapp.ChurnApp.churnThroughDriverManager";
    static final double RATE = 20;
    static final Pattern JVM_RATE = Pattern.compile("This JVM opened ([0-9.]+)/s");
    static final Pattern CHURNED = Pattern.compile("CHURNED (\\d+) in ([0-9.]+) s");

    static FaultProxy proxy;
    static TestDatabase db;

    @BeforeAll
    static void proxy() throws IOException {
        db = TestDatabase.get();
        proxy = FaultProxy.forTestDatabase();
    }

    @AfterAll
    static void close() throws IOException {
        proxy.close();
    }

    @Test
    void hikariByDriverClassNameThroughSlf4j() throws Exception {
        int port = freePort();
        Run run = app(true, "interval=2s,warn-interval=2s,metrics-port=" + port, true, "hikari", RATE, 11, port);

        assertThat(run.out).contains("RESULT ", "DONE");
        List<String> warnings = run.churnWarnings();
        // SLF4J is on the application's class path with a provider (logback): the warnings go there, by logger name.
        assertThat(warnings).isNotEmpty().allSatisfy(w -> assertThat(w).contains("WARN", "io.github.twpool.churn"));
        assertNamesTheLoopWithItsRate(run, warnings);
        // HikariCP's own opens go on (soft eviction every 500 ms) and are counted as the pool's, never blamed.
        assertThat(run.metric("twpool_agent_connections_opened_total", "opener=\"HikariCP\"")).isGreaterThan(8);
        assertThat(warnings).noneMatch(w -> w.contains("com.zaxxer"));
        // The application's opens are the loop's, the one DriverManager query at the end, and nothing else.
        assertThat(run.metric("twpool_agent_connections_opened_total", "opener=\"application\""))
                .isBetween(run.churned() - 2.0, run.churned() + 2.0);
    }

    @Test
    void dbcp2AndAgroalThroughJavaUtilLogging() throws Exception {
        int port = freePort();
        // No SLF4J provider on the class path (SLF4J's API alone drops every line): java.util.logging then.
        Run run = app(false, "interval=2s,warn-interval=2s,metrics-port=" + port, true, "dbcp2,agroal", RATE, 11, port);

        assertThat(run.out).contains("RESULT ", "DONE");
        List<String> warnings = run.churnWarnings();
        assertThat(warnings).isNotEmpty().allSatisfy(w -> assertThat(w).startsWith("WARNING: ").contains("twpool 'agent-"));
        assertThat(run.out).contains("io.github.twpool.churn");
        assertNamesTheLoopWithItsRate(run, warnings);
        assertThat(run.metric("twpool_agent_connections_opened_total", "opener=\"DBCP2\"")).isGreaterThan(8);
        assertThat(run.metric("twpool_agent_connections_opened_total", "opener=\"Agroal\"")).isGreaterThan(8);
        assertThat(warnings).noneMatch(w -> w.contains("dbcp2") || w.contains("agroal"));
    }

    @Test
    void noChurnNoWarning() throws Exception {
        int port = freePort();
        Run run = app(true, "interval=1s,warn-interval=1s,metrics-port=" + port, false, "hikari,dbcp2,agroal", 0, 7, port);

        assertThat(run.out).contains("DONE");
        assertThat(run.metric("twpool_agent_ticks_total", null)).isGreaterThanOrEqualTo(3);
        assertThat(run.lines().filter(l -> l.contains("io.github.twpool") && l.contains("WARN")).toList()).isEmpty();
        assertThat(run.churnWarnings()).isEmpty();
    }

    @Test
    void theApplicationGetsTheSameWithAndWithoutTheAgent() throws Exception {
        Run with = app(true, "interval=1s", true, "hikari,dbcp2,agroal", RATE, 3, 0);
        Run without = app(true, null, true, "hikari,dbcp2,agroal", RATE, 3, 0);

        // The same results, the same connection classes borrowed, the same drivers in DriverManager (none registered,
        // deregistered or wrapped) and the same system properties (the agent leaves none behind).
        for (String kind : List.of("RESULT ", "DRIVERS ", "BORROWED ", "PROPERTIES ")) {
            List<String> a = with.lines().filter(l -> l.startsWith(kind)).toList();
            assertThat(a).as(kind).isNotEmpty().isEqualTo(without.lines().filter(l -> l.startsWith(kind)).toList());
        }
        assertThat(with.lines().filter(l -> l.startsWith("DRIVERS ")).findFirst().orElseThrow()).contains("com.mysql.cj.jdbc.Driver");
        assertThat(with.out).doesNotContain("twpool-agent:");
    }

    @Test
    void badOptionsAreNamedAndTheApplicationStillRuns() throws Exception {
        Run run = app(true, "interval=fast,metrics-port=99999", false, "none", 0, 0.2, 0);

        assertThat(run.out).contains("twpool-agent: option interval=fast is not valid; allowed: a duration such as 500ms",
                "The agent is off; the application runs without it.", "RESULT 42|twpool|", "DONE");
        assertThat(run.exit).isZero();

        Run unknown = app(true, "intervall=5s", false, "none", 0, 0.2, 0);
        assertThat(unknown.out).contains("twpool-agent: unknown option 'intervall'; the keys are interval, warn-interval, "
                + "ignore, metrics-port, metrics-address", "DONE");
    }

    @Test
    void keepsNoClassLoaderAlive() throws Exception {
        String jar = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("mysql-connector-j")).findFirst().orElseThrow();
        String url = "jdbc:mysql://127.0.0.1:" + proxy.port() + "/" + database();
        for (boolean agent : List.of(false, true)) {
            List<String> cmd = java(agent ? "interval=1s" : null, true);
            cmd.add(1, "-Dcom.mysql.cj.disableAbandonedConnectionCleanup=true");
            cmd.addAll(List.of("example.agentapp.LoaderApp", jar, url, db.username(), db.password()));
            Run run = run(cmd);
            assertThat(run.out).as("agent=" + agent).contains("CONNECTED 5", "COLLECTED true", "DONE");
        }
    }

    @Test
    void attachedToARunningApplicationItInstrumentsTheDriverAlreadyLoaded() throws Exception {
        int port = freePort();
        List<String> cmd = java(null, true);
        cmd.add(1, "-Djdk.attach.allowAttachSelf=true");
        cmd.addAll(List.of("example.agentapp.AttachApp", agentJar(), String.valueOf(port),
                "jdbc:mysql://127.0.0.1:" + proxy.port() + "/" + database(), db.username(), db.password()));
        Run run = run(cmd);

        assertThat(run.out).contains("DONE").doesNotContain("twpool-agent:");
        assertThat(run.metric("twpool_agent_connections_opened_total", "opener=\"application\""))
                .isEqualTo(run.churned());
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void assertNamesTheLoopWithItsRate(Run run, List<String> warnings) {
        double truth = run.churned() / run.churnSeconds();
        assertThat(truth).isBetween(RATE * 0.8, RATE * 1.05);
        assertThat(warnings).allSatisfy(w -> assertThat(w).contains(LOOP + "(ChurnApp.java:"));
        List<Double> rates = new ArrayList<>();
        for (String w : warnings) {
            Matcher m = JVM_RATE.matcher(w);
            assertThat(m.find()).as(w).isTrue();
            rates.add(Double.parseDouble(m.group(1)));
        }
        rates.sort(Double::compare);
        double median = rates.get(rates.size() / 2);
        assertThat(median).as("the JVM's rate in the warnings %s against the loop's %.2f/s", rates, truth)
                .isBetween(truth * 0.9, truth * 1.1);
    }

    private static String database() {
        String u = db.jdbcUrl();
        String path = u.substring(u.indexOf("//") + 2);
        int slash = path.indexOf('/');
        String name = slash < 0 ? "" : path.substring(slash + 1);
        int q = name.indexOf('?');
        return q < 0 ? name : name.substring(0, q);
    }

    private static Run app(boolean slf4j, String agentOptions, boolean renew, String pools, double rate, double seconds,
                           int metricsPort) throws Exception {
        List<String> cmd = java(agentOptions, slf4j);
        if (renew) {
            cmd.add(1, "-Drenew=true");
        }
        cmd.addAll(List.of("example.agentapp.ChurnApp", "jdbc:mysql://127.0.0.1:" + proxy.port() + "/" + database(),
                db.username(), db.password(), pools, String.valueOf(rate), String.valueOf(seconds),
                String.valueOf(metricsPort)));
        return run(cmd);
    }

    /**
     * {@code java [-javaagent:...] -cp <the applications' class path>}: this test's class path without the agent's
     * own classes and what the agent jar carries (the application has none of them: the agent must bring its own),
     * and without logback when {@code slf4j} is false.
     */
    static List<String> java(String agentOptions, boolean slf4j) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (agentOptions != null) {
            cmd.add("-javaagent:" + agentJar() + (agentOptions.isEmpty() ? "" : "=" + agentOptions));
        }
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1");
        String cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(AgentApplicationsIntegrationTest::applicationHasIt)
                .filter(e -> slf4j || !e.contains("logback"))
                .collect(Collectors.joining(File.pathSeparator));
        cmd.add("-cp");
        cmd.add(cp);
        return cmd;
    }

    /** Whether a class path entry of this test is one the applications have: not the agent, nor what it carries. */
    static boolean applicationHasIt(String entry) {
        return !Path.of(entry).endsWith(Path.of("target", "classes")) && !entry.contains("twpool-agent")
                && !entry.contains("byte-buddy") && !entry.contains("pool-core");
    }

    static String agentJar() {
        String jar = System.getProperty("twpool.agent.jar");
        assertThat(jar).as("twpool.agent.jar (set by the build: these tests run after package, mvn verify)").isNotNull();
        assertThat(Path.of(jar)).exists();
        return jar;
    }

    static Run run(List<String> cmd) throws Exception {
        Path out = Files.createTempFile("twpool-agent-app", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the application did not end within 120 s: " + Files.readString(out));
            }
            return new Run(Files.readString(out), p.exitValue());
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    record Run(String out, int exit) {
        java.util.stream.Stream<String> lines() {
            return out.lines();
        }

        List<String> churnWarnings() {
            return lines().filter(l -> l.contains("churn towards")).toList();
        }

        long churned() {
            Matcher m = CHURNED.matcher(out);
            assertThat(m.find()).as(out).isTrue();
            return Long.parseLong(m.group(1));
        }

        double churnSeconds() {
            Matcher m = CHURNED.matcher(out);
            assertThat(m.find()).as(out).isTrue();
            return Double.parseDouble(m.group(2));
        }

        /** The value of a metric line the application printed from /metrics (summed over matching lines). */
        double metric(String name, String label) {
            List<String> found = lines().filter(l -> l.startsWith("METRIC " + name + (label == null ? " " : "{")))
                    .filter(l -> label == null || l.contains(label)).toList();
            assertThat(found).as(name + " " + label + " in " + out).isNotEmpty();
            return found.stream().mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "exit %d:%n%s", exit, out);
        }
    }
}
