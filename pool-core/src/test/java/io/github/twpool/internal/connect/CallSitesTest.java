package io.github.twpool.internal.connect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallSitesTest {

    @Test
    void theFirstFrameBelowOutsideSkippedCodeIsNamedWithFileAndLine() {
        StackTraceElement[] stack = {
                new StackTraceElement("com.mysql.cj.jdbc.NonRegisteringDriver", "connect", "NonRegisteringDriver.java", 300),
                new StackTraceElement("java.sql.DriverManager", "getConnection", "DriverManager.java", 683),
                new StackTraceElement("org.springframework.jdbc.datasource.DriverManagerDataSource", "getConnectionFromDriverManager", null, -1),
                new StackTraceElement("com.acme.ReportJob", "run", "ReportJob.java", 42),
                new StackTraceElement("java.lang.Thread", "run", "Thread.java", 840)};
        assertThat(CallSites.below(stack, 1)).isEqualTo("com.acme.ReportJob.run(ReportJob.java:42)");
        assertThat(CallSites.below(new StackTraceElement[] {stack[0], stack[1], stack[4]}, 1)).isEqualTo(CallSites.UNKNOWN);
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
