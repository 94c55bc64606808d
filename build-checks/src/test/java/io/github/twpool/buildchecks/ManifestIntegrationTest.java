package io.github.twpool.buildchecks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Every deployed jar names its JPMS module and carries the licence. */
class ManifestIntegrationTest {

    private static final String MODULE_NAME = "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*";

    @Test
    void everyDeployedJarHasAnAutomaticModuleNameAndTheLicence() throws IOException {
        Reactor reactor = Reactor.read(ModuleBoundaryTest.ROOT);
        Map<String, String> names = new HashMap<>();
        for (Reactor.Module m : reactor.deployedJars()) {
            Path jar = m.dir().resolve("target").resolve(m.artifactId() + "-" + reactor.version() + ".jar");
            if (!Files.isRegularFile(jar)) {
                String why = jar + " is not built: run mvn verify (this check reads the packaged jars)";
                if (System.getenv("CI") != null) {
                    fail(why);
                }
                Assumptions.abort(why);
            }
            try (JarFile j = new JarFile(jar.toFile())) {
                String name = j.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
                assertThat(name).as(jar + " Automatic-Module-Name (set <twpool.module.name> in " + m.artifactId() + "/pom.xml when its artifactId has a dash)").isNotNull().matches(MODULE_NAME).startsWith("io.github.twpool");
                String other = names.put(name, m.artifactId());
                assertThat(other).as("Automatic-Module-Name " + name + " of " + m.artifactId()).isNull();
                assertThat(j.getEntry("META-INF/LICENSE")).as(jar + " META-INF/LICENSE").isNotNull();
                assertThat(j.getEntry("META-INF/NOTICE")).as(jar + " META-INF/NOTICE").isNotNull();
            }
        }
        assertThat(names).hasSizeGreaterThanOrEqualTo(4);
    }
}
