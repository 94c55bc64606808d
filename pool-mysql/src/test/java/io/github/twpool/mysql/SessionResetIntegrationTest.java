package io.github.twpool.mysql;

import com.mysql.cj.jdbc.JdbcConnection;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolDataSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static io.github.twpool.mysql.MySqlTestSupport.props;
import static io.github.twpool.mysql.MySqlTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** reset-session on the real server: the next borrower of the same physical connection sees a clean session. */
class SessionResetIntegrationTest {

    private static String dirty(Connection c) throws SQLException {
        String id = scalar(c, "SELECT CONNECTION_ID()");
        try (Statement s = c.createStatement()) {
            s.execute("SET @v := 42");
            s.execute("SET SESSION wait_timeout = 1234");
            s.execute("CREATE TEMPORARY TABLE twpool_reset_probe (x INT)");
        }
        c.setAutoCommit(false);
        return id;
    }

    /** Portable across MySQL and MariaDB: error 1146 is "table doesn't exist". */
    private static boolean tempTableExists(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT COUNT(*) FROM twpool_reset_probe").close();
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void theNextBorrowerOfTheSameConnectionSeesNoneOfThePreviousSession() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true"))) {
            String defaultWaitTimeout;
            try (Connection c = ds.getConnection()) {
                defaultWaitTimeout = scalar(c, "SELECT @@SESSION.wait_timeout");
                assertThat(c.isWrapperFor(JdbcConnection.class)).isTrue();
                assertThat(c.unwrap(JdbcConnection.class)).isNotNull();
            }
            String first;
            try (Connection c = ds.getConnection()) {
                first = dirty(c);
            }
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT CONNECTION_ID()")).isEqualTo(first);
                assertThat(scalar(c, "SELECT @v")).isNull();
                assertThat(scalar(c, "SELECT @@SESSION.wait_timeout")).isEqualTo(defaultWaitTimeout);
                assertThat(tempTableExists(c)).isFalse();
                assertThat(c.getAutoCommit()).isTrue();
                assertThat(scalar(c, "SELECT @@autocommit")).isEqualTo("1");
            }
            assertThat(ds.connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void withoutResetTheSessionLeaksToTheNextBorrower() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1"))) {
            String first;
            try (Connection c = ds.getConnection()) {
                first = dirty(c);
            }
            try (Connection c = ds.getConnection()) {
                assertThat(scalar(c, "SELECT CONNECTION_ID()")).isEqualTo(first);
                assertThat(scalar(c, "SELECT @v")).isEqualTo("42");
                assertThat(scalar(c, "SELECT @@SESSION.wait_timeout")).isEqualTo("1234");
                assertThat(tempTableExists(c)).isTrue();
                // Hikari itself restores autocommit: that much is clean even without reset-session.
                assertThat(c.getAutoCommit()).isTrue();
            }
        }
    }

    @Test
    void closingTwiceIsHarmlessAndWithoutResetNoProxySitsOnThePath() throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1", "twpool.reset-session", "true"))) {
            Connection c = ds.getConnection();
            assertThat(c.getClass().getSimpleName()).isEqualTo("SessionResetConnection");
            c.close();
            c.close();
            assertThat(c.isClosed()).isTrue();
        }
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props("twpool.pool-size", "1"));
             Connection c = ds.getConnection()) {
            assertThat(c.getClass().getName()).startsWith("com.zaxxer.hikari.pool.");
        }
    }

    @Test
    void paranoidModeWouldSkipTheResetSoItIsRefusedAtStart() {
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.reset-session", "true",
                "twpool.driver.paranoid", "true")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.reset-session=true")
                .hasMessageContaining("paranoid=true");
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.reset-session", "true",
                "twpool.url", "jdbc:mysql://127.0.0.1:3306/test?paranoid=true")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("paranoid=true");
    }

    @Test
    void mariaDbConnectorJUrlsAreRefusedForResetSessionWithAClearMessage() {
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props("twpool.reset-session", "true",
                "twpool.url", "jdbc:mariadb://127.0.0.1:3306/test")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("MariaDB Connector/J (jdbc:mariadb:) is not supported")
                .hasMessageContaining("use a jdbc:mysql: URL");
    }
}
