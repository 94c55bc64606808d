package io.github.twpool.spring.boot3;

import io.github.twpool.spring.TwPoolHealthCheck;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import java.util.Map;

/**
 * Spring Boot 3.5's rendering of {@link TwPoolHealthCheck}: UP when the pool hands out a live connection within
 * {@code validation-timeout}, DOWN otherwise, never waiting the pool's full {@code timeout}. As {@code twpool} it
 * shows every detail; as {@code db} (when twpool answers Boot's database check) only the pool and any error.
 */
public class TwPoolHealthIndicator implements HealthIndicator {

    private final TwPoolHealthCheck check;
    private final boolean allDetails;

    public TwPoolHealthIndicator(TwPoolHealthCheck check, boolean allDetails) {
        this.check = check;
        this.allDetails = allDetails;
    }

    @Override
    public Health health() {
        TwPoolHealthCheck.Result r = check.check();
        Map<String, Object> details = allDetails ? r.details() : r.summary();
        return (r.up() ? Health.up() : Health.down()).withDetails(details).build();
    }
}
