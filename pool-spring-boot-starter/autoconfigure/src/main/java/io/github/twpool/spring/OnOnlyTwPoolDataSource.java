package io.github.twpool.spring;

import io.github.twpool.TwPoolDataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

import javax.sql.DataSource;

/**
 * The application's only DataSource is a {@link TwPoolDataSource}: then twpool may answer Boot's {@code db} health
 * check for it, bounded by validation-timeout, without hiding another DataSource's health.
 */
public class OnOnlyTwPoolDataSource extends SpringBootCondition implements ConfigurationCondition {

    // Bean conditions: evaluated when beans are registered, not when configuration classes are parsed (then none is).
    @Override
    public ConfigurationPhase getConfigurationPhase() {
        return ConfigurationPhase.REGISTER_BEAN;
    }

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        ConfigurableListableBeanFactory beans = context.getBeanFactory();
        String[] names = beans == null ? new String[0] : beans.getBeanNamesForType(DataSource.class, true, false);
        if (names.length == 1) {
            Class<?> type = beans.getType(names[0], false);
            if (type != null && TwPoolDataSource.class.isAssignableFrom(type)) {
                return ConditionOutcome.match("the only DataSource, '" + names[0] + "', is a TwPoolDataSource");
            }
        }
        return ConditionOutcome.noMatch(names.length + " DataSource beans, not one TwPoolDataSource");
    }
}
