package io.github.twpool.mysql;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcConnection;
import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static io.github.twpool.mysql.MySqlTestSupport.props;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Connector/J skips COM_RESET_CONNECTION when it reads {@code paranoid} as true, so
 * reset-session must refuse every spelling the driver reads as true. The oracle is the driver itself, on a real
 * connection: whatever it connects with, the guard must agree.
 */
class ParanoidGuardIntegrationTest {

    private record Spelling(String url, String driverKey, String driverValue) {
        @Override
        public String toString() {
            return driverKey == null ? url : "twpool.driver." + driverKey + "=" + driverValue;
        }
    }

    private static List<Spelling> spellings() {
        TestDatabase db = TestDatabase.get();
        String base = db.jdbcUrl();
        String q = base.contains("?") ? "&" : "?";
        String dbName = base.replaceFirst("^.*/([^/?]*)(\\?.*)?$", "$1");
        List<Spelling> s = new ArrayList<>();
        for (String v : new String[] {"true", "TRUE", "True", "tRuE", "yes", "YES", "Yes", "on", "1", "y", " true", "true ",
                "false", "no", "NO"}) {
            s.add(new Spelling(base, "paranoid", v));
        }
        s.add(new Spelling(base, "PARANOID", "true"));
        s.add(new Spelling(base, "Paranoid", "yes"));
        for (String query : new String[] {"paranoid=true", "paranoid=%74rue", "paranoid=%59ES", "par%61noid=true",
                "PARANOID=true", "Paranoid=Yes", "paranoid=yes", "paranoid=false&paranoid=true", "paranoid=true&paranoid=false",
                "paranoid=no"}) {
            s.add(new Spelling(base + q + query, null, null));
        }
        s.add(new Spelling("jdbc:mysql://address=(host=" + db.host() + ")(port=" + db.port() + ")(paranoid=true)/" + dbName, null, null));
        s.add(new Spelling("jdbc:mysql://address=(host=" + db.host() + ")(port=" + db.port() + ")(paranoid=YeS)/" + dbName, null, null));
        s.add(new Spelling("jdbc:mysql://(host=" + db.host() + ",port=" + db.port() + ",paranoid=yes)/" + dbName, null, null));
        s.add(new Spelling("jdbc:mysql://(host=" + db.host() + ",port=" + db.port() + ",paranoid=%74rue)/" + dbName, null, null));
        return s;
    }

    /** How the driver itself reads paranoid on a real connection; null when it refuses to connect at all. */
    private static Boolean driverReads(Spelling s) {
        TestDatabase db = TestDatabase.get();
        Properties p = new Properties();
        p.setProperty("user", db.username());
        p.setProperty("password", db.password());
        if (s.driverKey() != null) {
            p.setProperty(s.driverKey(), s.driverValue());
        }
        try (Connection c = DriverManager.getConnection(s.url(), p)) {
            return c.unwrap(JdbcConnection.class).getPropertySet().getBooleanProperty(PropertyKey.paranoid).getValue();
        } catch (SQLException e) {
            return null;
        }
    }

    private static Properties pool(Spelling s) {
        Properties p = props("twpool.reset-session", "true", "twpool.url", s.url(), "twpool.pool-size", "1");
        if (s.driverKey() != null) {
            p.setProperty("twpool.driver." + s.driverKey(), s.driverValue());
        }
        return p;
    }

    @Test
    void theSpellingsFromTheIssueAreReadAsTrueByTheDriverAndRefused() {
        TestDatabase db = TestDatabase.get();
        String q = db.jdbcUrl().contains("?") ? "&" : "?";
        for (Spelling s : List.of(new Spelling(db.jdbcUrl(), "paranoid", "YES"), new Spelling(db.jdbcUrl() + q + "paranoid=%74rue", null, null))) {
            assertThat(driverReads(s)).as(s.toString()).isTrue();
            assertThatThrownBy(() -> TwPoolDataSource.fromProperties(pool(s)).close()).as(s.toString())
                    .isInstanceOf(TwPoolConfigException.class).hasMessageContaining("paranoid");
        }
    }

    /** A multi-host URL runs on its first host until it fails over: paranoid on any host is refused. */
    @Test
    void paranoidOnAFailoverHostIsRefusedToo() {
        TestDatabase db = TestDatabase.get();
        Spelling s = new Spelling("jdbc:mysql://" + db.host() + ":" + db.port() + ",(host=" + db.host() + ",port=" + db.port()
                + ",paranoid=true)/test", null, null);
        assertThatThrownBy(() -> TwPoolDataSource.fromProperties(pool(s)).close())
                .isInstanceOf(TwPoolConfigException.class).hasMessageContaining("paranoid");
    }

    @Test
    void everySpellingTheDriverReadsAsTrueIsRefusedAndNoOtherStopsThePool() {
        int refused = 0;
        for (Spelling s : spellings()) {
            Boolean paranoid = driverReads(s);
            System.out.println("paranoid spelling " + s + " -> driver reads " + paranoid);
            if (Boolean.TRUE.equals(paranoid)) {
                refused++;
                assertThatThrownBy(() -> TwPoolDataSource.fromProperties(pool(s)).close()).as(s.toString())
                        .isInstanceOf(TwPoolConfigException.class)
                        .hasMessageContaining("twpool.reset-session")
                        .hasMessageContaining("paranoid");
            } else if (Boolean.FALSE.equals(paranoid)) {
                try (TwPoolDataSource ds = TwPoolDataSource.fromProperties(pool(s))) {
                    assertThat(ds.isClosed()).as(s.toString()).isFalse();
                }
            } else {
                // The driver refuses the value: the pool must not start either (then no reset can be skipped).
                assertThatThrownBy(() -> TwPoolDataSource.fromProperties(pool(s)).close()).as(s.toString())
                        .isInstanceOf(RuntimeException.class);
            }
        }
        // The oracle must have said "true" for the spellings the issue names, or this test proves nothing.
        assertThat(refused).isGreaterThanOrEqualTo(21);
    }
}
