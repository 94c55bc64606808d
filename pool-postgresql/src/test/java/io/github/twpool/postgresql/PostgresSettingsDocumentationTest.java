package io.github.twpool.postgresql;

import io.github.twpool.internal.SettingsTable;
import io.github.twpool.testsupport.GeneratedDocs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** pool-postgresql's keys are declared once, in PostgresExtension; its README's table is rendered from there. */
class PostgresSettingsDocumentationTest {

    @Test
    void theReadmePropertyTableIsTheDeclarations() {
        GeneratedDocs.assertBlock(Path.of("README.md"), "twpool.postgresql.* properties",
                SettingsTable.render(new PostgresExtension().settings(), "twpool."));
    }
}
