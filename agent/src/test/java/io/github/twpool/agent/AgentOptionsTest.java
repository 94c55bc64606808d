package io.github.twpool.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

/** The agent's options: values in, options or a message naming the key, the value and what is allowed out. */
class AgentOptionsTest {

    @Test
    void noOptionsAreTheDefaults() throws Exception {
        assertThat(AgentOptions.parse(null)).isEqualTo(AgentOptions.DEFAULTS);
        assertThat(AgentOptions.parse("  ")).isEqualTo(AgentOptions.DEFAULTS);
        assertThat(AgentOptions.DEFAULTS.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(AgentOptions.DEFAULTS.metricsPort()).isZero();
    }

    @Test
    void everyOption() throws Exception {
        AgentOptions o = AgentOptions.parse("interval=5s, warn-interval=1m,ignore=DB1.example.com:3306;[::1]:5432,"
                + "ignore=10.0.0.5:3306,metrics-port=9464,metrics-address=0.0.0.0");
        assertThat(o.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.warnInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.ignored()).isEqualTo(Set.of("db1.example.com:3306", "[::1]:5432", "10.0.0.5:3306"));
        assertThat(o.ignores("db1.Example.com:3306")).isTrue();
        assertThat(o.ignores("db1.example.com:3307")).isFalse();
        assertThat(o.metricsPort()).isEqualTo(9464);
        assertThat(o.metricsAddress()).isEqualTo("0.0.0.0");
    }

    @Test
    void theWarnIntervalIsNeverShorterThanTheInterval() throws Exception {
        assertThat(AgentOptions.parse("interval=10m").warnInterval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(AgentOptions.parse("interval=1s").warnInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> AgentOptions.parse("interval=10s,warn-interval=5s"))
                .hasMessage("option warn-interval=5s is shorter than interval=10s; allowed: from interval to 1d");
    }

    @Test
    void badValuesNameKeyValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> AgentOptions.parse("interval=fast")).isInstanceOf(AgentOptions.BadOption.class)
                .hasMessageStartingWith("option interval=fast is not valid; allowed: a duration such as 500ms")
                .hasMessageEndingWith("from 1s to 1h");
        assertThatThrownBy(() -> AgentOptions.parse("interval=500ms")).hasMessageContaining("interval=500ms is not valid");
        assertThatThrownBy(() -> AgentOptions.parse("interval=2h")).hasMessageContaining("interval=2h is not valid");
        assertThatThrownBy(() -> AgentOptions.parse("metrics-port=99999"))
                .hasMessage("option metrics-port=99999 is not valid; allowed: a port from 1 to 65535, or 0 for no /metrics");
        assertThatThrownBy(() -> AgentOptions.parse("metrics-port=-1")).hasMessageContaining("metrics-port=-1 is not valid");
        assertThatThrownBy(() -> AgentOptions.parse("ignore=db.example.com"))
                .hasMessageStartingWith("option ignore=db.example.com is not valid; allowed: host:port");
        assertThatThrownBy(() -> AgentOptions.parse("ignore=jdbc:mysql://db:3306/x"))
                .hasMessageContaining("is not valid; allowed: host:port");
        assertThatThrownBy(() -> AgentOptions.parse("metrics-address=a b")).hasMessageContaining("metrics-address=a b is not valid");
    }

    @Test
    void unknownKeysAndMalformedPairsListTheKeys() {
        assertThatThrownBy(() -> AgentOptions.parse("intervall=5s")).hasMessage("unknown option 'intervall'; the keys are "
                + "interval, warn-interval, ignore, metrics-port, metrics-address (" + AgentOptions.SYNTAX + ")");
        assertThatThrownBy(() -> AgentOptions.parse("5s")).hasMessageStartingWith("option '5s' is not key=value; the keys are");
        assertThatThrownBy(() -> AgentOptions.parse("interval=5s,interval=6s")).hasMessage("option interval is given twice; give it once");
    }

    @Test
    void aShownValueIsPrintableAndBounded() {
        assertThat(AgentOptions.shown("a\u001b[31mb")).isEqualTo("a?[31mb");
        assertThat(AgentOptions.shown("x".repeat(500))).hasSize(103).endsWith("...");
    }
}
