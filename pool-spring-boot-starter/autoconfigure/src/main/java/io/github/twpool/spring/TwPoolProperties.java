package io.github.twpool.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Every {@code twpool.*} key, bound by Spring Boot with relaxed binding (application.properties, YAML, environment
 * variables such as {@code TWPOOL_POOLSIZE}), typed and with twpool's defaults so that IDEs complete and document
 * them. An unknown key under {@code twpool.} fails the start.
 *
 * <p>The typed fields are for IDEs and for Boot's type check; twpool itself gets the text the user wrote for each
 * key that is set ({@link #toTwPoolProperties(Environment)}), so values are validated by twpool with the same rules
 * and messages as outside Spring: a bare number is refused as a duration ({@code recycle=30} means nothing
 * certain), a key left unset keeps twpool's default rather than a copy of it.
 */
@ConfigurationProperties(prefix = "twpool", ignoreUnknownFields = false)
public class TwPoolProperties {

    /** Every scalar key under {@code twpool.}, as twpool names it. */
    static final List<String> KEYS = List.of("url", "username", "password", "name", "pool-size", "max-overflow", "overflow-idle-timeout", "recycle", "pre-ping", "reset-session", "keepalive", "timeout", "validation-timeout", "leak-detection-threshold",
            "probe.enabled", "probe.interval", "probe.scan-every", "probe.scan-threshold", "probe.proc-root", "probe.count-connects",
            "churn.warn-interval", "churn.min-rate", "churn.outside-factor", "churn.port-warn-ratio",
            "mysql.clamp-recycle", "mysql.status-interval", "mysql.status-enabled");

    /** JDBC URL of the database, e.g. jdbc:mysql://db:3306/app. Or spring.datasource.url, or a JdbcConnectionDetails bean. */
    private String url;
    /** Database user; taken with twpool.url only (spring.datasource.username goes with spring.datasource.url). */
    private String username;
    /** Database password; never printed. Taken with twpool.url only. */
    private String password;
    /** Pool name: in thread names, log lines and metric tags. */
    private String name = "twpool";
    /** Connections kept open at all times (HikariCP minimumIdle). */
    private int poolSize = 10;
    /** Extra connections allowed under load; pool-size + max-overflow is HikariCP's maximumPoolSize. */
    private int maxOverflow = 0;
    /** How long an idle overflow connection lingers before it is closed (HikariCP idleTimeout). */
    private Duration overflowIdleTimeout = Duration.ofMinutes(10);
    /** Maximum lifetime of a connection (HikariCP maxLifetime); 0 means never. */
    private Duration recycle = Duration.ofMinutes(30);
    /** Validate every borrow (SQLAlchemy's pool_pre_ping); false keeps HikariCP's check after 500 ms idle. */
    private boolean prePing = false;
    /** Reset the server session when a connection is returned (needs pool-mysql). */
    private boolean resetSession = false;
    /** Keepalive ping interval for idle connections (HikariCP keepaliveTime); 0 means off. */
    private Duration keepalive = Duration.ofMinutes(2);
    /** How long getConnection() waits (HikariCP connectionTimeout). */
    private Duration timeout = Duration.ofSeconds(30);
    /** How long a validation may take; also bounds the twpool and db health checks. */
    private Duration validationTimeout = Duration.ofSeconds(5);
    /** Log a connection held longer than this; 0 means off. */
    private Duration leakDetectionThreshold = Duration.ofMillis(0);
    /** TIME_WAIT probe. */
    private final Probe probe = new Probe();
    /** Churn detector thresholds. */
    private final Churn churn = new Churn();
    /** pool-mysql settings. */
    private final Mysql mysql = new Mysql();
    /** HikariCP properties twpool does not own, by Hikari's names (e.g. connectionInitSql). */
    private Map<String, String> hikari = new LinkedHashMap<>();
    /** JDBC driver properties, passed as they are. */
    private Map<String, String> driver = new LinkedHashMap<>();

    /** TIME_WAIT probe. */
    public static class Probe {
        /** Run the TIME_WAIT probe and churn detector. */
        private boolean enabled = true;
        /** How often the probe reads /proc/net/sockstat. */
        private Duration interval = Duration.ofSeconds(10);
        /** Scan /proc/net/tcp* at least every this many ticks. */
        private int scanEvery = 6;
        /** Scan sooner when host-wide TIME_WAIT moved by more than this. */
        private int scanThreshold = 50;
        /** Where the probe reads /proc. */
        private String procRoot = "/proc";
        /** Count every connection this JVM opens to the endpoint, at the JDBC driver, with the code that opens it. */
        private boolean countConnects = true;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
        public int getScanEvery() { return scanEvery; }
        public void setScanEvery(int scanEvery) { this.scanEvery = scanEvery; }
        public int getScanThreshold() { return scanThreshold; }
        public void setScanThreshold(int scanThreshold) { this.scanThreshold = scanThreshold; }
        public String getProcRoot() { return procRoot; }
        public void setProcRoot(String procRoot) { this.procRoot = procRoot; }
        public boolean isCountConnects() { return countConnects; }
        public void setCountConnects(boolean countConnects) { this.countConnects = countConnects; }
    }

    /** Churn detector thresholds. */
    public static class Churn {
        /** At most one warning per cause in this time. */
        private Duration warnInterval = Duration.ofMinutes(5);
        /** New connections per second below which churn is not worth a warning. */
        private double minRate = 2.0;
        /** Churn outside the pool when the endpoint's rate exceeds this many times the pool's own. */
        private double outsideFactor = 3.0;
        /** Warn when sockets towards one endpoint use this share of ip_local_port_range. */
        private double portWarnRatio = 0.25;

        public Duration getWarnInterval() { return warnInterval; }
        public void setWarnInterval(Duration warnInterval) { this.warnInterval = warnInterval; }
        public double getMinRate() { return minRate; }
        public void setMinRate(double minRate) { this.minRate = minRate; }
        public double getOutsideFactor() { return outsideFactor; }
        public void setOutsideFactor(double outsideFactor) { this.outsideFactor = outsideFactor; }
        public double getPortWarnRatio() { return portWarnRatio; }
        public void setPortWarnRatio(double portWarnRatio) { this.portWarnRatio = portWarnRatio; }
    }

    /** pool-mysql settings. */
    public static class Mysql {
        /** Clamp recycle under the server's wait_timeout with a WARN (true) or fail at start (false). */
        private boolean clampRecycle = true;
        /** How often server-side signals (SHOW GLOBAL STATUS) are read. */
        private Duration statusInterval = Duration.ofSeconds(60);
        /** Read server-side signals at all. */
        private boolean statusEnabled = true;

        public boolean isClampRecycle() { return clampRecycle; }
        public void setClampRecycle(boolean clampRecycle) { this.clampRecycle = clampRecycle; }
        public Duration getStatusInterval() { return statusInterval; }
        public void setStatusInterval(Duration statusInterval) { this.statusInterval = statusInterval; }
        public boolean isStatusEnabled() { return statusEnabled; }
        public void setStatusEnabled(boolean statusEnabled) { this.statusEnabled = statusEnabled; }
    }

    /**
     * The keys that are set, as twpool's own {@code twpool.*} properties with the text the user wrote (read again
     * from the environment, placeholders resolved), for {@code TwPoolConfig.fromProperties}.
     */
    public Properties toTwPoolProperties(Environment environment) {
        Binder binder = Binder.get(environment);
        Properties p = new Properties();
        for (String key : KEYS) {
            binder.bind("twpool." + key, String.class).ifBound(v -> p.setProperty("twpool." + key, v));
        }
        hikari.forEach((k, v) -> p.setProperty("twpool.hikari." + k, v));
        driver.forEach((k, v) -> p.setProperty("twpool.driver." + k, v));
        return p;
    }

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public int getPoolSize() { return poolSize; }
    public void setPoolSize(int poolSize) { this.poolSize = poolSize; }
    public int getMaxOverflow() { return maxOverflow; }
    public void setMaxOverflow(int maxOverflow) { this.maxOverflow = maxOverflow; }
    public Duration getOverflowIdleTimeout() { return overflowIdleTimeout; }
    public void setOverflowIdleTimeout(Duration overflowIdleTimeout) { this.overflowIdleTimeout = overflowIdleTimeout; }
    public Duration getRecycle() { return recycle; }
    public void setRecycle(Duration recycle) { this.recycle = recycle; }
    public boolean isPrePing() { return prePing; }
    public void setPrePing(boolean prePing) { this.prePing = prePing; }
    public boolean isResetSession() { return resetSession; }
    public void setResetSession(boolean resetSession) { this.resetSession = resetSession; }
    public Duration getKeepalive() { return keepalive; }
    public void setKeepalive(Duration keepalive) { this.keepalive = keepalive; }
    public Duration getTimeout() { return timeout; }
    public void setTimeout(Duration timeout) { this.timeout = timeout; }
    public Duration getValidationTimeout() { return validationTimeout; }
    public void setValidationTimeout(Duration validationTimeout) { this.validationTimeout = validationTimeout; }
    public Duration getLeakDetectionThreshold() { return leakDetectionThreshold; }
    public void setLeakDetectionThreshold(Duration leakDetectionThreshold) { this.leakDetectionThreshold = leakDetectionThreshold; }
    public Probe getProbe() { return probe; }
    public Churn getChurn() { return churn; }
    public Mysql getMysql() { return mysql; }
    public Map<String, String> getHikari() { return hikari; }
    public void setHikari(Map<String, String> hikari) { this.hikari = hikari; }
    public Map<String, String> getDriver() { return driver; }
    public void setDriver(Map<String, String> driver) { this.driver = driver; }

    @Override
    public String toString() {
        // The URL may carry credentials: say only whether it is set.
        return "TwPoolProperties[url=" + (url == null ? "unset" : "set") + ", name=" + name + "]";
    }
}
