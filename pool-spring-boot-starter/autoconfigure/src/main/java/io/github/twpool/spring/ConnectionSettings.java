package io.github.twpool.spring;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

import java.util.Objects;

/**
 * Where the pool's database and credentials come from, taken from exactly one source so that a password is only
 * ever sent to the server it belongs to: a {@code JdbcConnectionDetails} bean (as in Boot, it wins over properties),
 * else {@code twpool.url} with {@code twpool.username/password}, else {@code spring.datasource.url} with
 * {@code spring.datasource.username/password}. Two URLs naming different databases are refused.
 */
final class ConnectionSettings {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSettings.class);

    static final String URL = "twpool.url";
    static final String USERNAME = "twpool.username";
    static final String PASSWORD = "twpool.password";
    static final String SPRING_URL = "spring.datasource.url";
    static final String SPRING_USERNAME = "spring.datasource.username";
    static final String SPRING_PASSWORD = "spring.datasource.password";

    private ConnectionSettings() {
    }

    /** The database and credentials, as they are given to the pool. */
    record Connection(String url, String username, String password) {
        @Override
        public String toString() {
            return "Connection[credentials not shown]";
        }

        void applyTo(TwPoolConfig.Builder builder) {
            builder.url(url).username(username).password(password);
        }
    }

    /**
     * The url, username and password of the one source that provides the database, from twpool's own
     * ({@code twpool.url}, {@code twpool.username}, {@code twpool.password}, each null when unset), Boot's, or the bean.
     */
    static Connection resolve(String url, String username, String password, Environment environment,
                              ConnectionDetailsSource.Details details) {
        String springUrl = environment.getProperty(SPRING_URL);
        if (details != null) {
            if (url != null || springUrl != null) {
                LOG.info("twpool uses the database of the application's {}; {} is not used", details,
                        url != null ? URL : SPRING_URL);
            }
            return new Connection(details.url(), details.username(), details.password());
        }
        if (url != null) {
            if (springUrl != null && !springUrl.trim().equals(url.trim())) {
                throw new TwPoolConfigException(URL, URL + " and " + SPRING_URL + " are both set and name different"
                        + " databases (values not shown); twpool would connect to " + URL + " while the "
                        + "spring.datasource.* credentials belong to the other. Set only one of them");
            }
            boolean ownCredentials = username != null || password != null;
            if (springUrl != null && !ownCredentials) {
                // The same database under both prefixes: its credentials may come from either, never from both.
                return new Connection(url, environment.getProperty(SPRING_USERNAME), environment.getProperty(SPRING_PASSWORD));
            }
            return new Connection(url, username, password);
        }
        Objects.requireNonNull(springUrl, "no database configured");
        if (username != null || password != null) {
            String key = username != null ? USERNAME : PASSWORD;
            throw new TwPoolConfigException(key, key + " is set but the database comes from " + SPRING_URL
                    + "; credentials are taken from the source of the URL only. Set " + URL + " too, or use "
                    + (key.equals(USERNAME) ? SPRING_USERNAME : SPRING_PASSWORD));
        }
        return new Connection(springUrl, environment.getProperty(SPRING_USERNAME), environment.getProperty(SPRING_PASSWORD));
    }
}
