package io.github.twpool.internal.connect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** New sockets to the endpoint split by owner, against a proc root whose self/fd the test writes. */
class EndpointSocketsTest {

    @TempDir
    Path proc;

    private void own(long... inodes) throws IOException {
        Path fd = proc.resolve("self/fd");
        if (Files.exists(fd)) {
            try (var s = Files.list(fd)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(fd);
        Files.createSymbolicLink(fd.resolve("0"), Path.of("pipe:[99]")); // not a socket: skipped
        int n = 3;
        for (long i : inodes) {
            Files.createSymbolicLink(fd.resolve(String.valueOf(n++)), Path.of("socket:[" + i + "]"));
        }
    }

    @Test
    void newSocketsAreThisProcesssWhenItHoldsThemAndAnothersWhenItDoesNot() throws IOException {
        ScriptedCensus census = new ScriptedCensus("fake");
        // A clock that stands still: the census between the listings is instant, however busy the build host is.
        EndpointSockets s = new EndpointSockets(census, new ProcOwnSockets(proc), () -> 0L);
        own(100);
        census.inodes = List.of(100L);
        assertThat(s.sample()).as("the first sample only sets the baseline").isNull();
        own(100, 101);
        census.inodes = List.of(100L, 101L, 500L, 501L);
        EndpointSockets.Sample sample = s.sample();
        assertThat(sample.own()).isEqualTo(1);
        assertThat(sample.other()).isEqualTo(2);
        assertThat(sample.unresolved()).isZero();
        // Still open on the next sample: not new.
        sample = s.sample();
        assertThat(sample.own() + sample.other() + sample.unresolved()).isZero();
    }

    @Test
    void aSocketThisProcessClosedDuringTheCensusIsStillItsOwn() throws IOException {
        ScriptedCensus census = new ScriptedCensus("fake");
        EndpointSockets s = new EndpointSockets(census, new ProcOwnSockets(proc));
        own();
        census.inodes = List.of();
        s.sample();
        own(200);
        census.inodes = List.of(200L);
        census.during = v -> {
            try {
                own(); // closed while the census ran: in the list before it only
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        };
        assertThat(s.sample().own()).isEqualTo(1);
    }

    @Test
    void aSlowCensusLeavesSocketsMissingFromBothListsUnresolved() throws IOException {
        ScriptedCensus census = new ScriptedCensus("fake");
        long[] now = {0};
        EndpointSockets s = new EndpointSockets(census, new ProcOwnSockets(proc), () -> now[0]);
        own();
        s.sample();
        census.inodes = List.of(300L);
        census.during = v -> now[0] += 2 * EndpointSockets.DECISIVE_NANOS;
        EndpointSockets.Sample sample = s.sample();
        assertThat(sample.other()).isZero();
        assertThat(sample.unresolved()).isEqualTo(1);
    }
}
