package io.github.twpool.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * A web application whose DataSource is twpool's, from application.properties only. Try
 * {@code curl localhost:8080/now}, {@code /actuator/health} and {@code /actuator/prometheus | grep twpool_}.
 */
@SpringBootApplication
@RestController
public class OrdersApplication {

    private final JdbcTemplate jdbc;

    public OrdersApplication(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/now")
    public Map<String, Object> now() {
        return jdbc.queryForMap("SELECT NOW() AS now, CONNECTION_ID() AS connection");
    }

    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }
}
