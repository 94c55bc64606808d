package io.github.twpool;

import io.github.twpool.testsupport.TestDatabase;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/** Small helpers shared by pool-core's integration tests. */
final class PoolTestSupport {

    /**
     * Held exclusively by the tests that count connects on the whole host (host TCP counters, the embedded server's
     * new sockets); the concurrent classes that wait out lifetimes hold it shared, so they never run beside them.
     */
    static final String HOST_CONNECTS = "host-wide connects";

    /** The server of the concurrent classes: the embedded one on a port of its own, which no counting test shares. */
    static Properties quietServerProps(String... kv) {
        return TestDatabase.tls().twpoolProperties(kv);
    }

    /** {@link #kill} on the concurrent classes' server. */
    static void killOnQuietServer(long connectionId) throws SQLException {
        kill(TestDatabase.tls(), connectionId);
    }

    private PoolTestSupport() {
    }

    /** The test server's url/credentials plus the given {@code twpool.*} pairs; the probe is off unless given. */
    static Properties props(String... kv) {
        return TestDatabase.get().twpoolProperties(kv);
    }

    static long connectionId(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void kill(long connectionId) throws SQLException {
        kill(TestDatabase.get(), connectionId);
    }

    private static void kill(TestDatabase server, long connectionId) throws SQLException {
        try (Connection admin = server.openDirect(); Statement s = admin.createStatement()) {
            s.execute("KILL " + connectionId);
        }
    }

    /** Polls until the condition holds; false when the deadline passed first. */
    static boolean await(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }
}
