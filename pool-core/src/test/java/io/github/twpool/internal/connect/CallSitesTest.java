package io.github.twpool.internal.connect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallSitesTest {

    @Test
    void theFirstFrameOutsideJdbcPoolAndFrameworkCodeIsNamedWithFileAndLine() {
        String site = CallSites.current();
        assertThat(site).startsWith("io.github.twpool.internal.connect.CallSitesTest.theFirstFrameOutside")
                .contains("(CallSitesTest.java:");
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
