package io.github.twpool;

import ch.qos.logback.classic.Level;
import io.github.twpool.testsupport.LogCapture;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a pool leaves behind when it is closed: no URL or credential of other code in twpool's static state, and no
 * log line from the probe that close() interrupted.
 */
class StateAfterCloseIntegrationTest {

    @Test
    void noUrlOrSecretOfOtherCodeIsReachableFromTwpoolsStaticStateAfterClose() throws Exception {
        TestDatabase db = TestDatabase.get();
        String keyStoreSecret = "TsSecret" + System.nanoTime();
        String otherUrl = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?")
                + "trustCertificateKeyStorePassword=" + keyStoreSecret;
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(db.twpoolProperties("twpool.name", "secrets",
                "twpool.probe.enabled", "true", "twpool.probe.interval", "1s", "twpool.pool-size", "1"))) {
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
            // Other code in the JVM connects with a secret in its URL, while the pool runs.
            for (int i = 0; i < 3; i++) {
                try (Connection c = DriverManager.getConnection(otherUrl, db.username(), db.password())) {
                    assertThat(c.isValid(1)).isTrue();
                }
            }
            Thread.sleep(500); // a probe tick or two
        }
        List<String> found = staticPathsTo(keyStoreSecret);
        assertThat(found).as("static state holding the other code's URL").isEmpty();
    }

    @Test
    void closingAPoolWritesNoLogLineAboutTheProbe() throws Exception {
        TestDatabase db = TestDatabase.get();
        try (LogCapture log = LogCapture.of("io.github.twpool")) {
            for (int i = 0; i < 12; i++) {
                TwPoolDataSource ds = TwPoolDataSource.fromProperties(db.twpoolProperties("twpool.name", "closing" + i,
                        "twpool.probe.enabled", "true", "twpool.probe.interval", "1s", "twpool.pool-size", "1"));
                try (Connection c = ds.getConnection()) {
                    assertThat(c.isValid(1)).isTrue();
                }
                Thread.sleep(3L * i);
                int before = log.lines().size();
                ds.close();
                Thread.sleep(50);
                List<String> atClose = log.lines().subList(before, log.lines().size());
                assertThat(atClose).as("lines written by close() of pool %d", i)
                        .noneMatch(l -> l.startsWith(Level.INFO + " ") || l.startsWith(Level.WARN + " "));
            }
        }
    }

    /** Paths from static fields of pool-core's classes to a String containing {@code needle}. */
    static List<String> staticPathsTo(String needle) throws IOException {
        Path classes = Path.of(TwPoolDataSource.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<String> names;
        try (Stream<Path> files = Files.walk(classes)) {
            names = files.map(classes::relativize).map(Path::toString)
                    .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .toList();
        }
        List<String> found = new ArrayList<>();
        Set<Object> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (String name : names) {
            Class<?> c;
            try {
                c = Class.forName(name, false, TwPoolDataSource.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            for (Field f : fields(c)) {
                if (!Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                Object v;
                try {
                    f.setAccessible(true);
                    v = f.get(null);
                } catch (RuntimeException | IllegalAccessException | LinkageError e) {
                    continue;
                }
                walk(v, name + "." + f.getName(), needle, seen, found);
            }
        }
        return found;
    }

    private static Field[] fields(Class<?> c) {
        try {
            return c.getDeclaredFields();
        } catch (LinkageError e) {
            return new Field[0];
        }
    }

    private static void walk(Object root, String rootPath, String needle, Set<Object> seen, List<String> found) {
        Deque<Object[]> todo = new ArrayDeque<>();
        todo.push(new Object[] {root, rootPath});
        int budget = 200_000;
        while (!todo.isEmpty() && budget-- > 0) {
            Object[] next = todo.pop();
            Object o = next[0];
            String path = (String) next[1];
            if (o == null || o instanceof Class<?> || o instanceof ClassLoader || o instanceof Thread || !seen.add(o)) {
                continue;
            }
            if (o instanceof CharSequence s) {
                if (s.toString().contains(needle)) {
                    found.add(path);
                }
                continue;
            }
            if (o instanceof Map<?, ?> m) {
                try {
                    for (Map.Entry<?, ?> e : new ArrayList<>(m.entrySet())) {
                        todo.push(new Object[] {e.getKey(), path + "{key}"});
                        todo.push(new Object[] {e.getValue(), path + "{value}"});
                    }
                } catch (RuntimeException ignored) {
                    // not iterable now
                }
                continue;
            }
            if (o instanceof Collection<?> col) {
                try {
                    for (Object e : new ArrayList<>(col)) {
                        todo.push(new Object[] {e, path + "[]"});
                    }
                } catch (RuntimeException ignored) {
                    // not iterable now
                }
                continue;
            }
            if (o.getClass().isArray()) {
                if (!o.getClass().getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(o); i++) {
                        todo.push(new Object[] {Array.get(o, i), path + "[" + i + "]"});
                    }
                }
                continue;
            }
            String cn = o.getClass().getName();
            if (cn.startsWith("java.") || cn.startsWith("jdk.") || cn.startsWith("sun.")) {
                continue; // JDK internals cannot be opened; what matters is held through collections above
            }
            for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : fields(c)) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                        todo.push(new Object[] {f.get(o), path + "." + f.getName()});
                    } catch (RuntimeException | IllegalAccessException e) {
                        // not accessible: skip
                    }
                }
            }
        }
    }
}
