package io.github.twpool.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A block of a document that is generated from code (a property table from the settings' declarations), between
 * {@code <!-- generated: NAME -->} and {@code <!-- end of generated: NAME -->}. The test fails when the document
 * disagrees with the code; run it with {@code -Dtwpool.docs.update=true} to rewrite the block instead.
 */
public final class GeneratedDocs {

    /** The system property that rewrites blocks instead of comparing them. */
    public static final String UPDATE = "twpool.docs.update";

    private GeneratedDocs() {
    }

    public static void assertBlock(Path document, String name, String expected) {
        String begin = "<!-- generated: " + name + " (edit the declarations, then run the test with -D" + UPDATE + "=true) -->\n";
        String end = "<!-- end of generated: " + name + " -->";
        String text;
        try {
            text = Files.readString(document, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        assertThat(from).as(document + " has no line " + begin.strip()).isNotNegative();
        assertThat(to).as(document + " has no line " + end).isGreaterThan(from);
        String actual = text.substring(from + begin.length(), to);
        if (Boolean.getBoolean(UPDATE) && !actual.equals(expected)) {
            try {
                Files.writeString(document, text.substring(0, from + begin.length()) + expected + text.substring(to),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        assertThat(actual).as("the block '" + name + "' of " + document + " disagrees with the declarations; run the test"
                + " with -D" + UPDATE + "=true to regenerate it").isEqualTo(expected);
    }
}
