package io.github.twpool.internal;

import com.zaxxer.hikari.HikariConfigMXBean;
import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolSettings;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The settings a running pool actually has, for everything that reports them: the start line, {@code toString()}
 * and the churn detector. {@code recycle} is HikariCP's live maxLifetime, which pool-mysql lowers at run time to
 * stay under the server's {@code wait_timeout}; reading it here, and only here, keeps every report on the value
 * that decides when connections are replaced.
 */
public final class EffectiveSettings {

    private final TwPoolConfig config;
    private final LongSupplier maxLifetimeMillis;
    /** The server setting an extension shortened recycle for; named in messages. */
    private volatile String recycleLimit = "wait_timeout";

    public EffectiveSettings(TwPoolConfig config, LongSupplier maxLifetimeMillis) {
        this.config = config;
        this.maxLifetimeMillis = maxLifetimeMillis;
    }

    /** The settings of a running pool, read from Hikari's runtime configuration. */
    public static EffectiveSettings of(TwPoolConfig config, HikariConfigMXBean hikari) {
        return new EffectiveSettings(config, hikari::getMaxLifetime);
    }

    /** As configured: for a detector with no running pool behind it. */
    public static EffectiveSettings configured(TwPoolConfig config) {
        return new EffectiveSettings(config, () -> config.recycle().toMillis());
    }

    public TwPoolConfig config() {
        return config;
    }

    /** Called by the extension that shortened recycle: the server setting it stays under, e.g. {@code wait_timeout}. */
    public void recycleLimitedBy(String serverSetting) {
        this.recycleLimit = serverSetting;
    }

    /** The lifetime after which connections are replaced now; zero for never. */
    public Duration recycle() {
        return Duration.ofMillis(maxLifetimeMillis.getAsLong());
    }

    /** True when the pool runs with a shorter recycle than configured (an extension's clamp under the server's idle limit). */
    public boolean recycleShortened() {
        long now = maxLifetimeMillis.getAsLong();
        long configured = config.recycle().toMillis();
        return now != 0 && (configured == 0 || now < configured);
    }

    /** How the effective recycle reads in messages, e.g. {@code 54s (shortened from 30m to stay under the server's wait_timeout)}. */
    public String describeRecycle() {
        Duration now = recycle();
        String value = now.isZero() ? "never" : Durations.format(now);
        if (recycleShortened()) {
            return value + " (shortened from " + (config.recycle().isZero() ? "never" : Durations.format(config.recycle()))
                    + " to stay under the server's " + recycleLimit + ")";
        }
        return value;
    }

    /** {@link TwPoolConfig#describe()} with the effective recycle in place of the configured one. */
    public String describe() {
        return SettingsLine.render(config, recycleShortened() ? Map.of(TwPoolSettings.RECYCLE, describeRecycle()) : Map.of());
    }
}
