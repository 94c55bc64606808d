package io.github.twpool.spi;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.twpool.TwPoolConfig;

import javax.sql.DataSource;

/** What an extension may see and adjust once the pool runs. */
public interface PoolContext {

    TwPoolConfig config();

    /** The pool itself, without twpool's decorators: borrowing here never resets sessions. */
    DataSource pool();

    /** Hikari's runtime-adjustable settings (maxLifetime, idleTimeout, ...). */
    HikariConfigMXBean hikariConfig();

    HikariPoolMXBean hikariPool();

    /** Takes a borrowed connection out of the pool: closed now if idle, else when it is returned. */
    void evict(java.sql.Connection connection);
}
