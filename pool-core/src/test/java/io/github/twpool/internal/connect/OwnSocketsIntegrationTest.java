package io.github.twpool.internal.connect;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * This process's socket inodes, listed the way a socket sample lists them: on Java 22+ with native access through
 * libc (readdir and readlinkat), else through {@code java.nio.file}. Both must find the sockets the test opens, and
 * the native listing must be the one chosen where it can run: it is the cheaper, so more samples are decisive.
 */
class OwnSocketsIntegrationTest {

    @Test
    void theListingFindsTheSocketsThisProcessOpensAndForgetsThemOnceClosed() throws Exception {
        OwnSockets listing = OwnSockets.open(Path.of("/proc"));
        if (Boolean.getBoolean("twpool.test.java22")) {
            // The Java 22 run: the packaged multi-release jar with native access enabled, as a user runs it.
            assertThat(listing.method()).isEqualTo(OwnSockets.METHOD_NATIVE);
        } else if (Runtime.version().feature() < 22) {
            assertThat(listing.method()).isEqualTo(OwnSockets.METHOD_NIO);
        }
        OwnSockets portable = new ProcOwnSockets(Path.of("/proc"));
        Set<Long> before = new HashSet<>();
        portable.read(before);
        Set<Long> opened = new HashSet<>();
        Set<Long> found = new HashSet<>();
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            portable.read(opened);
            opened.removeAll(before);
            assertThat(opened).as("the listening, connecting and accepted sockets, as java.nio.file lists them")
                    .hasSizeGreaterThanOrEqualTo(3);
            listing.read(found);
            // Only the sockets still open after both listings: a class running beside this one may open and close
            // one of its own in between.
            Set<Long> still = new HashSet<>();
            portable.read(still);
            Set<Long> held = new HashSet<>(opened);
            held.retainAll(still);
            assertThat(held).as("the listening, connecting and accepted sockets").hasSizeGreaterThanOrEqualTo(3);
            assertThat(found).as("the same sockets, as %s lists them", listing.method()).containsAll(held);
            assertThat(listing.truncated()).isFalse();
        }
        // Another socket the JVM opened meanwhile (its own, lazily) stays; the test's three are closed.
        Set<Long> closed = new HashSet<>(opened);
        Set<Long> after = new HashSet<>();
        portable.read(after);
        closed.removeAll(after);
        assertThat(closed).as("the test's sockets, closed").hasSizeGreaterThanOrEqualTo(3);
        listing.read(found);
        assertThat(found).as("closed sockets are gone").doesNotContainAnyElementsOf(closed);
    }
}
