package io.github.twpool.buildchecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** io.github.twpool:twpool-bom lists every deployed module, and nothing else, at the project's version. */
class BomTest {

    private final Reactor reactor = Reactor.read(ModuleBoundaryTest.ROOT);
    private final Element bom = Reactor.parse(ModuleBoundaryTest.ROOT.resolve("bom/pom.xml")).getDocumentElement();
    private final Element parent = Reactor.parse(ModuleBoundaryTest.ROOT.resolve("pom.xml")).getDocumentElement();

    @Test
    void listsEveryDeployedModuleAndNothingElse() {
        List<String> deployed = reactor.deployedJars().stream().map(Reactor.Module::artifactId).toList();
        assertThat(deployed).as("deployed modules").contains("pool-core", "pool-mysql", "pool-postgresql", "pool-metrics", "pool-spring-boot-starter")
                .doesNotContain("test-support", "benchmarks", "examples", "examples-spring-boot", "build-checks");

        List<Element> managed = managedDependencies();
        assertThat(managed).extracting(d -> Reactor.text(d, "artifactId"))
                .as("bom/pom.xml must list exactly the deployed modules (a module is deployed unless its pom sets "
                        + "maven.deploy.skip=true)")
                .containsExactlyInAnyOrderElementsOf(deployed);
        assertThat(managed).allSatisfy(d -> {
            assertThat(Reactor.text(d, "groupId")).isEqualTo("io.github.twpool");
            assertThat(Reactor.text(d, "version")).isEqualTo("${project.version}");
            assertThat(Reactor.text(d, "scope")).isNull();
        });
    }

    @Test
    void isDeployedAtTheProjectsVersionWithTheSameReleaseMetadataAsTheParent() {
        assertThat(Reactor.text(bom, "groupId")).isEqualTo("io.github.twpool");
        assertThat(Reactor.text(bom, "artifactId")).isEqualTo("twpool-bom");
        assertThat(Reactor.text(bom, "packaging")).isEqualTo("pom");
        assertThat(Reactor.text(bom, "version")).isEqualTo(reactor.version());
        assertThat(reactor.modules()).anySatisfy(m -> {
            assertThat(m.artifactId()).isEqualTo("twpool-bom");
            assertThat(m.deployed()).isTrue();
        });
        // Not a child of twpool-parent: importing it must not import the parent's third-party versions.
        assertThat(Reactor.child(bom, "parent")).isNull();
        for (String element : List.of("url", "licenses", "developers", "scm", "issueManagement", "inceptionYear")) {
            assertThat(normalized(Reactor.child(bom, element))).as(element)
                    .isNotBlank()
                    .isEqualTo(normalized(Reactor.child(parent, element)));
        }
        assertThat(Reactor.text(Reactor.child(Reactor.child(parent, "licenses"), "license"), "name")).isEqualTo("Apache-2.0");
    }

    @Test
    void everyDeployedModuleDescribesItself() {
        for (Reactor.Module m : reactor.deployedJars()) {
            Element pom = Reactor.parse(m.dir().resolve("pom.xml")).getDocumentElement();
            assertThat(Reactor.text(pom, "name")).as(m.artifactId() + " <name>").isNotBlank();
            assertThat(Reactor.text(pom, "description")).as(m.artifactId() + " <description> (its own, not the parent's)")
                    .isNotBlank()
                    .isNotEqualTo(Reactor.text(parent, "description"));
        }
    }

    private List<Element> managedDependencies() {
        Element deps = Reactor.child(Reactor.child(bom, "dependencyManagement"), "dependencies");
        List<Element> result = new ArrayList<>();
        for (Node n = deps.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("dependency")) {
                result.add(e);
            }
        }
        return result;
    }

    private static String normalized(Element e) {
        if (e == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                b.append('<').append(c.getTagName()).append('>').append(normalized(c));
            } else if (n.getNodeType() == Node.TEXT_NODE) {
                b.append(n.getTextContent().strip());
            }
        }
        return b.length() == 0 ? e.getTextContent().strip() : b.toString();
    }
}
