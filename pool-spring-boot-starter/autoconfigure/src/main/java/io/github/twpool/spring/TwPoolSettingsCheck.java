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

/**
 * {@code twpool.*} settings that would configure nothing are reported instead of ignored: with no database at all
 * they fail the start (otherwise their values would never be checked); beside an application's own DataSource
 * they get one WARN, and twpool steps aside. Names only: values are never shown.
 */
final class TwPoolSettingsCheck implements InitializingBean, SmartInitializingSingleton {

    private static final Logger LOG = LoggerFactory.getLogger(TwPoolSettingsCheck.class);
    private static final String BOOT_TYPE = "spring.datasource.type";

    private final TwPoolBinder binder;
    private final ObjectProvider<DataSource> ownDataSources;

    private TwPoolSettingsCheck(Environment environment, ObjectProvider<DataSource> ownDataSources) {
        this.binder = new TwPoolBinder(environment);
        this.ownDataSources = ownDataSources;
    }

    /** No database named anywhere and no DataSource bean: fails as soon as it is created if twpool.* is set. */
    static TwPoolSettingsCheck requireDatabase(Environment environment) {
        return new TwPoolSettingsCheck(environment, null);
    }

    /** The application defines its own DataSource: warns once, after start-up, if twpool.* is set. */
    static TwPoolSettingsCheck warnUnused(Environment environment, ObjectProvider<DataSource> ownDataSources) {
        return new TwPoolSettingsCheck(environment, ownDataSources);
    }

    /**
     * An explicit {@code spring.datasource.type} naming another pool is a choice twpool would overrule when it makes
     * the application's DataSource: it fails the start, saying how to keep that pool. (Boot's
     * {@code spring.datasource.hikari.*} settings configure twpool's pool: {@link BootHikariSettings}.)
     */
    static void refuseOtherPoolType(Environment environment) {
        String type = environment.getProperty(BOOT_TYPE);
        if (type != null && !type.trim().equals(TwPoolDataSource.class.getName())) {
            throw new TwPoolConfigException(BOOT_TYPE, BOOT_TYPE + "=" + type.trim() + " asks for another pool than"
                    + " twpool's, which makes the application's DataSource when the twpool starter is present: remove "
                    + BOOT_TYPE + " (or set it to " + TwPoolDataSource.class.getName() + "), or keep Boot's pool with"
                    + " spring.autoconfigure.exclude=" + TwPoolAutoConfiguration.class.getName());
        }
    }

    @Override
    public void afterPropertiesSet() {
        binder.bind(); // an unknown key or an unreadable value fails the start whether or not twpool makes the pool
        Set<String> keys = binder.keysSet();
        if (ownDataSources == null && !keys.isEmpty()) {
            String first = keys.iterator().next();
            throw new TwPoolConfigException(first, first + " is set, but twpool has no database, so no twpool setting"
                    + " would be used or checked: set twpool.url (or spring.datasource.url), or remove the twpool.*"
                    + " settings " + keys);
        }
    }

    @Override
    public void afterSingletonsInstantiated() {
        Set<String> keys = binder.keysSet();
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
