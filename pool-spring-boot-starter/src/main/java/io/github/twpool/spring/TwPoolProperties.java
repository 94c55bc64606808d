package io.github.twpool.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Every {@code twpool.*} key, bound by Spring Boot with relaxed binding (application.properties, YAML, environment
 * variables such as {@code TWPOOL_POOLSIZE}). Unset keys keep twpool's defaults; values are validated by twpool
 * itself when the DataSource is created, with the same messages as outside Spring. Durations are written
 * {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h} or ISO-8601; a bare number other than 0 is refused.
 * An unknown key under {@code twpool.} fails the start.
 */
@ConfigurationProperties(prefix = "twpool", ignoreUnknownFields = false)
public class TwPoolProperties {

    /** JDBC URL of the database, e.g. jdbc:mysql://db:3306/app. Falls back to spring.datasource.url. */
    private String url;
    /** Database user. Falls back to spring.datasource.username. */
    private String username;
    /** Database password; never printed. Falls back to spring.datasource.password. */
    private String password;
    /** Pool name: in thread names, log lines and metric tags. Default twpool. */
    private String name;
    /** Connections kept open at all times (HikariCP minimumIdle). Default 10. */
    private Integer poolSize;
    /** Extra connections allowed under load; pool-size + max-overflow is HikariCP's maximumPoolSize. Default 0. */
    private Integer maxOverflow;
    /** How long an idle overflow connection lingers before it is closed (HikariCP idleTimeout). Default 10m. */
    private String overflowIdleTimeout;
    /** Maximum lifetime of a connection (HikariCP maxLifetime); 0 means never. Default 30m. */
    private String recycle;
    /** Validate every borrow (SQLAlchemy's pool_pre_ping); false keeps HikariCP's check after 500 ms idle. Default false. */
    private Boolean prePing;
    /** Reset the server session (COM_RESET_CONNECTION) when a connection is returned. Default false. */
    private Boolean resetSession;
    /** Keepalive ping interval for idle connections (HikariCP keepaliveTime); 0 means off. Default 2m. */
    private String keepalive;
    /** How long getConnection() waits (HikariCP connectionTimeout). Default 30s. */
    private String timeout;
    /** How long a validation may take. Default 5s. */
    private String validationTimeout;
    /** Log a connection held longer than this; 0 means off. Default 0. */
    private String leakDetectionThreshold;
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

    public static class Probe {
        /** Run the TIME_WAIT probe and churn detector. Default true. */
        private Boolean enabled;
        /** How often the probe reads /proc/net/sockstat. Default 10s. */
        private String interval;
        /** Scan /proc/net/tcp* at least every this many ticks. Default 6. */
        private Integer scanEvery;
        /** Scan sooner when host-wide TIME_WAIT moved by more than this. Default 50. */
        private Integer scanThreshold;
        /** Where the probe reads /proc. Default /proc. */
        private String procRoot;

        public Boolean getEnabled() { return enabled; }
        public void setEnabled(Boolean enabled) { this.enabled = enabled; }
        public String getInterval() { return interval; }
        public void setInterval(String interval) { this.interval = interval; }
        public Integer getScanEvery() { return scanEvery; }
        public void setScanEvery(Integer scanEvery) { this.scanEvery = scanEvery; }
        public Integer getScanThreshold() { return scanThreshold; }
        public void setScanThreshold(Integer scanThreshold) { this.scanThreshold = scanThreshold; }
        public String getProcRoot() { return procRoot; }
        public void setProcRoot(String procRoot) { this.procRoot = procRoot; }
    }

    public static class Churn {
        /** At most one warning per cause in this time. Default 5m. */
        private String warnInterval;
        /** New connections per second below which churn is not worth a warning. Default 2.0. */
        private Double minRate;
        /** Churn outside the pool when the endpoint's rate exceeds this many times the pool's own. Default 3.0. */
        private Double outsideFactor;
        /** Warn when sockets towards one endpoint use this share of ip_local_port_range. Default 0.25. */
        private Double portWarnRatio;

        public String getWarnInterval() { return warnInterval; }
        public void setWarnInterval(String warnInterval) { this.warnInterval = warnInterval; }
        public Double getMinRate() { return minRate; }
        public void setMinRate(Double minRate) { this.minRate = minRate; }
        public Double getOutsideFactor() { return outsideFactor; }
        public void setOutsideFactor(Double outsideFactor) { this.outsideFactor = outsideFactor; }
        public Double getPortWarnRatio() { return portWarnRatio; }
        public void setPortWarnRatio(Double portWarnRatio) { this.portWarnRatio = portWarnRatio; }
    }

