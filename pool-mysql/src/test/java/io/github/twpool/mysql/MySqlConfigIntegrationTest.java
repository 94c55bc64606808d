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
                .hasMessageContaining("twpool.mysql.status-interval=1ms: must be a duration from 1s to 1h");
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.mysql.clamp-recycle", "maybe")))
                .hasMessageContaining("twpool.mysql.clamp-recycle=maybe: must be true or false");
    }
}
