package io.github.twpool.mysql;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolDataSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static io.github.twpool.mysql.MySqlTestSupport.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MySqlConfigIntegrationTest {

    private static Object driverProperty(Connection c, PropertyKey key) throws Exception {
        return c.unwrap(JdbcConnection.class).getPropertySet().getProperty(key).getValue();
    }

    @Test
    void connectorJGetsThePooledDefaultsAndTheUsersValuesWin() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1",
                "twpool.driver.prepStmtCacheSize", "500"));
             Connection c = ds.getConnection()) {
            assertThat(driverProperty(c, PropertyKey.cachePrepStmts)).isEqualTo(true);
            assertThat(driverProperty(c, PropertyKey.useServerPrepStmts)).isEqualTo(true);
            assertThat(driverProperty(c, PropertyKey.rewriteBatchedStatements)).isEqualTo(true);
            assertThat(driverProperty(c, PropertyKey.tcpKeepAlive)).isEqualTo(true);
            assertThat(driverProperty(c, PropertyKey.connectTimeout)).isEqualTo(10000);
            assertThat(driverProperty(c, PropertyKey.prepStmtCacheSize)).isEqualTo(500);
        }
    }

    @Test
    void mysqlKeysAreValidated() {
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.mysql.clamp-recyle", "false")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.mysql.clamp-recyle: unknown property (its value is not shown); did you mean twpool.mysql.clamp-recycle?");
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.mysql.status-interval", "1ms")))
                .hasMessageContaining("twpool.mysql.status-interval=1ms: must be from 1s to 1h");
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.mysql.clamp-recycle", "maybe")))
                .hasMessageContaining("twpool.mysql.clamp-recycle=maybe: must be true or false");
    }

    /**
     * Connector/J's property names are case-sensitive and it ignores names it does not know: sslmode=VERIFY_IDENTITY
     * connected without TLS, to a server without TLS, while sslMode refuses. Environment variables bound by Spring
     * Boot (TWPOOL_DRIVER_SSLMODE) always give lowercase keys. Before: the pool started, unencrypted.
     */
    @Test
    void aDriverPropertyInTheWrongCaseIsRefusedNotIgnored() {
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.driver.sslmode", "VERIFY_IDENTITY")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.driver.sslmode: Connector/J's property names are case-sensitive")
                .hasMessageContaining("twpool.driver.sslMode")
                .hasMessageNotContaining("VERIFY_IDENTITY");
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.driver.trustcertificatekeystorepassword", "Pw9-secret")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.driver.trustCertificateKeyStorePassword")
                .hasMessageNotContaining("Pw9-secret");
        // Names Connector/J itself reads in any case (user, password) and names it does not know stay as they were.
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1",
                "twpool.driver.connectionAttributes", "app:adv", "twpool.driver.PASSWORD", io.github.twpool.testsupport.TestDatabase.get().password()))) {
            assertThat(ds.config().driverProperties()).containsKey("connectionAttributes");
        }
    }
}
