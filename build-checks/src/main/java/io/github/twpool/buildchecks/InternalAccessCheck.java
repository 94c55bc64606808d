package io.github.twpool.buildchecks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The module boundary, as a JPMS {@code exports} would draw it: a package with an {@code internal} segment belongs
 * to the module that declares it, and no other module's production code may name it (import, static import or
 * fully qualified name) or declare a class in it (a split package). Our own tools that legitimately reuse internals
 * (the sidecar, the benchmarks) are listed in an allowlist, one module and package per line with the reason, like a
 * qualified {@code exports ... to}.
 */
public final class InternalAccessCheck {

    /** A dotted name starting with our root package: the longest run of identifiers joined by dots. */
    private static final Pattern OUR_NAME = Pattern.compile("\\bio\\.github\\.twpool(?:\\s*\\.\\s*[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern ALLOW = Pattern.compile("^([\\w.-]+)\\s*->\\s*([\\w.]+)\\s*#\\s*(\\S.*)$");

    /** One forbidden use: where, what was named, and whose package it is. */
    public record Violation(Path file, int line, String name, String ownerModule, String internalPackage) {
        /** {@code pool-mysql/src/main/java/.../MySqlExtension.java:5: io.github.twpool.internal.Durations ...}. */
        public String describe(Path root) {
            return root.relativize(file) + ":" + line + ": " + name + " is in " + internalPackage
                    + ", an internal package of " + ownerModule;
        }
    }

    /** A qualified export: {@code module} may use {@code packagePrefix} (and its subpackages) of other modules. */
    public record Allowance(String module, String packagePrefix, String reason) {
        boolean covers(String module, String pkg) {
            return this.module.equals(module) && (pkg.equals(packagePrefix) || pkg.startsWith(packagePrefix + "."));
        }
    }

    private InternalAccessCheck() {
    }

    /** Reads an allowlist: {@code module -> package  # reason}; blank lines and lines starting with # are ignored. */
    public static List<Allowance> readAllowlist(Path file) {
        List<Allowance> result = new ArrayList<>();
        try {
            int n = 0;
            for (String raw : Files.readAllLines(file)) {
                n++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = ALLOW.matcher(line);
                if (!m.matches()) {
                    throw new IllegalArgumentException(file + ":" + n + ": expected 'module -> package  # reason', got: " + raw);
                }
                result.add(new Allowance(m.group(1), m.group(2), m.group(3)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Every use of another module's internal package in the reactor's production sources, in file order. */
    public static List<Violation> check(Reactor reactor, List<Allowance> allowlist) {
        Map<String, String> owners = packageOwners(reactor);
        List<Violation> violations = new ArrayList<>();
        for (Reactor.Module module : reactor.modules()) {
            for (Path file : module.mainSources()) {
                String code = stripCommentsAndLiterals(read(file));
                Matcher pkg = PACKAGE.matcher(code);
                String declared = pkg.find() ? pkg.group(1) : "";
                String declaredOwner = owners.get(declared);
                if (isInternal(declared) && declaredOwner != null && !declaredOwner.equals(module.artifactId())
                        && !allowed(allowlist, module.artifactId(), declared)) {
                    violations.add(new Violation(file, lineOf(code, pkg.start(1)), "package " + declared,
                            declaredOwner, declared));
                }
                Matcher m = OUR_NAME.matcher(code);
                while (m.find()) {
                    String name = m.group().replaceAll("\\s+", "");
                    String owned = longestKnownPackage(name, owners);
                    if (owned == null || !isInternal(owned) || owned.equals(declared)) {
                        continue;
                    }
                    String owner = owners.get(owned);
                    if (!owner.equals(module.artifactId()) && !allowed(allowlist, module.artifactId(), owned)) {
                        violations.add(new Violation(file, lineOf(code, m.start()), name, owner, owned));
                    }
                }
            }
        }
        return violations;
    }

    /** package → the module that declares it first (reactor order); a split package is reported by {@link #check}. */
    static Map<String, String> packageOwners(Reactor reactor) {
        Map<String, String> owners = new LinkedHashMap<>();
        for (Reactor.Module module : reactor.modules()) {
            for (Path file : module.mainSources()) {
                Matcher pkg = PACKAGE.matcher(stripCommentsAndLiterals(read(file)));
                if (pkg.find()) {
                    owners.putIfAbsent(pkg.group(1), module.artifactId());
                }
            }
        }
        return owners;
    }

    private static boolean allowed(List<Allowance> allowlist, String module, String pkg) {
        return allowlist.stream().anyMatch(a -> a.covers(module, pkg));
    }

    static boolean isInternal(String pkg) {
        return pkg.equals("internal") || pkg.contains(".internal.") || pkg.endsWith(".internal")
                || pkg.startsWith("internal.");
    }

    /** The longest declared package that {@code name} (a package, class or member name) starts with. */
    private static String longestKnownPackage(String name, Map<String, String> owners) {
        String candidate = name;
        while (true) {
            if (owners.containsKey(candidate)) {
                return candidate;
            }
            int dot = candidate.lastIndexOf('.');
            if (dot < 0) {
                return null;
            }
            candidate = candidate.substring(0, dot);
        }
    }

    private static int lineOf(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The source with comments, string, text-block and char literals blanked (newlines kept, so line numbers stay):
     * a name in a comment or a log message is not a use.
     */
    static String stripCommentsAndLiterals(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                blank(s, i, end, out);
                i = end;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? s.length() : end + 3;
                blank(s, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                int end = Math.min(s.length(), j + 1);
                blank(s, i, end, out);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String s, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            out.append(s.charAt(k) == '\n' ? '\n' : ' ');
        }
    }
}
