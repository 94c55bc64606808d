package io.github.twpool.internal.connect;

import java.util.List;

/**
 * Names the code that opened a connection from a thread's stack: the first frame outside the JDK, JDBC drivers,
 * connection pools, twpool itself and data-access frameworks, as {@code com.acme.ReportJob.run(ReportJob.java:42)}.
 * A frame names a class, a method, a file and a line: never a URL or a credential.
 */
final class CallSites {

    /** Class-name prefixes of code that opens connections on someone else's behalf. */
    private static final List<String> SKIPPED = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            // drivers
            "com.mysql.", "org.mariadb.", "org.postgresql.", "oracle.jdbc.", "com.microsoft.sqlserver.", "org.h2.",
            "software.amazon.jdbc.",
            // pools
            "com.zaxxer.hikari.", "org.apache.commons.dbcp", "org.apache.tomcat.jdbc.", "com.mchange.", "io.agroal.",
            "com.alibaba.druid.", "org.vibur.",
            // twpool's own code that opens connections (not its examples or tests)
            "io.github.twpool.internal.", "io.github.twpool.TwPoolDataSource", "io.github.twpool.mysql.internal.",
            "io.github.twpool.spring.",
            // frameworks
            "org.springframework.", "org.hibernate.", "jakarta.", "org.jooq.", "org.jdbi.", "org.apache.ibatis.",
            "org.mybatis.", "org.flywaydb.", "liquibase.", "groovy.", "org.codehaus.groovy.", "kotlin.", "scala.");

    static final String UNKNOWN = "(no frame outside JDBC, pool and framework code)";

    private CallSites() {
    }

    /** The call site among {@code stack[from..]} (callers of the frame at {@code from - 1}), or {@link #UNKNOWN}. */
    static String below(StackTraceElement[] stack, int from) {
        for (int i = from; i < stack.length; i++) {
            if (!skipped(stack[i].getClassName())) {
                return format(stack[i]);
            }
        }
        return UNKNOWN;
    }

    static boolean skipped(String className) {
        for (String prefix : SKIPPED) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    static String format(StackTraceElement f) {
        String file = f.getFileName();
        int line = f.getLineNumber();
        return f.getClassName() + "." + f.getMethodName() + "("
                + (file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file) + ")";
    }
}
