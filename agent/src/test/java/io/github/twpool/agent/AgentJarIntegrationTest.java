package io.github.twpool.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The jar users put after {@code -javaagent:}: an agent manifest, and every class it carries under the agent's own
 * package, so that nothing in it meets the application's ByteBuddy, SLF4J or twpool.
 */
class AgentJarIntegrationTest {

    @Test
    void theManifestMakesItAnAgent() throws IOException {
        try (JarFile jar = new JarFile(AgentApplicationsIntegrationTest.agentJar())) {
            Attributes a = jar.getManifest().getMainAttributes();
            assertThat(a.getValue("Premain-Class")).isEqualTo(TwPoolAgent.class.getName());
            assertThat(a.getValue("Agent-Class")).isEqualTo(TwPoolAgent.class.getName());
            assertThat(a.getValue("Can-Retransform-Classes")).isEqualTo("true");
            assertThat(a.getValue("Automatic-Module-Name")).isEqualTo("io.github.twpool.agent");
            assertThat(a.getValue("Multi-Release")).as("versioned classes escape the relocation").isNull();
        }
    }

    @Test
    void everyClassIsUnderTheAgentsPackage() throws IOException {
        try (JarFile jar = new JarFile(AgentApplicationsIntegrationTest.agentJar())) {
            List<String> outside = jar.stream().map(JarEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.startsWith("io/github/twpool/agent/")).toList();
            assertThat(outside).isEmpty();
            assertThat(jar.getEntry("io/github/twpool/agent/shaded/bytebuddy/agent/builder/AgentBuilder.class")).isNotNull();
            assertThat(jar.getEntry("io/github/twpool/agent/shaded/twpool/internal/churn/ChurnDetector.class")).isNotNull();
            // The pool itself stays out: the agent runs none, and its HikariCP is not in the jar.
            assertThat(jar.getEntry("io/github/twpool/agent/shaded/twpool/TwPoolDataSource.class")).isNull();
            assertThat(jar.stream().map(JarEntry::getName).filter(n -> n.startsWith("com/zaxxer/")).toList()).isEmpty();
        }
    }

    @Test
    void itsLoggingProviderLicencesAndNotices() throws IOException {
        try (JarFile jar = new JarFile(AgentApplicationsIntegrationTest.agentJar())) {
            JarEntry provider = jar.getJarEntry("META-INF/services/io.github.twpool.agent.shaded.slf4j.spi.SLF4JServiceProvider");
            assertThat(provider).isNotNull();
            assertThat(new String(jar.getInputStream(provider).readAllBytes()).strip())
                    .isEqualTo("io.github.twpool.agent.log.AgentServiceProvider");
            assertThat(jar.getEntry("META-INF/services/org.slf4j.spi.SLF4JServiceProvider")).isNull();
            for (String f : List.of("META-INF/LICENSE", "META-INF/NOTICE", "META-INF/licenses/ASM", "META-INF/licenses/SLF4J")) {
                assertThat(jar.getEntry(f)).as(f).isNotNull();
            }
        }
    }
}
