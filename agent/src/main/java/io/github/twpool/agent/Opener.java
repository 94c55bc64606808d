package io.github.twpool.agent;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Who opened a connection, read from the connecting thread's stack: walking from the driver outwards past the JDK,
 * the drivers and the data-access frameworks, the first frame that is a connection pool's makes it the pool's own
 * open; the first frame of anything else is the application's call site. Only class and method names are kept.
 *
 * @param pool the pool's name ({@code HikariCP}, {@code DBCP2}, ...) for a pool's own open, else {@code null}
 * @param site the application's frame as {@code com.acme.Job.run(Job.java:42)}, or {@link #UNKNOWN_SITE}; for a
 *             pool's open, {@code null}
 */
record Opener(String pool, String site) {

    static final String UNKNOWN_SITE = "(no frame outside JDBC, pool and framework code)";
    /** Frames looked at before giving up: a connect's stack rarely holds more than a few dozen above the caller. */
    static final int MAX_FRAMES = 256;

    /** Pools by the packages their connection-creation paths run in. */
    private static final List<String[]> POOLS = List.of(
            new String[] {"com.zaxxer.hikari.", "HikariCP"},
            new String[] {"org.apache.commons.dbcp2.", "DBCP2"},
            new String[] {"org.apache.commons.dbcp.", "DBCP"},
            new String[] {"io.agroal.", "Agroal"},
            new String[] {"org.apache.tomcat.jdbc.pool.", "Tomcat JDBC"},
            new String[] {"org.apache.tomcat.dbcp.", "Tomcat DBCP"},
            new String[] {"com.mchange.v2.c3p0.", "c3p0"},
            new String[] {"com.mchange.v2.resourcepool.", "c3p0"},
            new String[] {"org.vibur.dbcp.", "Vibur"},
            new String[] {"com.alibaba.druid.pool.", "Druid"},
            new String[] {"oracle.ucp.", "Oracle UCP"},
            // twpool's own pool, as the application has it (the agent's copy is relocated under io.github.twpool.agent)
            new String[] {dotted("io", "github", "twpool", "internal", ""), "twpool"},
            new String[] {dotted("io", "github", "twpool", "TwPoolDataSource"), "twpool"},
            new String[] {dotted("io", "github", "twpool", "mysql", "internal", ""), "twpool"});

    /** Code that opens connections on someone else's behalf without pooling them: looked through. */
    private static final List<String> PASS_THROUGH = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            // the agent itself
            "io.github.twpool.agent.",
            // drivers and driver wrappers
            "com.mysql.", "org.mariadb.", "org.postgresql.", "oracle.jdbc.", "com.microsoft.sqlserver.", "org.h2.",
            "org.hsqldb.", "org.apache.derby.", "net.sourceforge.jtds.", "com.ibm.db2.", "org.sqlite.", "com.p6spy.",
            "net.ttddyy.dsproxy.", "software.amazon.jdbc.", "io.opentelemetry.", "net.bull.javamelody.",
            // frameworks
            "org.springframework.", "org.hibernate.", "jakarta.", "org.jooq.", "org.jdbi.", "org.apache.ibatis.",
            "org.mybatis.", "org.flywaydb.", "liquibase.", "groovy.", "org.codehaus.groovy.", "kotlin.", "scala.");

    /**
     * A package or class name built at run time: the agent jar's relocation rewrites string constants that start with
     * the names of packages it relocates, and these must name the application's classes.
     */
    static String dotted(String... parts) {
        return String.join(".", parts);
    }

    /**
     * Reads the current thread's stack; {@code driverType} is the instrumented driver, whose package is looked
     * through too. Only the frame chosen is asked for its file and line, which costs more than its class name.
     */
    static Opener current(String driverType) {
        String driverPackage = packagePrefix(driverType);
        return StackWalker.getInstance().walk(frames -> classify(frames.limit(MAX_FRAMES), driverPackage,
                StackWalker.StackFrame::getClassName,
                f -> describe(f.getClassName(), f.getMethodName(), f.getFileName(), f.getLineNumber())));
    }

    /** One frame as the tests write it. */
    record Frame(String className, String method, String file, int line) {
        String describe() {
            return Opener.describe(className, method, file, line);
        }
    }

    static String describe(String className, String method, String file, int line) {
        return className + "." + method + "(" + (file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file) + ")";
    }

    static Opener classify(Stream<Frame> frames, String driverPackage) {
        return classify(frames, driverPackage, Frame::className, Frame::describe);
    }

    static <F> Opener classify(Stream<F> frames, String driverPackage, Function<F, String> className,
                               Function<F, String> describe) {
        Optional<F> first = frames.filter(f -> {
            String c = className.apply(f);
            return !(driverPackage != null && c.startsWith(driverPackage)) && (poolOf(c) != null || !passThrough(c));
        }).findFirst();
        if (first.isEmpty()) {
            return new Opener(null, UNKNOWN_SITE);
        }
        String pool = poolOf(className.apply(first.get()));
        return pool != null ? new Opener(pool, null) : new Opener(null, describe.apply(first.get()));
    }

    static String poolOf(String className) {
        for (String[] p : POOLS) {
            if (className.startsWith(p[0])) {
                return p[1];
            }
        }
        return null;
    }

    static boolean passThrough(String className) {
        for (String prefix : PASS_THROUGH) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** {@code com.acme.db.} for {@code com.acme.db.Driver}: the driver's own package and its subpackages. */
    static String packagePrefix(String className) {
        if (className == null) {
            return null;
        }
        int dot = className.lastIndexOf('.');
        return dot <= 0 ? null : className.substring(0, dot + 1);
    }

    boolean byPool() {
        return pool != null;
    }

}
