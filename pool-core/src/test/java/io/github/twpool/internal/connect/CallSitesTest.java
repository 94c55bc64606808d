package io.github.twpool.internal.connect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallSitesTest {

    @Test
    void theFirstFrameOutsideSkippedCodeIsNamedWithFileAndLine() {
        // This test sits in twpool's internal package, skipped like the rest of twpool's own code: the first frame
        // left is JUnit's (JvmConnectsIntegrationTest checks a user's method is named).
        String site = CallSites.current();
        assertThat(site).doesNotContain("CallSitesTest").matches("org\\.junit\\.[\\w.$]+\\.\\w+\\(\\w+\\.java:\\d+\\)");
    }

    @Test
    void driversPoolsFrameworksAndTwpoolInternalsAreSkipped() {
        assertThat(CallSites.skipped("com.mysql.cj.jdbc.NonRegisteringDriver")).isTrue();
        assertThat(CallSites.skipped("com.zaxxer.hikari.pool.PoolBase")).isTrue();
        assertThat(CallSites.skipped("org.springframework.jdbc.datasource.DriverManagerDataSource")).isTrue();
        assertThat(CallSites.skipped("java.sql.DriverManager")).isTrue();
        assertThat(CallSites.skipped("io.github.twpool.internal.CountingDataSource")).isTrue();
        assertThat(CallSites.skipped("com.acme.ReportJob")).isFalse();
        assertThat(CallSites.skipped("io.github.twpool.examples.ChurnDemo")).isFalse();
    }
}
