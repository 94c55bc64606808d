package io.github.twpool.mysql;

import io.github.twpool.internal.SettingsTable;
import io.github.twpool.testsupport.GeneratedDocs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** pool-mysql's keys are declared once, in MySqlExtension; its README's table is rendered from there. */
class MySqlSettingsDocumentationTest {

    @Test
    void theReadmePropertyTableIsTheDeclarations() {
        GeneratedDocs.assertBlock(Path.of("README.md"), "twpool.mysql.* properties",
                SettingsTable.render(new MySqlExtension().settings(), "twpool."));
    }
}
