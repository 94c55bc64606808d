package io.github.twpool.postgresql;

import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.github.twpool.postgresql.PgTestSupport.props;
import static io.github.twpool.postgresql.PgTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * pgjdbc's defaults under pool-postgresql, as the server and the kernel see them: the pool's name in
 * pg_stat_activity, keepalive on the pool's socket; the user's own value wins; a mistyped property name is refused.
 */
class PgDriverDefaultsIntegrationTest {

    @ParameterizedTest
    @MethodSource("io.github.twpool.postgresql.PgTestSupport#servers")
    void theServerSeesThePoolsNameAndTheSocketHasKeepalive(TestDatabase db) throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.name", "orders-api", "twpool.pool-size", "1"));
             Connection c = ds.getConnection()) {
            assertThat(scalar(c, "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()"))
                    .isEqualTo("orders-api");
            String clientPort = scalar(c, "SELECT inet_client_port()");
            Process ss = new ProcessBuilder(List.of("ss", "-tnoH", "state", "established", "( sport = :" + clientPort + " )"))
                    .redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as("the pool's socket, by ss").contains(":" + clientPort).contains("keepalive");
        }
    }

    @Test
    void theUsersApplicationNameWinsFromDriverPropertiesAndFromTheUrl() throws Exception {
        TestDatabase db = TestDatabase.postgres();
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.name", "pool-name",
                "twpool.driver.ApplicationName", "users-own"));
             Connection c = ds.getConnection()) {
            assertThat(scalar(c, "SHOW application_name")).isEqualTo("users-own");
        }
        Properties p = props(db, "twpool.name", "pool-name");
        p.setProperty("twpool.url", db.jdbcUrl() + "?ApplicationName=from-url");
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(p); Connection c = ds.getConnection()) {
            assertThat(scalar(c, "SHOW application_name")).isEqualTo("from-url");
        }
    }

    @Test
    void aDriverPropertyNameInTheWrongCaseIsRefusedWithoutItsValue() {
        TestDatabase db = TestDatabase.postgres();
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props(db, "twpool.driver.applicationname", "s3cret-ish")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.driver.applicationname")
                .hasMessageContaining("twpool.driver.ApplicationName")
                .hasMessageNotContaining("s3cret-ish");
    }

    @Test
    void pgjdbcsOwnNamesAndTheExtensionsKeysAreChecked() throws Exception {
        TestDatabase db = TestDatabase.postgres();
        try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(props(db, "twpool.driver.sslmode", "disable",
                "twpool.postgresql.status-interval", "5s", "twpool.postgresql.clamp-recycle", "false"));
             Connection c = ds.getConnection()) {
            assertThat(scalar(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).isEqualTo("f");
        }
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props(db, "twpool.postgresql.status-interval", "0s")))
                .isInstanceOf(TwPoolConfigException.class)
                .hasMessageContaining("twpool.postgresql.status-interval").hasMessageContaining("1s to 1h");
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props(db, "twpool.postgresql.clamp-recycle", "maybe")))
                .isInstanceOf(TwPoolConfigException.class).hasMessageContaining("true or false");
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(props(db, "twpool.postgresql.clamp-recycel", "true")))
                .isInstanceOf(TwPoolConfigException.class).hasMessageContaining("twpool.postgresql.clamp-recycle");
    }
}
