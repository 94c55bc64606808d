package io.github.twpool;

/**
 * A configuration value twpool cannot accept. The message always names the property, the value given
 * (never a secret) and what is allowed. Thrown at construction, before any connection is opened.
 */
public class TwPoolConfigException extends IllegalArgumentException {

    private final String property;

    public TwPoolConfigException(String property, String message) {
        super(message);
        this.property = property;
    }

    /** With the exception that showed the value bad (a driver's, a class loader's), secrets in it masked. */
    public TwPoolConfigException(String property, String message, Throwable cause) {
        super(message, cause);
        this.property = property;
    }

    /** Builds the standard message: {@code twpool.pool-size=-1: must be an integer from 1 to 1000}. */
    public static TwPoolConfigException invalid(String property, Object value, String allowed) {
        return new TwPoolConfigException(property, property + "=" + value + ": " + allowed);
    }

    /** The full property name, e.g. {@code twpool.pool-size}. */
    public String property() {
        return property;
    }
}
