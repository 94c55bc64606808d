package io.github.twpool.mysql.internal;

import com.mysql.cj.NativeSession;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.jdbc.JdbcConnection;
import com.mysql.cj.protocol.SocketConnection;
import com.mysql.cj.protocol.StandardSocketFactory;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Connector/J's standard socket factory, whose sockets are NIO channels: a returned connection can then be asked,
 * without a round trip, whether the server closed it or sent something nobody asked for (a borrower's session
 * killed, the server shutting down). reset-session skips the reset of an unchanged session; without this check a
 * connection killed while borrowed would go back to the pool, where only a reset's round trip used to find it dead.
 */
public final class ChannelSocketFactory extends StandardSocketFactory {

    @Override
    protected Socket createSocket(PropertySet props) {
        try {
            return SocketChannel.open().socket();
        } catch (IOException e) {
            return new Socket(); // no channel to be had: the return check then says it cannot tell
        }
    }

    /**
     * Whether the connection's server is quiet: nothing unread, no end of stream. False when it closed the
     * connection or sent anything (the check reads at most a byte, and such a connection is evicted anyway), or
     * when this connection was not opened by this factory and cannot be checked.
     */
    static boolean serverQuiet(JdbcConnection physical) {
        try {
            if (!(physical.getSession() instanceof NativeSession session)) {
                return false;
            }
            SocketConnection socket = session.getProtocol().getSocketConnection();
            if (!(socket.getSocketFactory() instanceof ChannelSocketFactory factory)
                    || socket.getMysqlInput().available() > 0) {
                return false;
            }
            return factory.quiet();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether connections are opened by this factory: only then can their returns be checked. */
    static boolean opened(JdbcConnection physical) {
        return physical.getSession() instanceof NativeSession session
                && session.getProtocol().getSocketConnection().getSocketFactory() instanceof ChannelSocketFactory factory
                && factory.rawSocket != null && factory.rawSocket.getChannel() != null;
    }

    private boolean quiet() throws IOException {
        SocketChannel channel = rawSocket == null ? null : rawSocket.getChannel();
        if (channel == null) {
            return false;
        }
        synchronized (channel.blockingLock()) {
            channel.configureBlocking(false);
            try {
                return channel.read(ByteBuffer.allocate(1)) == 0;
            } finally {
                channel.configureBlocking(true);
            }
        }
    }
}
