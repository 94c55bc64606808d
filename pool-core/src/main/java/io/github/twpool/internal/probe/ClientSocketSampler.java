package io.github.twpool.internal.probe;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

/**
 * Lists the client-side sockets to an endpoint that still have an owner (SYN_SENT, ESTABLISHED), with what the kernel
 * keeps with each socket: inode, uid and, over netlink, the cgroup v2 id. Made to be called many times a second while
 * churn lasts, to catch connections that live a millisecond: over netlink (Java 22+) a dump filtered in the kernel
 * costs microseconds when few sockets match; from {@code /proc/net/tcp*} the kernel formats every socket of the
 * network namespace, which costs more and tells no cgroup. No logging (pool-core); not thread-safe: one per thread.
 */
public interface ClientSocketSampler extends AutoCloseable {

    /** Sends the sockets found now to {@code sink}; what cannot be read escapes as an {@link IOException}. */
    void sample(ClientSocketSink sink) throws IOException;

    /** {@link CensusSource#NETLINK} or {@link CensusSource#PROC}. */
    String method();

    /** True when the sockets come with their cgroup id. */
    boolean reportsCgroup();

    @Override
    void close();

    /** The Java 22+ netlink sampler, only in the multi-release jar's {@code META-INF/versions/22}. */
    String NETLINK_CLASS = "io.github.twpool.internal.probe.NetlinkClientSocketSampler";

    /**
     * Netlink where {@link AutoCensus} would use it (Java 22+, native access, {@code procRoot} is {@code /proc}), else
     * {@code /proc/net/tcp*}. {@code why} receives the reason netlink is not used, or nothing.
     */
    /** The {@code /proc/net/tcp*} sampler, whatever the JDK: where netlink was used and failed. */
    static ClientSocketSampler proc(Path procRoot, Endpoint endpoint) {
        return new ProcClientSocketSampler(procRoot, endpoint);
    }

    static ClientSocketSampler open(Path procRoot, Endpoint endpoint, java.util.function.Consumer<String> why) {
        String reason = AutoCensus.netlinkUnavailableReason(procRoot);
        if (reason == null) {
            try {
                Class<?> c = Class.forName(NETLINK_CLASS, true, ClientSocketSampler.class.getClassLoader());
                return (ClientSocketSampler) c.getDeclaredMethod("open", Endpoint.class).invoke(null, endpoint);
            } catch (InvocationTargetException e) {
                reason = String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                reason = "netlink sampler unusable (" + e + ")";
            }
        }
        why.accept(reason);
        return new ProcClientSocketSampler(procRoot, endpoint);
    }
}
