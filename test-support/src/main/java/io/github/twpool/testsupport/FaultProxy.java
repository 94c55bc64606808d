package io.github.twpool.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 between a pool and the test server, to inject faults: {@link #cut()} closes every
 * connection and refuses new ones (the server is gone), {@link #blackhole()} keeps connections open but forwards
 * nothing (a network that swallows packets), {@link #heal()} forwards again. Close it to stop everything.
 */
public final class FaultProxy implements AutoCloseable {

    public enum Mode { FORWARD, CUT, BLACKHOLE }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong clientSends = new AtomicLong();
    private volatile Mode mode = Mode.FORWARD;
    private final TestDatabase database;

    public FaultProxy(String targetHost, int targetPort) throws IOException {
        this(targetHost, targetPort, TestDatabase.get());
    }

    private FaultProxy(String targetHost, int targetPort, TestDatabase database) throws IOException {
        this.database = database;
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.listener = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
        threads.submit(this::acceptLoop);
    }

    /** A proxy in front of the test database. */
    public static FaultProxy forTestDatabase() throws IOException {
        TestDatabase db = TestDatabase.get();
        return new FaultProxy(db.host(), db.port());
    }

    /** A proxy in front of the given server (e.g. {@link TestDatabase#tls()}: TLS passes through it as bytes). */
    public static FaultProxy forDatabase(TestDatabase db) throws IOException {
        return new FaultProxy(db.host(), db.port(), db);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The proxied database's JDBC URL with host and port replaced by this proxy's. */
    public String jdbcUrl() {
        return database.jdbcUrl().replaceFirst("//[^/]+/", "//127.0.0.1:" + port() + "/");
    }

    public void cut() {
        mode = Mode.CUT;
        closeAll();
    }

    public void blackhole() {
        mode = Mode.BLACKHOLE;
    }

    public void heal() {
        mode = Mode.FORWARD;
    }

    public Mode mode() {
        return mode;
    }

    /**
     * What the clients sent, as the proxy read it: one per command for a client that awaits each reply (Connector/J
     * does, also over TLS), so that a test can count the round trips an operation costs. Counted before forwarding:
     * once the client has its reply, its command is counted.
     */
    public long clientSends() {
        return clientSends.get();
    }

    /** Connections through the proxy open now (each counts its two sockets once). */
    public int openConnections() {
        return open.size() / 2;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (mode == Mode.CUT) {
                closeQuietly(client);
                continue;
            }
            threads.submit(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(target, 2000);
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(server);
            return;
        }
        open.add(client);
        open.add(server);
        threads.submit(() -> pump(client, server, clientSends));
        threads.submit(() -> pump(server, client, new AtomicLong()));
    }

    private void pump(Socket from, Socket to, AtomicLong reads) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                while (mode == Mode.BLACKHOLE && !from.isClosed()) {
                    Thread.sleep(20); // hold the bytes: nothing arrives, nothing is closed
                }
                if (mode == Mode.CUT) {
                    break;
                }
                reads.incrementAndGet();
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private void closeAll() {
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        closeAll();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
