package io.github.twpool.sidecar;

import io.github.twpool.internal.churn.ChurnMessages;
import io.github.twpool.internal.probe.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The attributor on a /proc tree built by the test: what it counts, how it groups, and hostile entries. */
class ProcessAttributorTest {

    @TempDir
    Path proc;

    private Endpoint endpoint() throws Exception {
        return new Endpoint("db:3306", List.of(InetAddress.getByName("127.0.0.1")), 3306);
    }

    /** /proc/net/tcp with one ESTABLISHED client socket to 127.0.0.1:3306 per inode. */
    private void sockets(long... inodes) throws IOException {
        StringBuilder b = new StringBuilder("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
        int slot = 0;
        for (long inode : inodes) {
            b.append(String.format(Locale.ROOT, "  %d: 0100007F:%04X 0100007F:0CEA 01 00000000:00000000 00:00000000 00000000  1000        0 %d 1 0000000000000000 20 4 30 10 -1\n",
                    slot, 40000 + slot, inode));
            slot++;
        }
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/tcp"), b.toString());
    }

    private Path process(long pid, long ppid, String cmdline, long... socketInodes) throws IOException {
        Path dir = proc.resolve(Long.toString(pid));
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        Files.createDirectories(dir.resolve("fd"));
        Files.writeString(dir.resolve("fd").resolve("0"), "not a link");
        Files.createSymbolicLink(dir.resolve("fd").resolve("1"), Path.of("pipe:[5]"));
        int fd = 3;
        for (long inode : socketInodes) {
            Files.createSymbolicLink(dir.resolve("fd").resolve(Integer.toString(fd++)), Path.of("socket:[" + inode + "]"));
        }
        if (cmdline != null) {
            Files.write(dir.resolve("cmdline"), cmdline.replace(' ', '\0').getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(dir.resolve("stat"), pid + " (" + (cmdline == null ? "kworker) x" : ProcessAttributor.program(cmdline))
                + ") S " + ppid + " 1 1 0 -1\n");
        return dir;
    }

    @Test
    void countsOnlyConnectionsThatAppearWhileChurnLastsEachOnceAndNamesTheirProcess() throws Exception {
        process(10, 1, "java -jar app.jar", 100, 101);
        process(20, 1, "python3 worker.py", 201, 202, 203);
        sockets(100, 101); // the pool's connections, open before churn was noticed
        ProcessAttributor a = new ProcessAttributor(proc, endpoint());
        ProcessAttributor.Result r = a.tick(true, Duration.ZERO);
        assertThat(r.seen()).as("the baseline is not counted").isZero();

        sockets(100, 101, 201, 202, 203);
        r = a.tick(true, Duration.ZERO);
        // five samples of the same sockets: each new connection once
        assertThat(r.seen()).isEqualTo(3);
        assertThat(r.named()).isEqualTo(3);
        assertThat(r.holders()).hasSize(1);
        assertThat(r.holders().get(0).pids()).containsExactly(20L);
        assertThat(r.holders().get(0).command()).isEqualTo("python3 worker.py");
        assertThat(r.holders().get(0).share()).isEqualTo(1.0);
        assertThat(r.limitation()).isNull();

        process(10, 1, "java -jar app.jar", 100, 101, 102); // the pool opens one more
        sockets(100, 101, 102, 204);
        process(20, 1, "python3 worker.py", 204);
        r = a.tick(true, Duration.ZERO);
        assertThat(r.seen()).isEqualTo(5);
        assertThat(r.holders().get(0).connections()).isEqualTo(4);
        assertThat(r.holders().get(1).command()).isEqualTo("java -jar app.jar");
        assertThat(ChurnMessages.processes(80, "db:3306", Attributions.of(r))).startsWith("~80 new connections/s towards db:3306, "
                + "80 % of the connections seen open belong to pid 20 (python3 worker.py), 20 % to pid 10 (java -jar app.jar)");

        r = a.tick(false, Duration.ZERO);
        assertThat(r.seen()).as("forgotten when churn stops").isZero();
    }

    @Test
    void processesRunningOneCommandAreOneHolderWithTheirParent() throws Exception {
        process(500, 1, "bash loop.sh");
        sockets();
        ProcessAttributor a = new ProcessAttributor(proc, endpoint());
        a.tick(true, Duration.ZERO);
        for (int i = 0; i < 4; i++) {
            process(501 + i, 500, "mariadb -h db -e select 1", 900 + i);
        }
        // one child already exited, a zombie: no command line, its name only in stat
        Path zombie = process(505, 500, null, 904);
        Files.writeString(zombie.resolve("stat"), "505 (mariadb) Z 500 1 1 0 -1\n");
        sockets(900, 901, 902, 903, 904);
        ProcessAttributor.Result r = a.tick(true, Duration.ZERO);
        assertThat(r.holders()).as("the zombie counts with its siblings").hasSize(1);
        ProcessAttributor.Holder h = r.holders().get(0);
        assertThat(h.pids()).hasSize(5);
        assertThat(h.parentPid()).isEqualTo(500);
        assertThat(Attributions.who(h)).isEqualTo("5 processes running (mariadb -h db -e select 1) (pids 501, 502, 503, 504, 505; "
                + "all started by pid 500 (bash loop.sh))");
    }

    @Test
    void unnamedConnectionsSayWhatIsMissing() throws Exception {
        sockets();
        ProcessAttributor a = new ProcessAttributor(proc, endpoint());
        a.tick(true, Duration.ZERO);
        sockets(700, 701); // held by no process this /proc shows: another PID namespace
        ProcessAttributor.Result r = a.tick(true, Duration.ZERO);
        assertThat(r.seen()).isEqualTo(2);
        assertThat(r.named()).isZero();
        assertThat(r.limitation()).contains("2 of 2 new connections could not be named").contains("shareProcessNamespace: true");
        assertThat(ChurnMessages.processes(3, "db:3306", Attributions.of(r))).contains("no process could be named");
    }

    @Test
    void hostileEntriesAreNeitherFollowedNorOpenedAndTextIsMadeSafe() throws Exception {
        // cmdline a FIFO: opening it would block forever
        Path fifoProc = process(30, 1, null, 301);
        mkfifo(fifoProc.resolve("cmdline"));
        // fd entries that are a FIFO and a directory, and an fd directory that is a link elsewhere
        Path odd = process(40, 1, "odd", 401);
        mkfifo(odd.resolve("fd").resolve("7"));
        Files.createDirectories(odd.resolve("fd").resolve("8"));
        Path linked = Files.createDirectories(proc.resolve("41"));
        Files.createSymbolicLink(linked.resolve("fd"), odd.resolve("fd"));
        // a command line with control characters, a bidirectional override and 10,000 bytes
        String evil = "evil\u001b[31m\u202Egnp.exe\r\n" + "A".repeat(10_000);
        process(50, 1, evil, 501);
        sockets();
        ProcessAttributor a = new ProcessAttributor(proc, endpoint());
        a.tick(true, Duration.ZERO);
        sockets(301, 401, 501);
        ProcessAttributor.Result r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> a.tick(true, Duration.ZERO));
        assertThat(r.named()).isEqualTo(3);
        assertThat(r.holders()).extracting(ProcessAttributor.Holder::command)
                .contains("[kworker) x]", "odd")
                .allSatisfy(c -> assertThat(c).doesNotContainPattern("[\\p{Cntrl}\u202E]").hasSizeLessThanOrEqualTo(PidFiles.COMMAND_MAX_CHARS + 3));
        assertThat(r.holders()).flatExtracting(ProcessAttributor.Holder::pids).doesNotContain(41L);
        assertThat(r.holders()).extracting(ProcessAttributor.Holder::command).anySatisfy(c -> assertThat(c).startsWith("evil?[31m?gnp.exe??A"));
    }

    @Test
    void childrenOfEveryThreadOfAParentBoundedAndHostileSafe() throws Exception {
        Path tasks = Files.createDirectories(proc.resolve("800/task"));
        Files.createDirectories(tasks.resolve("800"));
        Files.writeString(tasks.resolve("800").resolve("children"), "801 802 ");
        Files.createDirectories(tasks.resolve("805"));
        Files.writeString(tasks.resolve("805").resolve("children"), "803 x9 99999999999999999999 ");
        Files.createDirectories(tasks.resolve("806"));
        mkfifo(tasks.resolve("806").resolve("children"));
        ProcessAttributor a = new ProcessAttributor(proc, endpoint());
        long[] children = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> a.childrenOf(800));
        assertThat(children).contains(801, 802, 803).doesNotContain(9, 99999999999999999L);
        assertThat(a.childrenOf(12345)).isEmpty();
    }

    @Test
    void parsesStatWithParenthesesAndSpacesInTheName() {
        byte[] stat = "4711 (a) b (c) S 4700 4711 4711 0 -1".getBytes(StandardCharsets.US_ASCII);
        assertThat(PidFiles.parentPid(stat)).isEqualTo(4700);
        assertThat(PidFiles.comm(stat)).isEqualTo("[a) b (c]");
        assertThat(PidFiles.parentPid("garbage".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
        assertThat(ProcessAttributor.socketInode("socket:[123]")).isEqualTo(123);
        assertThat(ProcessAttributor.socketInode("socket:[]")).isEqualTo(-1);
        assertThat(ProcessAttributor.socketInode("pipe:[123]")).isEqualTo(-1);
        assertThat(ProcessAttributor.socketInode("socket:[12a]")).isEqualTo(-1);
    }

    private static void mkfifo(Path p) throws Exception {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(mk.waitFor()).isZero();
    }
}
