package io.github.twpool.internal.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile {@code probe.proc-root} directories for the probe's tests: symlinks to the real /proc but for one file. */
public final class HostileProcFixtures {

    private HostileProcFixtures() {
    }

    /** A proc root of symlinks to the real /proc, with {@code relative} pointing at {@code target} instead (a FIFO for null). */
    public static Path procWith(Path root, String relative, Path target) throws IOException {
        Files.createDirectories(root.resolve("net"));
        Files.createDirectories(root.resolve("sys/net/ipv4"));
        Files.createDirectories(root.resolve("sys/kernel"));
        for (String f : new String[] {"net/sockstat", "net/tcp", "net/tcp6", "sys/kernel/osrelease",
                "sys/net/ipv4/ip_local_port_range", "sys/net/ipv4/tcp_tw_reuse", "sys/net/ipv4/tcp_fin_timeout",
                "sys/net/ipv4/tcp_max_tw_buckets", "sys/net/ipv4/tcp_timestamps"}) {
            Path link = root.resolve(f);
            if (f.equals(relative)) {
                if (target == null) {
                    mkfifo(link);
                } else {
                    Files.createSymbolicLink(link, target);
                }
            } else {
                Files.createSymbolicLink(link, Path.of("/proc").resolve(f));
            }
        }
        return root;
    }

    public static void mkfifo(Path p) throws IOException {
        try {
            Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
            assertThat(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo " + p).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    public static Path garbage(Path dir, int bytes) throws IOException {
        byte[] b = new byte[bytes];
        new Random(42).nextBytes(b);
        Path f = dir.resolve("garbage-" + bytes);
        Files.write(f, b);
        return f;
    }

}
