package io.github.twpool.internal.connect;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Recognises a thread that is inside a JDBC driver's {@code connect} in a sampled stack, and names the code that
 * asked for it. A frame is a driver's connect when its method is {@code connect} and its class is a known driver
 * class, or one called straight from code that only ever calls {@link java.sql.Driver#connect} there
 * ({@code DriverManager.getConnection}, HikariCP's {@code DriverDataSource}, DBCP's and Tomcat's driver factories,
 * Spring's {@code SimpleDriverDataSource}), or a class named {@code ...Driver} in a {@code jdbc} package. Classes
 * found the second way are remembered (by name, bounded), so a driver reached later through its own DataSource is
 * recognised too. Nothing is loaded or initialised: only names are compared.
 *
 * <p>Connects that twpool's own pools make (through {@code CountingDataSource}) are reported apart: each pool counts
 * those itself, exactly. Not thread-safe: one sampler thread uses it.
 */
final class ConnectFrames {

    /** The result for a stack whose connect belongs to a twpool pool. */
    static final String TWPOOL_POOL = "(a twpool pool)";

    private static final Set<String> KNOWN_DRIVERS = Set.of(
            "com.mysql.cj.jdbc.NonRegisteringDriver", "com.mysql.jdbc.NonRegisteringDriver", "org.mariadb.jdbc.Driver",
            "org.postgresql.Driver", "oracle.jdbc.driver.OracleDriver", "com.microsoft.sqlserver.jdbc.SQLServerDriver",
            "org.h2.Driver", "org.sqlite.JDBC", "com.ibm.db2.jcc.DB2Driver", "net.sourceforge.jtds.jdbc.Driver",
            "org.hsqldb.jdbc.JDBCDriver", "org.apache.derby.jdbc.ClientDriver", "org.firebirdsql.jdbc.FBDriver",
            "com.clickhouse.jdbc.ClickHouseDriver", "software.amazon.jdbc.Driver", "io.trino.jdbc.TrinoDriver",
            "com.amazon.redshift.jdbc.Driver", "net.snowflake.client.jdbc.SnowflakeDriver");

    /** {@code class.method} of code that calls a driver's {@code connect} directly. */
    private static final Set<String> DRIVER_CALLERS = Set.of(
            "java.sql.DriverManager.getConnection",
            "com.zaxxer.hikari.util.DriverDataSource.getConnection",
            "org.apache.commons.dbcp2.DriverConnectionFactory.createConnection",
            "org.apache.commons.dbcp.DriverConnectionFactory.createConnection",
            "org.apache.tomcat.jdbc.pool.PooledConnection.connectUsingDriver",
            "org.springframework.jdbc.datasource.SimpleDriverDataSource.getConnectionFromDriver",
            "com.mchange.v2.c3p0.DriverManagerDataSource.getConnection",
            "io.agroal.pool.ConnectionFactory.createConnection");

    private static final String TWPOOL_OPENS = "io.github.twpool.internal.CountingDataSource";
    static final int MAX_LEARNED = 64;

    private final Set<String> learned = Collections.newSetFromMap(new LinkedHashMap<>());

    /**
     * The call site of the innermost driver connect on {@code stack} (index 0 the innermost frame), {@link #TWPOOL_POOL}
     * when a twpool pool opens it, or {@code null} when the thread is not in a driver's connect.
     */
    String callSite(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            if (!"connect".equals(stack[i].getMethodName()) || !isDriver(stack, i)) {
                continue;
            }
            for (int j = i + 1; j < stack.length; j++) {
                if (stack[j].getClassName().equals(TWPOOL_OPENS)) {
                    return TWPOOL_POOL;
                }
            }
            // The driver's own package (its DataSource, its factories) is the driver too, known or not.
            String cls = stack[i].getClassName();
            String driverPackage = cls.substring(0, Math.max(0, cls.lastIndexOf('.') + 1));
            int from = i + 1;
            while (from < stack.length && !driverPackage.isEmpty() && stack[from].getClassName().startsWith(driverPackage)) {
                from++;
            }
            return CallSites.below(stack, from);
        }
        return null;
    }

    private boolean isDriver(StackTraceElement[] stack, int i) {
        String cls = stack[i].getClassName();
        if (KNOWN_DRIVERS.contains(cls) || learned.contains(cls)) {
            return true;
        }
        if (i + 1 < stack.length) {
            StackTraceElement caller = stack[i + 1];
            if (DRIVER_CALLERS.contains(caller.getClassName() + "." + caller.getMethodName())) {
                if (learned.size() < MAX_LEARNED) {
                    learned.add(cls);
                }
                return true;
            }
        }
        int dot = cls.lastIndexOf('.');
        return cls.endsWith("Driver") && dot > 0 && cls.substring(0, dot).contains("jdbc");
    }
}
