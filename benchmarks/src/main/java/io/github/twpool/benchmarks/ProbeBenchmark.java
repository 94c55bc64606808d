package io.github.twpool.benchmarks;

import io.github.twpool.internal.probe.Endpoint;
import io.github.twpool.internal.probe.ProcNetTcpParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The census parse on synthetic /proc/net/tcp and tcp6 content of N socket lines (half each), one tenth of them
 * TIME_WAIT to the endpoint, the rest ESTABLISHED elsewhere: the cost of a scan on a busy host.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ProbeBenchmark {

    @Param({"1000", "10000", "30000", "100000"})
    public int lines;

    private byte[] tcp;
    private byte[] tcp6;
    private Endpoint endpoint;
    private final ProcNetTcpParser parser = new ProcNetTcpParser();
    private final ProcNetTcpParser.Counts counts = new ProcNetTcpParser.Counts();

    @Setup
    public void setUp() throws IOException {
        endpoint = new Endpoint("127.0.0.1:3306", List.of(InetAddress.getByName("127.0.0.1")), 3306);
        tcp = synthetic(lines / 2, false);
        tcp6 = synthetic(lines - lines / 2, true);
    }

    static byte[] synthetic(int n, boolean v6) {
        StringBuilder sb = new StringBuilder(n * 160);
        sb.append("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        String loop = v6 ? "0000000000000000FFFF00000100007F" : "0100007F";
        String other = v6 ? "0000000000000000FFFF00000A00000A" : "0A00000A";
        for (int i = 0; i < n; i++) {
            boolean tw = i % 10 == 0;
            sb.append(String.format(Locale.ROOT, "%4d: %s:%04X %s:%04X %s 00000000:00000000 %s 00000000  1000        0 %d 1 0000000000000000 20 4 30 10 -1\n",
                    i, loop, 32768 + (i % 28000), tw ? loop : other, tw ? 3306 : 443, tw ? "06" : "01",
                    tw ? String.format(Locale.ROOT, "03:%08X", 100 * (i % 60)) : "00:00000000", 100000 + i));
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public int census() throws IOException {
        counts.reset();
        parser.scan(new ByteArrayInputStream(tcp), false, endpoint, counts);
        parser.scan(new ByteArrayInputStream(tcp6), true, endpoint, counts);
        return counts.timeWaitClient() + counts.lines();
    }
}
