package io.github.twpool.testsupport;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class TlsServerIntegrationTest {

    @Test
    void theTlsServerNegotiatesTlsWithConnectorJDefaults() throws SQLException {
        TestDatabase tls = TestDatabase.tls();
        assertThat(tls.host()).isEqualTo("127.0.0.1");
        assertThat(tls.port()).isNotEqualTo(3306);
        assertThat(tls.jdbcUrl()).doesNotContain("ssl"); // Connector/J's default sslMode=PREFERRED, nothing forced
        try (Connection c = tls.openDirect(); Statement s = c.createStatement()) {
            assertThat(value(s, "SHOW SESSION STATUS LIKE 'Ssl_cipher'")).as("TLS cipher of this session").isNotBlank();
            assertThat(value(s, "SELECT VERSION()")).startsWith("11.4.");
            assertThat(value(s, "SHOW GLOBAL VARIABLES LIKE 'userstat'")).isEqualTo("ON");
        }
    }

    @Test
    void theTlsServerIsSharedWithinTheJvm() {
        assertThat(TestDatabase.tls()).isSameAs(TestDatabase.tls());
    }

    private static String value(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(rs.getMetaData().getColumnCount());
        }
    }
}
