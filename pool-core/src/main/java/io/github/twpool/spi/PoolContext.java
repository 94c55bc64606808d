package io.github.twpool.spi;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.TwPoolConfig;

import javax.sql.DataSource;

/** What an extension may see and adjust once the pool runs. */
public interface PoolContext {

    /**
     * The configuration the pool runs with.
     *
     * @return the pool's configuration
     */
    TwPoolConfig config();

    /**
     * The pool itself, without twpool's decorators: borrowing here never resets sessions.
     *
     * @return Hikari's data source
     */
    DataSource pool();

    /**
     * Hikari's runtime-adjustable settings (maxLifetime, idleTimeout, ...).
     *
     * @return the running pool's configuration MXBean
     */
    HikariConfigMXBean hikariConfig();

    /**
     * Hikari's pool counters and controls (active, idle, waiting connections; soft eviction).
     *
     * @return the running pool's MXBean
     */
    HikariPoolMXBean hikariPool();

    /**
     * Takes a borrowed connection out of the pool: closed now if idle, else when it is returned.
     *
     * @param connection a connection of this pool, as Hikari or a decorator handed it out
     */
    void evict(java.sql.Connection connection);

    /**
     * Names the server setting recycle was shortened to stay under ({@code wait_timeout},
     * {@code idle_session_timeout}), for the start line and every other report of the effective recycle.
     * {@link RecycleClamp} calls it; an extension that lowers maxLifetime by other means should too.
     *
     * @param serverSetting the setting's name as the server's documentation spells it
     */
    default void recycleLimitedBy(String serverSetting) {
    }
}
