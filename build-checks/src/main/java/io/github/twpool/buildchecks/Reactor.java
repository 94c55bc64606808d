package io.github.twpool.buildchecks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The modules of a Maven reactor as its poms declare them: read from disk, no Maven needed. */
public final class Reactor {

    /** One module: its directory, coordinates and whether {@code mvn deploy} publishes it. */
    public record Module(Path dir, String artifactId, String packaging, boolean deployed) {

        /** The module's production sources ({@code src/main/java}), all {@code .java} files. */
        public List<Path> mainSources() {
            Path src = dir.resolve("src/main/java");
            if (!Files.isDirectory(src)) {
                return List.of();
            }
            try (Stream<Path> files = Files.walk(src)) {
                return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Path root;
    private final String version;
    private final List<Module> modules;

    private Reactor(Path root, String version, List<Module> modules) {
        this.root = root;
        this.version = version;
        this.modules = modules;
    }

    /** Reads the root pom and, recursively, every module it lists. */
    public static Reactor read(Path root) {
        Document pom = parse(root.resolve("pom.xml"));
        List<Module> modules = new ArrayList<>();
        collect(root, pom, modules);
        return new Reactor(root, text(pom.getDocumentElement(), "version"), List.copyOf(modules));
    }

    private static void collect(Path dir, Document pom, List<Module> into) {
        Element modulesElement = child(pom.getDocumentElement(), "modules");
        if (modulesElement == null) {
            return;
        }
        for (Node n = modulesElement.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("module")) {
                Path moduleDir = dir.resolve(e.getTextContent().trim()).normalize();
                Document modulePom = parse(moduleDir.resolve("pom.xml"));
                Element project = modulePom.getDocumentElement();
                String packaging = text(project, "packaging");
                Element properties = child(project, "properties");
                String deploySkip = properties == null ? null : text(properties, "maven.deploy.skip");
                into.add(new Module(moduleDir, text(project, "artifactId"), packaging == null ? "jar" : packaging,
                        !"true".equals(deploySkip)));
                collect(moduleDir, modulePom, into);
            }
        }
    }

    public Path root() {
        return root;
    }

    /** The root pom's version, which every module shares. */
    public String version() {
        return version;
    }

    public List<Module> modules() {
        return modules;
    }

    /** The modules users depend on: deployed and packaged as jars (not the BOM, not aggregators). */
    public List<Module> deployedJars() {
        return modules.stream().filter(m -> m.deployed() && m.packaging().equals("jar")).toList();
    }

    static Document parse(Path pom) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(pom.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        }
    }

    /** The trimmed text of the direct child element with that name, or {@code null}. */
    static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }
}
