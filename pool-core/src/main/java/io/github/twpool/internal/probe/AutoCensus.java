package io.github.twpool.internal.probe;

import io.github.twpool.SocketCensus;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

/**
 * The census the probe and the doctor take: over netlink when this JVM can (Java 22+, a jar with its Java 22
 * classes, native access enabled, {@code /proc} as the root), else from {@code /proc/net/tcp*}. A netlink census that
 * fails, first scan or later, is replaced by {@code /proc} for good: once, never back and forth.
 * {@link #procReason()} says why {@code /proc} runs and {@link #netlinkFailed()} whether that was a failure, for the
 * caller to log once. No logging here: the doctor runs without SLF4J. Not thread-safe: the probe thread owns it.
 *
 * <p>Native access: on Java 22+ {@code Linker.downcallHandle} is a restricted method; without
 * {@code --enable-native-access=ALL-UNNAMED} (or the module name) the JVM prints a warning on first use (22-25; JEP 472
 * plans to refuse it by default later). twpool never triggers that: without native access it scans {@code /proc}
 * and says so in {@link #procReason()}.
 */
public final class AutoCensus implements CensusSource {

    /** The Java 22+ class; only in the multi-release jar's {@code META-INF/versions/22}, package-private there. */
    static final String NETLINK_CLASS = "io.github.twpool.internal.probe.NetlinkCensusScanner";
    static final Path DEFAULT_PROC = Path.of("/proc");
    /** A classes directory (an IDE, an exploded build) has no versioned view; nor has a jar built without JDK 22+. */
    public static final String NO_JAVA22_CLASSES = "pool-core has no Java 22 classes here (a classes directory, or a jar built"
            + " without a JDK 22+)";

    private final CensusScanner proc;
    private CensusSource netlink;
    private String procReason;
    private boolean netlinkFailed;

    AutoCensus(CensusScanner proc, CensusSource netlink, String procReason) {
        this.proc = proc;
        this.netlink = netlink;
        this.procReason = procReason;
    }

    /** Netlink when {@link #netlinkUnavailableReason(Path)} finds nothing against it, else {@code /proc}. */
    public static AutoCensus open(Path procRoot, Endpoint endpoint) {
        CensusScanner proc = new CensusScanner(procRoot, endpoint);
        String reason = netlinkUnavailableReason(procRoot);
        if (reason != null) {
            return new AutoCensus(proc, null, reason);
        }
        try {
            return new AutoCensus(proc, netlink(endpoint), null);
        } catch (NetlinkUnavailableException e) {
            return new AutoCensus(proc, null, e.getMessage());
        }
    }

    /**
     * What the census will use, without opening anything: {@code netlink} or {@code proc (why)}; for the pool's
     * start line.
     */
    public static String planned(Path procRoot) {
        String reason = netlinkUnavailableReason(procRoot);
        return reason == null ? NETLINK : PROC + " (" + reason + ")";
    }

    /** Why netlink cannot be used here, from cheap checks only, or {@code null} when it can be tried. */
    public static String netlinkUnavailableReason(Path procRoot) {
        if (!DEFAULT_PROC.equals(procRoot)) {
            // netlink answers for this process's network namespace; another proc root means another one's
            return "probe.proc-root is " + procRoot + ", not /proc";
        }
        int feature = Runtime.version().feature();
        if (feature < 22) {
            return "Java " + feature + "; netlink needs Java 22+";
        }
        Class<?> netlinkClass;
        try {
            netlinkClass = Class.forName(NETLINK_CLASS, false, AutoCensus.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return NO_JAVA22_CLASSES;
        }
        try {
            Object enabled = netlinkClass.getDeclaredMethod("nativeAccessEnabled").invoke(null);
            if (!Boolean.TRUE.equals(enabled)) {
                return "native access is not enabled; to use netlink, start java with --enable-native-access=ALL-UNNAMED"
                        + " (or the module name of pool-core)";
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            return "netlink classes unusable (" + e + ")";
        }
        return null;
    }

    /** The netlink census for {@code endpoint}, whatever {@link #netlinkUnavailableReason(Path)} says; for tests and the harness. */
    public static CensusSource netlink(Endpoint endpoint) throws NetlinkUnavailableException {
        try {
            Class<?> c = Class.forName(NETLINK_CLASS, true, AutoCensus.class.getClassLoader());
            return (CensusSource) c.getDeclaredMethod("open", Endpoint.class).invoke(null, endpoint);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof NetlinkUnavailableException n) {
                throw n;
            }
            throw new NetlinkUnavailableException("netlink census cannot start (" + e.getCause() + ")", e.getCause());
        } catch (ClassNotFoundException e) {
            throw new NetlinkUnavailableException(NO_JAVA22_CLASSES, e);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new NetlinkUnavailableException("netlink census cannot start (" + e + ")", e);
        }
    }

    /**
     * Netlink while it works; on its first failure {@code /proc} from then on. Only {@code /proc}'s own I/O errors
     * escape.
     */
    @Override
    public SocketCensus scan() throws IOException {
        return scan(null);
    }

    @Override
    public SocketCensus scan(EstablishedInodeSink inodes) throws IOException {
        CensusSource n = netlink;
        if (n != null) {
            try {
                return n.scan(inodes);
            } catch (IOException | RuntimeException | LinkageError e) {
                netlink = null;
                netlinkFailed = true;
                procReason = "netlink failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
        return proc.scan(inodes);
    }

    @Override
    public String method() {
        return netlink != null ? NETLINK : PROC;
    }

    /** Why the census reads {@code /proc}, or {@code null} while it uses netlink. */
    public String procReason() {
        return procReason;
    }

    /** True once netlink was used and failed (not merely unavailable, like on Java 17): worth one log line. */
    public boolean netlinkFailed() {
        return netlinkFailed;
    }

    /** {@code netlink} or {@code proc (why)}, as the doctor prints it. */
    public String describe() {
        return procReason == null ? method() : method() + " (" + procReason + ")";
    }

    public Endpoint endpoint() {
        return proc.endpoint();
    }
}
