package io.github.twpool.spi;

import io.github.twpool.TwPoolConfig;

import java.util.List;
import java.util.Map;

/**
 * A database-specific add-on to pool-core, such as pool-mysql. Found with {@link java.util.ServiceLoader} when its
 * module is on the classpath, or registered explicitly with
 * {@link io.github.twpool.TwPoolDataSource#create(TwPoolConfig, java.util.List)}.
 *
 * <p>Every method but {@link #onStart} and the {@link ServerStatusSource} it may return runs while the pool is being
 * configured, before any connection is opened. None of them may run on a caller's {@code getConnection()}.
 */
public interface TwPoolExtension {

    /** Short lower-case name; also the property namespace the extension owns, e.g. {@code mysql} for {@code twpool.mysql.*}. */
    String name();

    /** True when this extension applies to the JDBC URL, e.g. {@code jdbc:mysql:}. */
    boolean supports(String jdbcUrl);

    /**
     * The keys this extension owns, each declared once with its type, default, bounds and documentation
     * ({@link Setting}); their names start with {@link #name()} and a dot, e.g. {@code mysql.clamp-recycle}. twpool
     * parses and checks them (from properties, {@code TWPOOL_*} variables and Spring Boot), refuses unknown keys
     * under the namespace, and documents them; the extension reads them with {@link TwPoolConfig#get(Setting)}.
     */
    default List<Setting<?>> settings() {
        return List.of();
    }

    /**
     * Checks what the declarations cannot: rules across keys, and the extension's own keys against the URL. Runs
     * after every key was parsed and checked against its declaration. Throws {@link io.github.twpool.TwPoolConfigException}.
     */
    default void validate(TwPoolConfig config) {
    }

    /** Driver properties to set unless the user set them with {@code twpool.driver.*}. */
    default Map<String, String> driverDefaults(TwPoolConfig config) {
        return Map.of();
    }

    /**
     * The decorator that implements {@code reset-session=true}, or {@code null} when this extension cannot. Called
     * before the pool starts, so that a pool that cannot reset sessions fails before it opens a connection.
     */
    default ConnectionDecorator sessionReset(TwPoolConfig config) {
        return null;
    }

    /** Called once the pool is running, on the thread that created it. May adjust the pool through the context. */
    default void onStart(PoolContext context) {
    }

    /** A source of server-side counters sampled on the probe thread, or {@code null}. Called once per pool, after {@link #onStart}. */
    default ServerStatusSource serverStatusSource(PoolContext context) {
        return null;
    }
}
