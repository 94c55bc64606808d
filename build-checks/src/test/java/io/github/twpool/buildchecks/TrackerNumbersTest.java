package io.github.twpool.buildchecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Code, tests and docs say in words which case they guard ("a borrower's USE must not reach the next borrower"), not
 * "issue 13, finding 12": a reader of the repository cannot look a tracker number up.
 */
class TrackerNumbersTest {

    /** "issue 13", "Finding 12", "findings 1-5", "issue #13"; a project's own public tracker ("HikariCP #1788") is fine. */
    static final Pattern TRACKER_NUMBER = Pattern.compile("(?i)\\b(issue|finding)s?\\s*#?\\d+");

    private static final Set<String> TEXT = Set.of(".java", ".md", ".xml", ".yml", ".yaml", ".properties", ".sh", ".py");

    @Test
    void noFileCitesATrackerNumber() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ModuleBoundaryTest.ROOT)) {
            files.filter(Files::isRegularFile)
                    .filter(p -> !ModuleBoundaryTest.ROOT.relativize(p).toString().matches("(.*/)?(target|\\.git|node_modules)/.*"))
                    .filter(p -> TEXT.stream().anyMatch(ext -> p.getFileName().toString().endsWith(ext))
                            || p.endsWith(".ci/run"))
                    .filter(p -> !p.getFileName().toString().equals("TrackerNumbersTest.java"))
                    .forEach(p -> scan(p, found));
        }
        assertThat(found).as("say the case in words instead of citing a tracker number").isEmpty();
    }

    @Test
    void thePatternFindsTheFormsThatWereUsed() {
        for (String cited : List.of("issue 13, finding 12", "(issue 15)", "Findings 16 and 13", "Issue 13 #8", "issue #21")) {
            assertThat(TRACKER_NUMBER.matcher(cited).find()).as(cited).isTrue();
        }
        for (String fine : List.of("HikariCP #1788", "the issue is the TLS handshake", "1 finding per tick")) {
            assertThat(TRACKER_NUMBER.matcher(fine).find()).as(fine).isFalse();
        }
    }

    private static void scan(Path file, List<String> found) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (TRACKER_NUMBER.matcher(lines.get(i)).find()) {
                    found.add(ModuleBoundaryTest.ROOT.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        } catch (IOException e) {
            if (!(e instanceof java.nio.charset.MalformedInputException)) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
