package io.github.twpool;

import io.github.twpool.spi.ConnectionDecorator;
import io.github.twpool.spi.TwPoolExtension;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A session-reset decorator that fails while wrapping a borrowed connection must not cost the pool its place: the
 * connection it was given is evicted, not kept borrowed forever, so the next borrower gets one within {@code timeout}.
 */
class DecoratorFailureIntegrationTest {

    /** Fails to decorate the first {@code failures} borrows, then hands the connection through. */
    private static final class FailingDecorator implements TwPoolExtension {
        final AtomicInteger calls = new AtomicInteger();
        private final int failures;

        FailingDecorator(int failures) {
            this.failures = failures;
        }

        @Override
        public String name() {
            return "failing";
        }

        @Override
        public boolean supports(String jdbcUrl) {
            return true;
        }

        @Override
        public ConnectionDecorator sessionReset(TwPoolConfig config) {
            return (connection, context) -> {
                if (calls.incrementAndGet() <= failures) {
                    throw new SQLException("decoration failed on purpose");
                }
                return connection;
            };
        }
    }

    @Test
    void aBorrowWhoseDecorationFailsGivesItsConnectionBack() throws Exception {
        TwPoolConfig config = TwPoolConfig.fromProperties(PoolTestSupport.props(
                "twpool.name", "decorator-fails", "twpool.pool-size", "1", "twpool.timeout", "2s",
                "twpool.validation-timeout", "1s", "twpool.reset-session", "true"));
        FailingDecorator failing = new FailingDecorator(2);
        try (TwPoolDataSource ds = TwPoolDataSource.create(config, List.of(failing))) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("on purpose");
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("on purpose");
            // Before the fix both failed borrows kept the pool's only connection: this one timed out after 2 s.
            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(1)).isTrue();
            }
            assertThat(failing.calls.get()).isEqualTo(3);
        }
    }
}
