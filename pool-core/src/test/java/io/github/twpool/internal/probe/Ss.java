package io.github.twpool.internal.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The oracle: {@code ss} from iproute2, counting sockets by state and port filter. */
final class Ss {

    private Ss() {
    }

    /** {@code ss -Htan state STATE '( FILTER )'} line count, e.g. count("time-wait", "dport = :3306"). */
    static int count(String state, String filter) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(List.of("ss", "-Htan", "state", state, "( " + filter + " )"))
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("`ss` (iproute2) is needed as the census oracle: apt-get install iproute2", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ss failed: " + out);
        }
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }
}
