package io.github.twpool.agent.bootstrap;

/**
 * The one class the instrumented {@code Driver.connect} methods call. It lives in the class loader of the agent jar
 * (the application class loader), which every class loader that delegates to it sees: the application's, a Boot fat
 * jar's, a servlet container's web applications'. It names nothing but {@code java.*} types, so that it could move to
 * the bootstrap class loader (appending to the bootstrap search path turns off class data sharing for every other
 * class, which costs every application start; the agent does not).
 *
 * <p>A connect that wraps another (a driver that delegates to a second driver) is counted once, at the innermost
 * driver that returned a connection: each thread counts the connections it recorded, and a connect returns one that
 * was not recorded inside it only if it opened it itself.
 *
 * <p>Nothing here may throw into a driver: the sink's failures are swallowed.
 */
public final class ConnectHook {

    /** What the agent does with a connect; set once by the agent, never by anything else. */
    public interface Sink {
        /**
         * A driver returned a connection or threw.
         *
         * @param url        the URL the driver got (may hold credentials: the sink keeps none of it)
         * @param driverType the class that declares the instrumented {@code connect}
         * @param failure    what the driver threw, or {@code null} when it returned a connection
         */
        void connected(String url, String driverType, Throwable failure);
    }

    private static volatile Sink sink;

    /** Connections recorded on this thread; a plain counter per thread, read at enter and exit. */
    private static final ThreadLocal<long[]> RECORDED = new ThreadLocal<>();

    private ConnectHook() {
    }

    /** Installs the sink (the agent, once); {@code null} stops counting. */
    public static void sink(Sink s) {
        sink = s;
    }

    /** On entry to {@code connect}: the thread's count so far, or -1 when no agent listens. */
    public static long enter() {
        if (sink == null) {
            return -1;
        }
        try {
            return recorded()[0];
        } catch (Throwable t) {
            return -1;
        }
    }

    private static long[] recorded() {
        long[] r = RECORDED.get();
        if (r == null) {
            r = new long[1];
            RECORDED.set(r);
        }
        return r;
    }

    /** On exit from {@code connect}, whether it returned or threw. */
    public static void exit(long mark, String url, String driverType, Object connection, Throwable thrown) {
        Sink s = sink;
        if (s == null || mark < 0 || (connection == null && thrown == null)) {
            return; // a driver that does not accept the URL returns null: DriverManager asks every driver
        }
        try {
            long[] recorded = recorded();
            if (recorded[0] != mark) {
                return; // a driver inside this one already counted this connect
            }
            recorded[0]++;
            s.connected(url, driverType, thrown);
        } catch (Throwable t) {
            // the agent must never change what the driver returns or throws
        }
    }
}
