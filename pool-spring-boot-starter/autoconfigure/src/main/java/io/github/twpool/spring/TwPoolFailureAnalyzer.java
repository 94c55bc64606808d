package io.github.twpool.spring;

import io.github.twpool.TwPoolConfig;
import io.github.twpool.TwPoolConfigException;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Boot's failure report for {@code twpool.*}: it names the key and where it was set, never its value. Boot's own
 * analyzers print the value of an unknown or unconvertible key, and a misspelt {@code twpool.pasword} or a
 * {@code twpool.jdbc-url} carrying credentials would put a password on the console; this one runs first. A
 * {@link TwPoolConfigException} is reported with its own message, which twpool renders without secrets.
 */
public class TwPoolFailureAnalyzer implements FailureAnalyzer, Ordered {

    private static final String PROPERTY_TABLE = "The twpool.* keys, their types and defaults are in the README's"
            + " property table and in your IDE's completion.";

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnboundConfigurationPropertiesException unbound && isTwPool(unbound.getUnboundProperties()
                    .stream().map(p -> p.getName().toString()).findFirst().orElse(""))) {
                return unknownKeys(unbound, failure);
            }
            if (t instanceof BindException bind && isTwPool(bind.getName().toString())) {
                if (bind.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
                    return unknownKeys(unbound, failure);
                }
                return badValue(bind, failure);
            }
            if (t instanceof TwPoolConfigException config) {
                return new FailureAnalysis("twpool could not start the pool: " + config.getMessage(),
                        "Correct " + config.property() + ". " + PROPERTY_TABLE, failure);
            }
        }
        return null;
    }

    private static FailureAnalysis unknownKeys(UnboundConfigurationPropertiesException unbound, Throwable failure) {
        String keys = unbound.getUnboundProperties().stream()
                .map(p -> where(p) + TwPoolKeys.didYouMean(p.getName().toString()))
                .collect(Collectors.joining("\n    ", "    ", ""));
        return new FailureAnalysis("Unknown twpool properties (values not shown, they may hold secrets):\n" + keys,
                "Correct or remove them. " + PROPERTY_TABLE, failure);
    }

    private static FailureAnalysis badValue(BindException bind, Throwable failure) {
        ConfigurationProperty property = bind.getProperty();
        String name = bind.getName().toString();
        String verdict = property == null ? null : twpoolsVerdict(name, property.getValue());
        String where = property == null ? name : where(property);
        String description = verdict != null ? verdict + (property.getOrigin() == null ? "" : " (" + property.getOrigin() + ")")
                : "Failed to bind " + where + ": the value (not shown) is not a valid " + bind.getTarget().getType() + ".";
        return new FailureAnalysis(description, "Correct " + name + ". " + PROPERTY_TABLE, failure);
    }

    /**
     * twpool's own message for this value, as outside Spring (it never shows a secret), when twpool rejects it too:
     * Boot's type check runs first, but the user should read the same rule either way.
     */
    static String twpoolsVerdict(String name, Object value) {
        if (!(value instanceof CharSequence) || !TwPoolProperties.KEYS.contains(name.substring("twpool.".length()))) {
            return null;
        }
        Properties p = new Properties();
        p.setProperty("twpool.url", "jdbc:mysql://127.0.0.1/only-validated");
        p.setProperty(name, value.toString());
        try {
            TwPoolConfig.fromProperties(p);
            return null;
        } catch (TwPoolConfigException e) {
            return name.equals(e.property()) ? e.getMessage() : null;
        }
    }

    private static String where(ConfigurationProperty p) {
        return p.getName() + (p.getOrigin() == null ? "" : " (" + p.getOrigin() + ")");
    }

    private static boolean isTwPool(String name) {
        return name.equals("twpool") || name.startsWith("twpool.");
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }
}
