package io.github.twpool.sidecar;

import io.github.twpool.testsupport.TestDatabase;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The {@code mariadb} command-line client: a real non-Java client that churns as scripts and other languages do. */
final class MariadbClient {

    private MariadbClient() {
    }

    static String binary() {
        for (String name : List.of("mariadb", "mysql")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                File f = new File(dir, name);
                if (f.canExecute()) {
                    return f.getPath();
                }
            }
        }
        throw new IllegalStateException("the mariadb (or mysql) command-line client is not on PATH; install mariadb-client");
    }

    /**
     * One process that reconnects {@code connects} times ({@code connect} drops the connection and opens a new one),
     * holding each connection {@code holdSeconds}: like a worker that connects per request. Opens connects + 1.
     */
    static Process reconnectLoop(int port, int connects, double holdSeconds) throws IOException {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < connects; i++) {
            sql.append("select sleep(").append(holdSeconds).append("); connect; ");
        }
        sql.append("select 1;");
        return start(port, sql.toString());
    }

    /** One process, one connection, {@code queries} queries {@code gapSeconds} apart: a client that keeps its connection. */
    static Process steady(int port, int queries, double gapSeconds) throws IOException {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < queries; i++) {
            sql.append("select sleep(").append(gapSeconds).append("); ");
        }
        return start(port, sql.toString());
    }

    static Process start(int port, String sql) throws IOException {
        TestDatabase db = TestDatabase.get();
        List<String> cmd = new ArrayList<>(List.of(binary(), "--protocol=tcp", "-h127.0.0.1", "-P" + port,
                "-u" + db.username(), "-N", "-e", sql));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("MYSQL_PWD", db.password()); // not on the command line
        return pb.start();
    }
}