    public static class Mysql {
        /** Clamp recycle under the server's wait_timeout with a WARN (true) or fail at start (false). Default true. */
        private Boolean clampRecycle;
        /** How often server-side signals (SHOW GLOBAL STATUS) are read. Default 60s. */
        private String statusInterval;
        /** Read server-side signals at all. Default true. */
        private Boolean statusEnabled;

        public Boolean getClampRecycle() { return clampRecycle; }
        public void setClampRecycle(Boolean clampRecycle) { this.clampRecycle = clampRecycle; }
        public String getStatusInterval() { return statusInterval; }
        public void setStatusInterval(String statusInterval) { this.statusInterval = statusInterval; }
        public Boolean getStatusEnabled() { return statusEnabled; }
        public void setStatusEnabled(Boolean statusEnabled) { this.statusEnabled = statusEnabled; }
    }

    /** The set values as twpool's own {@code twpool.*} properties, for {@code TwPoolConfig.fromProperties}. */
    public Properties toTwPoolProperties() {
        Properties p = new Properties();
        put(p, "url", url);
        put(p, "username", username);
        put(p, "password", password);
        put(p, "name", name);
        put(p, "pool-size", poolSize);
        put(p, "max-overflow", maxOverflow);
        put(p, "overflow-idle-timeout", overflowIdleTimeout);
        put(p, "recycle", recycle);
        put(p, "pre-ping", prePing);
        put(p, "reset-session", resetSession);
        put(p, "keepalive", keepalive);
        put(p, "timeout", timeout);
        put(p, "validation-timeout", validationTimeout);
        put(p, "leak-detection-threshold", leakDetectionThreshold);
        put(p, "probe.enabled", probe.enabled);
        put(p, "probe.interval", probe.interval);
        put(p, "probe.scan-every", probe.scanEvery);
        put(p, "probe.scan-threshold", probe.scanThreshold);
        put(p, "probe.proc-root", probe.procRoot);
        put(p, "churn.warn-interval", churn.warnInterval);
        put(p, "churn.min-rate", churn.minRate);
        put(p, "churn.outside-factor", churn.outsideFactor);
        put(p, "churn.port-warn-ratio", churn.portWarnRatio);
        put(p, "mysql.clamp-recycle", mysql.clampRecycle);
        put(p, "mysql.status-interval", mysql.statusInterval);
        put(p, "mysql.status-enabled", mysql.statusEnabled);
        hikari.forEach((k, v) -> put(p, "hikari." + k, v));
        driver.forEach((k, v) -> put(p, "driver." + k, v));
        return p;
    }

    private static void put(Properties p, String key, Object value) {
        if (value != null) {
            p.setProperty("twpool." + key, String.valueOf(value));
        }
    }

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public Integer getPoolSize() { return poolSize; }
    public void setPoolSize(Integer poolSize) { this.poolSize = poolSize; }
    public Integer getMaxOverflow() { return maxOverflow; }
    public void setMaxOverflow(Integer maxOverflow) { this.maxOverflow = maxOverflow; }
    public String getOverflowIdleTimeout() { return overflowIdleTimeout; }
    public void setOverflowIdleTimeout(String overflowIdleTimeout) { this.overflowIdleTimeout = overflowIdleTimeout; }
    public String getRecycle() { return recycle; }
    public void setRecycle(String recycle) { this.recycle = recycle; }
    public Boolean getPrePing() { return prePing; }
    public void setPrePing(Boolean prePing) { this.prePing = prePing; }
    public Boolean getResetSession() { return resetSession; }
    public void setResetSession(Boolean resetSession) { this.resetSession = resetSession; }
    public String getKeepalive() { return keepalive; }
    public void setKeepalive(String keepalive) { this.keepalive = keepalive; }
    public String getTimeout() { return timeout; }
    public void setTimeout(String timeout) { this.timeout = timeout; }
    public String getValidationTimeout() { return validationTimeout; }
    public void setValidationTimeout(String validationTimeout) { this.validationTimeout = validationTimeout; }
    public String getLeakDetectionThreshold() { return leakDetectionThreshold; }
    public void setLeakDetectionThreshold(String leakDetectionThreshold) { this.leakDetectionThreshold = leakDetectionThreshold; }
    public Probe getProbe() { return probe; }
    public Churn getChurn() { return churn; }
    public Mysql getMysql() { return mysql; }
    public Map<String, String> getHikari() { return hikari; }
    public void setHikari(Map<String, String> hikari) { this.hikari = hikari; }
    public Map<String, String> getDriver() { return driver; }
    public void setDriver(Map<String, String> driver) { this.driver = driver; }

    @Override
    public String toString() {
        return "TwPoolProperties[url=" + io.github.twpool.spi.Secrets.maskUrl(url) + ", name=" + name + "]";
    }
}
