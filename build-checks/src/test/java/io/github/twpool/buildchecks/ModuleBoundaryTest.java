package io.github.twpool.buildchecks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.twpool.buildchecks.InternalAccessCheck.Allowance;
import io.github.twpool.buildchecks.InternalAccessCheck.Violation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only io.github.twpool and io.github.twpool.spi are API: no module reaches into another's internal packages. */
class ModuleBoundaryTest {

    static final Path ROOT = Path.of(System.getProperty("twpool.root", "..")).toAbsolutePath().normalize();

    @Test
    void noModuleUsesAnotherModulesInternalPackages() {
        Reactor reactor = Reactor.read(ROOT);
        List<Violation> violations = InternalAccessCheck.check(reactor,
                InternalAccessCheck.readAllowlist(ROOT.resolve("build-checks/internal-access.allowlist")));
        assertThat(violations)
                .as("Production code uses internal packages of another module. Extensions use io.github.twpool and "
                        + "io.github.twpool.spi only; move what they need to spi. Our own tools may be allowed in "
                        + "build-checks/internal-access.allowlist (docs/API.md):\n"
                        + violations.stream().map(v -> v.describe(ROOT)).collect(Collectors.joining("\n")))
                .isEmpty();
        // The check saw the modules it guards, not an empty tree.
        assertThat(reactor.modules()).extracting(Reactor.Module::artifactId)
                .contains("pool-core", "pool-mysql", "pool-postgresql", "pool-metrics", "pool-spring-boot-starter");
    }

    @Test
    void aDeliberateViolationIsNamedWithItsFileLineAndName(@TempDir Path dir) throws IOException {
        fixtureReactor(dir, "core", "ext", "sidecar", "split");
        source(dir, "core", "io.github.twpool.internal", "Durations", "public final class Durations { public static int x; }");
        source(dir, "core", "io.github.twpool.internal.probe", "Census", "public final class Census {}");
        source(dir, "core", "io.github.twpool.spi", "Api", "public interface Api {}");
        source(dir, "ext", "io.github.twpool.ext", "Ext",
                "import io.github.twpool.spi.Api;\n"
                        + "import io.github.twpool.internal.Durations;\n"                      // line 3: import
                        + "import static io.github.twpool.internal.Durations.x;\n"             // line 4: static import
                        + "// io.github.twpool.internal.Durations in a comment is no use\n"
                        + "/* nor in a block comment: io.github.twpool.internal.probe.Census */\n"
                        + "public final class Ext {\n"
                        + "  String s = \"io.github.twpool.internal.Durations\";\n"
                        + "  Object c = new io.github.twpool.internal.probe\n"                  // line 9: qualified name
                        + "      .Census();\n"
                        + "}");
        source(dir, "ext", "io.github.twpool.ext.internal", "OwnInternal",
                "import io.github.twpool.ext.Ext;\npublic final class OwnInternal {}");
        source(dir, "sidecar", "io.github.twpool.sidecar", "Watch",
                "import io.github.twpool.internal.probe.Census;\n"                              // allowed below
                        + "import io.github.twpool.internal.Durations;\n"                      // line 3: not allowed
                        + "import io.github.twpool.ext.internal.OwnInternal;\n"                 // line 4: not allowed
                        + "public final class Watch {}");
        source(dir, "split", "io.github.twpool.internal", "Sneaky", "public final class Sneaky {}");

        List<Violation> violations = InternalAccessCheck.check(Reactor.read(dir),
                List.of(new Allowance("sidecar", "io.github.twpool.internal.probe", "runs the probe")));

        assertThat(violations).extracting(v -> v.describe(dir)).containsExactly(
                "ext/src/main/java/io/github/twpool/ext/Ext.java:3: io.github.twpool.internal.Durations is in "
                        + "io.github.twpool.internal, an internal package of core",
                "ext/src/main/java/io/github/twpool/ext/Ext.java:4: io.github.twpool.internal.Durations.x is in "
                        + "io.github.twpool.internal, an internal package of core",
                "ext/src/main/java/io/github/twpool/ext/Ext.java:9: io.github.twpool.internal.probe.Census is in "
                        + "io.github.twpool.internal.probe, an internal package of core",
                "sidecar/src/main/java/io/github/twpool/sidecar/Watch.java:3: io.github.twpool.internal.Durations is in "
                        + "io.github.twpool.internal, an internal package of core",
                "sidecar/src/main/java/io/github/twpool/sidecar/Watch.java:4: io.github.twpool.ext.internal.OwnInternal "
                        + "is in io.github.twpool.ext.internal, an internal package of ext",
                "split/src/main/java/io/github/twpool/internal/Sneaky.java:1: package io.github.twpool.internal is in "
                        + "io.github.twpool.internal, an internal package of core");
    }

    @Test
    void theAllowlistNamesAReasonForEveryEntry(@TempDir Path dir) throws IOException {
        Path ok = Files.writeString(dir.resolve("ok"), "# comment\n\nsidecar -> io.github.twpool.internal.probe  # runs the probe\n");
        assertThat(InternalAccessCheck.readAllowlist(ok))
                .containsExactly(new Allowance("sidecar", "io.github.twpool.internal.probe", "runs the probe"));
        Path noReason = Files.writeString(dir.resolve("bad"), "sidecar -> io.github.twpool.internal\n");
        assertThatThrownBy(() -> InternalAccessCheck.readAllowlist(noReason))
                .hasMessageContaining("bad:1: expected 'module -> package  # reason'");
        // The real allowlist is well formed and only grants internal packages.
        assertThat(InternalAccessCheck.readAllowlist(ROOT.resolve("build-checks/internal-access.allowlist")))
                .isNotEmpty()
                .allSatisfy(a -> assertThat(InternalAccessCheck.isInternal(a.packagePrefix())).isTrue());
    }

    private static void fixtureReactor(Path dir, String... modules) throws IOException {
        StringBuilder pom = new StringBuilder("<project><artifactId>fixture</artifactId><version>1</version><modules>");
        for (String m : modules) {
            pom.append("<module>").append(m).append("</module>");
            Files.createDirectories(dir.resolve(m));
            Files.writeString(dir.resolve(m).resolve("pom.xml"), "<project><artifactId>" + m + "</artifactId></project>");
        }
        Files.writeString(dir.resolve("pom.xml"), pom.append("</modules></project>"));
    }

    private static void source(Path dir, String module, String pkg, String cls, String body) throws IOException {
        Path file = dir.resolve(module).resolve("src/main/java").resolve(pkg.replace('.', '/')).resolve(cls + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "package " + pkg + ";\n" + body + "\n");
    }
}
