package io.github.twpool.internal.probe;

import io.github.twpool.KernelSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KernelSettingsTest {

    @Test
    void readsTheCapturedSettings() throws Exception {
        KernelSettings k = KernelSettingsReader.read(ProcNetTcpParserTest.sample("sample1"));
        assertThat(k.portRangeLow()).isEqualTo(32768);
        assertThat(k.portRangeHigh()).isEqualTo(60999);
        assertThat(k.ephemeralPorts()).isEqualTo(28232);
        assertThat(k.tcpTwReuse()).isEqualTo(2);
        assertThat(k.tcpFinTimeout()).isEqualTo(60);
        assertThat(k.tcpMaxTwBuckets()).isEqualTo(131072);
        assertThat(k.tcpTimestamps()).isEqualTo(1);
        assertThat(k.tcpTwRecycleExists()).isFalse();
        assertThat(k.exhaustionRate()).isBetween(470.0, 471.0);
    }

    @Test
    void adviceIsTrueToTheSettings() {
        KernelSettings folklore = new KernelSettings(1024, 65535, 0, 30, 20000, 1, true, "4.4.0");
        String all = String.join("\n", folklore.advice());
        assertThat(all).contains("tcp_fin_timeout=30 governs FIN_WAIT_2 only: TIME_WAIT lasts 60 s");
        assertThat(all).doesNotContain("TIME_WAIT lasts 30");
        assertThat(all).contains("keep it 0, it breaks clients behind NAT");
        assertThat(all).contains("tcp_tw_reuse=0").contains("needs tcp_timestamps=1");
        assertThat(all).contains("not a fix for churn");
        assertThat(all).contains("64512 ephemeral ports");

        KernelSettings modern = new KernelSettings(32768, 60999, 2, 60, 131072, 0, false, "6.1");
        String m = String.join("\n", modern.advice());
        assertThat(m).contains("only loopback connections").contains("removed in Linux 4.12");
        assertThat(m).contains("tcp_timestamps=0: tcp_tw_reuse cannot work");
    }
}
