package io.github.twpool.internal.churn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a call site is shortened when the one-line warning has no room for it in full. */
class ChurnMessagesTest {

    @Test
    void aCallSiteShortensToItsClassAndMethodAndALambdaToTheMethodItIsIn() {
        assertThat(ChurnMessages.shortFrame("com.acme.jobs.ReportJob.run(ReportJob.java:42)"))
                .isEqualTo("ReportJob.run(ReportJob.java:42)");
        assertThat(ChurnMessages.shortMethod("com.acme.jobs.ReportJob.run(ReportJob.java:42)")).isEqualTo("ReportJob.run");
        assertThat(ChurnMessages.shortMethod("com.acme.Churn.lambda$driverManagerChurn$0(Churn.java:117)"))
                .isEqualTo("Churn.driverManagerChurn");
        assertThat(ChurnMessages.shortMethod("Main.main")).isEqualTo("Main.main");
    }
}
