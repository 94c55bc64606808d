package io.github.twpool;

import io.github.twpool.internal.Extensions;
import io.github.twpool.internal.SettingKeys;
import io.github.twpool.spi.Setting;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * twpool's own {@code twpool.*} keys, each declared once ({@link Setting}): name, type, default, bounds, secrecy and
 * its line of documentation. Parsing, messages, {@link TwPoolConfig}'s values, the start line, Spring Boot's
 * configuration metadata and the README's property table are all derived from these declarations, in this order.
 *
 * <p>Rules across keys ({@code keepalive} shorter than {@code recycle}, ...) are checked when a configuration is
 * built; {@link Setting#allowedCell()} says them in the README.
 */
public final class TwPoolSettings {

    /** HikariCP's floors; twpool refuses what HikariCP would silently raise. */
    private static final Duration HIKARI_MIN_LIFETIME = Duration.ofSeconds(30);
    private static final Duration HIKARI_MIN_TIMEOUT = Duration.ofMillis(250);

    /** A pool's hard limit on connections (pool-size + max-overflow). */
    public static final int MAX_CONNECTIONS = 1000;

    private static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public static final Setting<String> URL = Setting.text("url", null).required().hikari("jdbcUrl")
            .allowedText("a `jdbc:` URL")
            .doc("The JDBC URL of the database (with the Spring Boot starter, `spring.datasource.url` or a `JdbcConnectionDetails` bean may give it instead).");
    public static final Setting<String> USERNAME = Setting.text("username", null).mayBeEmpty().hikari("username")
            .doc("Database user.");
    public static final Setting<String> PASSWORD = Setting.text("password", null).secret().hikari("password")
            .doc("Database password; never printed.");
    public static final Setting<String> NAME = Setting.text("name", "twpool").hikari("poolName")
            .rule(n -> NAME_PATTERN.matcher(n).matches(), "must be 1 to 64 letters, digits, '.', '_' or '-' (it names threads and metric tags)")
            .allowedText("1–64 of `A-Za-z0-9._-`")
            .doc("Pool name: in thread names, log lines and metric tags.");
    public static final Setting<Integer> POOL_SIZE = Setting.integer("pool-size", 10).range(1, MAX_CONNECTIONS)
            .hint(n -> n == 0, " (SQLAlchemy's pool_size=0, no limit, has no equivalent: a pool needs a bound)")
            .hikari("minimumIdle").described()
            .doc("Connections kept open at all times.");
    public static final Setting<Integer> MAX_OVERFLOW = Setting.integer("max-overflow", 0).range(0, MAX_CONNECTIONS)
            .hint(n -> n == -1, "; SQLAlchemy's -1 (no limit) has no meaning here: give the bound the database can take")
            .allowedText("0–(" + MAX_CONNECTIONS + " − pool-size)").described()
            .doc("Extra connections allowed under load; pool-size + max-overflow is HikariCP's maximumPoolSize.");
    public static final Setting<Duration> OVERFLOW_IDLE_TIMEOUT = Setting.duration("overflow-idle-timeout", Duration.ofMinutes(10))
            .atLeast(Duration.ofSeconds(10), "HikariCP's floor for idleTimeout").hikari("idleTimeout")
            .allowedText("≥ `10s`, < `recycle`; only with `max-overflow` > 0").described(c -> c.maxOverflow() > 0)
            .doc("How long an idle overflow connection lingers before it is closed.");
    public static final Setting<Duration> RECYCLE = Setting.duration("recycle", Duration.ofMinutes(30))
            .atLeast(HIKARI_MIN_LIFETIME, "HikariCP's floor for maxLifetime").zeroMeans("never", "never recycle")
            .hint(d -> true, "; keep it a few minutes under the server's wait_timeout").hikari("maxLifetime").described()
            .doc("Maximum lifetime of a connection. Keep it under the server's `wait_timeout`.");
    public static final Setting<Boolean> PRE_PING = Setting.bool("pre-ping", false).described()
            .doc("`true`: validate every borrow (one round trip each), as SQLAlchemy's `pool_pre_ping`; `false`: HikariCP's"
                    + " own check, a connection idle for more than 500 ms (see the mapping below).");
    public static final Setting<Boolean> RESET_SESSION = Setting.bool("reset-session", false).described()
            .doc("Reset the server session when a connection is returned (needs `pool-mysql`) if the borrower changed it"
                    + " (the server's session tracking tells; an unchanged session sends no command): roll back,"
                    + " COM_RESET_CONNECTION, then restore the pool's `twpool.hikari.*` session settings; with it on,"
                    + " pool-mysql defaults `useServerPrepStmts=false`, refuses `paranoid=true` and a URL naming no database"
                    + " (unless `twpool.hikari.catalog` names one), and bounds the reset by `validation-timeout`"
                    + " ([details](pool-mysql/README.md#reset-session-mysqlconnectors-pool_reset_sessiontrue)).");
    public static final Setting<Duration> KEEPALIVE = Setting.duration("keepalive", Duration.ofMinutes(2))
            .atLeast(Duration.ofSeconds(30), "HikariCP's floor for keepaliveTime").zeroMeans("off").hikari("keepaliveTime")
            .described()
            .defaultText("`2m`, or half of a `recycle` under `2m` (off if that is under `30s`)")
            .allowedText("`0` (off) or ≥ `30s`, < `recycle`")
            .doc("Ping idle connections this often so that firewalls and the server keep them. Unset, it follows `recycle`"
                    + " (`recycle=30s` alone means keepalive off, `recycle=1m` 30 s); set, it is checked.");
    public static final Setting<Duration> TIMEOUT = Setting.duration("timeout", Duration.ofSeconds(30))
            .atLeast(HIKARI_MIN_TIMEOUT, "HikariCP's floor for connectionTimeout").hikari("connectionTimeout").described()
            .doc("How long `getConnection()` waits for a connection before `SQLTransientConnectionException`.");
    public static final Setting<Duration> VALIDATION_TIMEOUT = Setting.duration("validation-timeout", Duration.ofSeconds(5))
            .atLeast(HIKARI_MIN_TIMEOUT, "HikariCP's floor").hikari("validationTimeout").described()
            .allowedText("≥ `250ms`, < `timeout`")
            .doc("How long a validation may take; also bounds the twpool and db health checks.");
    public static final Setting<Duration> LEAK_DETECTION_THRESHOLD = Setting.duration("leak-detection-threshold", Duration.ZERO)
            .atLeast(Duration.ofSeconds(2), null).zeroMeans("off").hikari("leakDetectionThreshold").described()
            .allowedText("`0` (off) or ≥ `2s`, < `recycle`")
            .doc("Log a connection held longer than this, with the stack that borrowed it.");
    public static final Setting<Boolean> PROBE_ENABLED = Setting.bool("probe.enabled", true)
            .described(c -> !c.probeEnabled())
            .doc("Run the TIME_WAIT probe and churn detector (Linux; elsewhere it reports itself unavailable once). The"
                    + " probe watches the URL's host and port; without a port it takes the scheme's default (MySQL/MariaDB"
                    + " 3306, PostgreSQL 5432, SQL Server 1433, Oracle 1521, Db2 50000, Redshift 5439); for another scheme"
                    + " without a port, or a URL without a host, `url` is refused while the probe is on.");
    public static final Setting<Duration> PROBE_INTERVAL = Setting.duration("probe.interval", Duration.ofSeconds(10))
            .range(Duration.ofSeconds(1), Duration.ofHours(1)).described(TwPoolConfig::probeEnabled)
            .doc("How often the probe reads `/proc/net/sockstat`.");
    public static final Setting<Integer> PROBE_SCAN_EVERY = Setting.integer("probe.scan-every", 6)
            .range(1, 10_000, "ticks between full scans")
            .doc("Scan `/proc/net/tcp*` at least every this many ticks.");
    public static final Setting<Integer> PROBE_SCAN_THRESHOLD = Setting.integer("probe.scan-threshold", 50)
            .range(0, 1_000_000, "change of host-wide TIME_WAIT that triggers a scan")
            .doc("Scan sooner when host-wide TIME_WAIT moved by more than this.");
    public static final Setting<String> PROBE_PROC_ROOT = Setting.text("probe.proc-root", "/proc")
            .rule(p -> p.startsWith("/"), "must be an absolute path such as /proc (or /host/proc in a container)")
            .rule(TwPoolSettings::isPath, "is not a path this file system can take; must be an absolute path such as /proc"
                    + " (or /host/proc in a container)")
            .rule(p -> p.chars().noneMatch(Character::isISOControl), "must not contain control characters (the probe's log"
                    + " lines print the path); must be an absolute path such as /proc (or /host/proc in a container)")
            .allowedText("an absolute path the file system takes (no NUL)")
            .doc("Where the probe reads `net/tcp`, `net/tcp6`, `net/sockstat` and `sys/net/ipv4`. In a container, a host's"
                    + " `/proc` mounted elsewhere shows the host's sockets.");
    public static final Setting<Boolean> PROBE_COUNT_CONNECTS = Setting.bool("probe.count-connects", true)
            .doc("While churn outside the pool lasts, sample who opens the connections: threads' stacks for frames inside a"
                    + " JDBC driver's `connect` (the call sites, any driver and pool) and the endpoint's new sockets against"
                    + " this process's own (this JVM or another process); see below. Nothing is intercepted and"
                    + " `DriverManager` is left as it is; when quiet nothing runs.");
    public static final Setting<Duration> CHURN_WARN_INTERVAL = Setting.duration("churn.warn-interval", Duration.ofMinutes(5))
            .range(Duration.ofSeconds(1), Duration.ofDays(1)).allowedText("`probe.interval`–`1d`")
            .doc("At most one warning per cause in this time.");
    public static final Setting<Double> CHURN_MIN_RATE = Setting.decimal("churn.min-rate", 2.0)
            .range(0.0, 1_000_000.0, "connections per second")
            .doc("New connections per second below which churn is not worth a warning.");
    public static final Setting<Double> CHURN_OUTSIDE_FACTOR = Setting.decimal("churn.outside-factor", 3.0)
            .range(1.0, 1000.0)
            .doc("\"Churn outside this pool\" when the endpoint's rate exceeds this many times the pool's own.");
    public static final Setting<Double> CHURN_PORT_WARN_RATIO = Setting.decimal("churn.port-warn-ratio", 0.25)
            .above(0.0, 1.0, "share of ip_local_port_range")
            .doc("Warn when sockets towards one endpoint use this share of `ip_local_port_range`.");

    /** Every core key, in the order of the README's table and the start line. */
    public static final List<Setting<?>> ALL = List.of(URL, USERNAME, PASSWORD, NAME, POOL_SIZE, MAX_OVERFLOW,
            OVERFLOW_IDLE_TIMEOUT, RECYCLE, PRE_PING, RESET_SESSION, KEEPALIVE, TIMEOUT, VALIDATION_TIMEOUT,
            LEAK_DETECTION_THRESHOLD, PROBE_ENABLED, PROBE_INTERVAL, PROBE_SCAN_EVERY, PROBE_SCAN_THRESHOLD, PROBE_PROC_ROOT,
            PROBE_COUNT_CONNECTS, CHURN_WARN_INTERVAL, CHURN_MIN_RATE, CHURN_OUTSIDE_FACTOR, CHURN_PORT_WARN_RATIO);

    /** The namespace of HikariCP properties passed through ({@code twpool.hikari.autoCommit}). */
    public static final String HIKARI_PREFIX = "hikari.";
    /** What {@link #HIKARI_PREFIX} is, in the README and IDE completion. */
    public static final String HIKARI_DOC = "A HikariCP property twpool does not own, by HikariCP's name (e.g. connectionInitSql).";
    /** The namespace of JDBC driver properties passed as they are ({@code twpool.driver.sslMode}). */
    public static final String DRIVER_PREFIX = "driver.";
    /** What {@link #DRIVER_PREFIX} is, in the README and IDE completion. */
    public static final String DRIVER_DOC = "A JDBC driver property, passed as is; wins over defaults an extension sets.";

    private TwPoolSettings() {
    }

    /** twpool's keys and those of the extensions found on the class path, in the order of their tables. */
    public static List<Setting<?>> withExtensions() {
        return SettingKeys.all(Extensions.discovered());
    }

    /**
     * Refuses a key (under {@code twpool.}, e.g. {@code pool-sise}) that neither twpool nor an extension found on the
     * class path declares, and that is not under {@code hikari.} or {@code driver.}: the message names it with a
     * "did you mean", never its value. The parser, {@link TwPoolDataSource#create} and the Spring Boot starter all
     * refuse unknown keys through here.
     */
    public static void requireKnown(String key) {
        SettingKeys.requireKnown(key, Extensions.discovered());
    }

    private static boolean isPath(String p) {
        try {
            Path.of(p);
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
