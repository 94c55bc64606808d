package io.github.twpool.spring;

import io.github.twpool.TwPoolConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

import java.util.Objects;
import java.util.Properties;

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

    /** twpool's properties with the url, username and password of the one source that provides the database. */
    static Properties resolve(Properties twpool, Environment environment, ConnectionDetailsSource.Details details) {
        Properties p = new Properties();
        p.putAll(twpool);
        String springUrl = environment.getProperty(SPRING_URL);
        if (details != null) {
            if (p.getProperty(URL) != null || springUrl != null) {
                LOG.info("twpool uses the database of the application's {}; {} is not used", details,
                        p.getProperty(URL) != null ? URL : SPRING_URL);
            }
            p.remove(USERNAME);
            p.remove(PASSWORD);
            set(p, URL, details.url());
            set(p, USERNAME, details.username());
            set(p, PASSWORD, details.password());
            return p;
        }
        String url = p.getProperty(URL);
        if (url != null) {
            if (springUrl != null && !springUrl.trim().equals(url.trim())) {
                throw new TwPoolConfigException(URL, URL + " and " + SPRING_URL + " are both set and name different"
                        + " databases (values not shown); twpool would connect to " + URL + " while the "
                        + "spring.datasource.* credentials belong to the other. Set only one of them");
            }
            boolean ownCredentials = p.getProperty(USERNAME) != null || p.getProperty(PASSWORD) != null;
            if (springUrl != null && !ownCredentials) {
                // The same database under both prefixes: its credentials may come from either, never from both.
                set(p, USERNAME, environment.getProperty(SPRING_USERNAME));
                set(p, PASSWORD, environment.getProperty(SPRING_PASSWORD));
            }
            return p;
        }
        Objects.requireNonNull(springUrl, "no database configured");
        for (String key : new String[]{USERNAME, PASSWORD}) {
            if (p.getProperty(key) != null) {
                throw new TwPoolConfigException(key, key + " is set but the database comes from " + SPRING_URL
                        + "; credentials are taken from the source of the URL only. Set " + URL + " too, or use "
                        + (key.equals(USERNAME) ? SPRING_USERNAME : SPRING_PASSWORD));
            }
        }
        set(p, URL, springUrl);
        set(p, USERNAME, environment.getProperty(SPRING_USERNAME));
        set(p, PASSWORD, environment.getProperty(SPRING_PASSWORD));
        return p;
    }

    private static void set(Properties p, String key, String value) {
        if (value != null) {
            p.setProperty(key, value);
        }
    }
}
