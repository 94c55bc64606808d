package io.github.twpool.internal.probe;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointTest {

    @Test
    void hostsAndPortsOfEveryJdbcUrlForm() {
        assertThat(Endpoint.parseHosts("jdbc:mysql://db.internal:3307/app?user=x"))
                .containsExactly(new Endpoint.HostPort("db.internal", 3307));
        assertThat(Endpoint.parseHosts("jdbc:mysql://db.internal/app")).containsExactly(new Endpoint.HostPort("db.internal", 3306));
        assertThat(Endpoint.parseHosts("jdbc:mysql://[::1]:3310/test")).containsExactly(new Endpoint.HostPort("::1", 3310));
        assertThat(Endpoint.parseHosts("jdbc:mariadb://a:1,b:2/x")).containsExactly(
                new Endpoint.HostPort("a", 1), new Endpoint.HostPort("b", 2));
        assertThat(Endpoint.parseHosts("jdbc:mysql://user:pw@h:3306/x")).containsExactly(new Endpoint.HostPort("h", 3306));
        assertThat(Endpoint.parseHosts("jdbc:mysql://(host=h1,port=3308,user=u)/db"))
                .containsExactly(new Endpoint.HostPort("h1", 3308));
        assertThat(Endpoint.parseHosts("jdbc:mysql:replication://h1,h2:4000/db")).containsExactly(
                new Endpoint.HostPort("h1", 3306), new Endpoint.HostPort("h2", 4000));
    }

    /**
     * Adversarial pass: a password Connector/J reads with a ';' or ' in user:password@ made the probe watch a host
     * named after the user ("u:3306", ';' ended the authority for SQL Server's sake), and the metrics tag say so.
     */
    @Test
    void aPasswordWithASemicolonIsNotTakenForTheHost() {
        assertThat(Endpoint.parseHosts("jdbc:mysql://u:Zq9;S3cret@db.internal:3307/app"))
                .containsExactly(new Endpoint.HostPort("db.internal", 3307));
        assertThat(Endpoint.parseHosts("jdbc:mysql://u:Zq9;S3cret@a:1,u:Zq9;S3cret@b:2/app"))
                .containsExactly(new Endpoint.HostPort("a", 1), new Endpoint.HostPort("b", 2));
        assertThat(Endpoint.displayOf("jdbc:mariadb://u:Zq9;S3cret@db.internal/app")).isEqualTo("db.internal:3306");
        assertThat(Endpoint.parseHosts("jdbc:sqlserver://db:1433;databaseName=x;password=a@b"))
                .containsExactly(new Endpoint.HostPort("db", 1433));
    }

    /** The default port is the scheme's, not MySQL's for every URL. */
    @Test
    void theDefaultPortComesFromTheScheme() {
        assertThat(Endpoint.parseHosts("jdbc:postgresql://db/app")).containsExactly(new Endpoint.HostPort("db", 5432));
        assertThat(Endpoint.parseHosts("jdbc:postgresql://db:6432/app")).containsExactly(new Endpoint.HostPort("db", 6432));
        assertThat(Endpoint.parseHosts("jdbc:postgresql:app")).containsExactly(new Endpoint.HostPort("127.0.0.1", 5432));
        assertThat(Endpoint.parseHosts("jdbc:mariadb://db/app")).containsExactly(new Endpoint.HostPort("db", 3306));
        assertThat(Endpoint.parseHosts("jdbc:sqlserver://db;databaseName=x")).containsExactly(new Endpoint.HostPort("db", 1433));
        assertThat(Endpoint.parseHosts("jdbc:oracle:thin:@db:1522:ORCL")).containsExactly(new Endpoint.HostPort("db", 1522));
        assertThat(Endpoint.parseHosts("jdbc:oracle:thin:@//db/svc")).containsExactly(new Endpoint.HostPort("db", 1521));
        assertThat(Endpoint.parseHosts("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db)(PORT=1600))(CONNECT_DATA=(SERVICE_NAME=s)))"))
                .containsExactly(new Endpoint.HostPort("db", 1600));
        assertThat(Endpoint.parseHosts("jdbc:mysql://(host=h1,user=u)/db")).containsExactly(new Endpoint.HostPort("h1", 3306));
        assertThat(Endpoint.parseHosts("jdbc:mysql://u:p@h1,u:p@h2:3307/db")).containsExactly(
                new Endpoint.HostPort("h1", 3306), new Endpoint.HostPort("h2", 3307));
        assertThat(Endpoint.parseHosts("jdbc:foo://db:7000/x")).containsExactly(new Endpoint.HostPort("db", 7000));
        assertThatThrownBy(() -> Endpoint.parseHosts("jdbc:foo://db/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no default port for jdbc:foo: URLs");
        assertThatThrownBy(() -> Endpoint.parseHosts("jdbc:h2:mem:x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Endpoint.displayOf("jdbc:foo://db/x")).isEqualTo("db");
        assertThat(Endpoint.displayOf("jdbc:h2:mem:x")).isEqualTo("(no host in the URL)");
    }

    @Test
    void addressesInTheKernelsHexForms() throws Exception {
        assertThat(Endpoint.wordsHex(InetAddress.getByName("127.0.0.1").getAddress())).isEqualTo("0100007F");
        assertThat(Endpoint.wordsHex(InetAddress.getByName("10.1.2.3").getAddress())).isEqualTo("0302010A");
        assertThat(Endpoint.wordsHex(InetAddress.getByName("::1").getAddress()))
                .isEqualTo("00000000000000000000000001000000");
        Endpoint e = Endpoint.fromJdbcUrl("jdbc:mysql://127.0.0.1:3306/test");
        byte[] mapped = "0000000000000000FFFF00000100007F".getBytes();
        assertThat(e.matchesV6(mapped, 0)).isTrue();
        assertThat(e.matchesV4("0100007F".getBytes(), 0)).isTrue();
        assertThat(e.local()).isTrue();
        assertThat(e.toString()).isEqualTo("127.0.0.1:3306");
        assertThat(Endpoint.fromJdbcUrl("jdbc:mysql://app:secret@127.0.0.1:3306/x").toString()).doesNotContain("secret");
    }
}
