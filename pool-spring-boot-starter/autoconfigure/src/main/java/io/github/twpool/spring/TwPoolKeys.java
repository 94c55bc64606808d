package io.github.twpool.spring;

import io.github.twpool.spi.Suggestions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code twpool.*} keys the starter binds, read from its generated configuration metadata, for "did you mean". */
final class TwPoolKeys {

    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"(twpool\\.[^\"]+)\"");

    private TwPoolKeys() {
    }

    static List<String> all() {
        List<String> keys = new ArrayList<>();
        try (InputStream in = TwPoolKeys.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            if (in != null) {
                Matcher m = NAME.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (m.find()) {
                    keys.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    /** "; did you mean twpool.password?" for a near miss, or empty (pool-core's rule, as outside Spring). */
    static String didYouMean(String unknown) {
        return Suggestions.didYouMean(unknown, all());
    }
}
