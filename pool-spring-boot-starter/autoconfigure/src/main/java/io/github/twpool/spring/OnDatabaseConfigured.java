package io.github.twpool.spring;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/** The application names a database: {@code twpool.url}, {@code spring.datasource.url} or a JdbcConnectionDetails bean. */
class OnDatabaseConfigured extends SpringBootCondition implements ConfigurationCondition {

    // Bean conditions: evaluated when beans are registered, not when configuration classes are parsed (then none is).
    @Override
    public ConfigurationPhase getConfigurationPhase() {
        return ConfigurationPhase.REGISTER_BEAN;
    }

    /** JdbcConnectionDetails of Boot 3.5 and of Boot 4.x. */
    static final String[] CONNECTION_DETAILS = {
            "org.springframework.boot.autoconfigure.jdbc.JdbcConnectionDetails",
            "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails"};

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        for (String key : new String[]{ConnectionSettings.URL, ConnectionSettings.SPRING_URL}) {
            if (context.getEnvironment().containsProperty(key)) {
                return ConditionOutcome.match(key + " is set");
            }
        }
        ConfigurableListableBeanFactory beans = context.getBeanFactory();
        for (String type : CONNECTION_DETAILS) {
            if (beans != null && ClassUtils.isPresent(type, context.getClassLoader())) {
                Class<?> c = ClassUtils.resolveClassName(type, context.getClassLoader());
                if (beans.getBeanNamesForType(c, true, false).length > 0) {
                    return ConditionOutcome.match("a " + c.getSimpleName() + " bean is defined");
                }
            }
        }
        return ConditionOutcome.noMatch("no twpool.url, spring.datasource.url or JdbcConnectionDetails bean");
    }

    /** The opposite: no database named anywhere. */
    static class Not extends SpringBootCondition implements ConfigurationCondition {
        private final OnDatabaseConfigured configured = new OnDatabaseConfigured();

        @Override
        public ConfigurationPhase getConfigurationPhase() {
            return ConfigurationPhase.REGISTER_BEAN;
        }

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            ConditionOutcome o = configured.getMatchOutcome(context, metadata);
            return new ConditionOutcome(!o.isMatch(), o.getConditionMessage());
        }
    }
}
