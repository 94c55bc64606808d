package io.github.twpool.examples.boot;

import io.github.twpool.TwPoolDataSource;
import io.github.twpool.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts the example on a random port against the test server and reads its endpoints as a user would. */
class OrdersApplicationIntegrationTest {

    @Test
    void theApplicationServesRequestsThroughTwpoolAndShowsItsMetersAndHealth() throws Exception {
        TestDatabase db = TestDatabase.get();
        try (ConfigurableApplicationContext context = SpringApplication.run(OrdersApplication.class, "--server.port=0",
                "--twpool.url=" + db.jdbcUrl(), "--twpool.username=" + db.username(), "--twpool.password=" + db.password())) {
            assertThat(context.getBean(DataSource.class)).isInstanceOf(TwPoolDataSource.class);
            // local.server.port: the same on Boot 3.5 and 4 (the web server classes moved between them).
            int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            HttpClient http = HttpClient.newHttpClient();
            String now = get(http, port, "/now");
            assertThat(now).contains("\"connection\"");
            String health = get(http, port, "/actuator/health");
            assertThat(health).contains("\"twpool\"", "\"status\":\"UP\"", "\"endpoint\"");
            String prometheus = get(http, port, "/actuator/prometheus");
            assertThat(prometheus).contains("twpool_time_wait_sockets", "twpool_connections_opened_total",
                    "hikaricp_connections_active", "pool=\"orders\"");
            assertThat(prometheus + health).doesNotContain("password");
        }
    }

    private static String get(HttpClient http, int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }
}
