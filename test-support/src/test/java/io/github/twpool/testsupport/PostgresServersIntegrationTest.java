package io.github.twpool.testsupport;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** Both PostgreSQL paths are there in every build: one plain session and one over TLS, with pgjdbc's defaults. */
class PostgresServersIntegrationTest {

    @Test
    void thePlainServerAnswersWithoutTlsWhenAskedTo() throws SQLException {
        TestDatabase pg = TestDatabase.postgres();
        assertThat(pg.isPostgres()).isTrue();
        assertThat(pg.host()).isEqualTo("127.0.0.1");
        try (Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), props(pg, "disable"));
             Statement s = c.createStatement()) {
            assertThat(value(s, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo("f");
            assertThat(Integer.parseInt(value(s, "SHOW server_version_num"))).isGreaterThanOrEqualTo(140000);
        }
    }

    @Test
    void theTlsServerNegotiatesTlsWithPgjdbcDefaults() throws SQLException {
        TestDatabase tls = TestDatabase.postgresTls();
        assertThat(tls.isPostgres()).isTrue();
        assertThat(tls.jdbcUrl()).doesNotContain("ssl"); // pgjdbc's default sslmode=prefer, nothing forced
        try (Connection c = tls.openDirect(); Statement s = c.createStatement()) {
            assertThat(value(s, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).as("TLS on this session").isEqualTo("t");
            assertThat(value(s, "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).startsWith("TLSv1.");
        }
        assertThat(TestDatabase.postgresTls()).isSameAs(tls);
    }

    private static java.util.Properties props(TestDatabase d, String sslmode) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", d.username());
        p.setProperty("password", d.password());
        p.setProperty("sslmode", sslmode);
        return p;
    }

    private static String value(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
