package io.github.twpool.spring;

import io.github.twpool.TwPoolConfigException;
import io.github.twpool.TwPoolDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code twpool.*} settings that would configure nothing are reported instead of ignored: with no database at all
 * they fail the start (otherwise their values would never be checked); beside an application's own DataSource
 * they get one WARN, and twpool steps aside. Names only: values are never shown.
 */
final class TwPoolSettingsCheck implements InitializingBean, SmartInitializingSingleton {

    private static final Logger LOG = LoggerFactory.getLogger(TwPoolSettingsCheck.class);

    private final TwPoolProperties properties;
    private final Environment environment;
    private final ObjectProvider<DataSource> ownDataSources;

    private TwPoolSettingsCheck(TwPoolProperties properties, Environment environment, ObjectProvider<DataSource> ownDataSources) {
        this.properties = properties;
        this.environment = environment;
        this.ownDataSources = ownDataSources;
    }

    /** No database named anywhere and no DataSource bean: fails as soon as it is created if twpool.* is set. */
    static TwPoolSettingsCheck requireDatabase(TwPoolProperties properties, Environment environment) {
        return new TwPoolSettingsCheck(properties, environment, null);
    }

    /** The application defines its own DataSource: warns once, after start-up, if twpool.* is set. */
    static TwPoolSettingsCheck warnUnused(TwPoolProperties properties, Environment environment,
                                          ObjectProvider<DataSource> ownDataSources) {
        return new TwPoolSettingsCheck(properties, environment, ownDataSources);
    }

    private Set<String> keys() {
        return new TreeSet<>(properties.toTwPoolProperties(environment).stringPropertyNames());
    }

    @Override
    public void afterPropertiesSet() {
        Set<String> keys = keys();
        if (ownDataSources == null && !keys.isEmpty()) {
            String first = keys.iterator().next();
            throw new TwPoolConfigException(first, first + " is set, but twpool has no database, so no twpool setting"
                    + " would be used or checked: set twpool.url (or spring.datasource.url), or remove the twpool.*"
                    + " settings " + keys);
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        Set<String> keys = keys();
        if (ownDataSources == null || keys.isEmpty()) {
            return;
        }
        List<DataSource> all = ownDataSources.orderedStream().toList();
        if (all.isEmpty() || all.stream().anyMatch(TwPoolDataSource.class::isInstance)) {
            return;
        }
        LOG.warn("twpool steps aside: the application defines its own DataSource ({}), so these twpool settings are"
                + " not used: {}. Remove them, or remove that DataSource bean to let twpool create the pool",
                all.get(0).getClass().getName(), keys);
    }
}
