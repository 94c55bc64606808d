package io.github.twpool.spi;

/**
 * Masks secrets before an extension logs, prints or throws anything that may hold one, the way twpool itself does.
 */
public final class Secrets {

    /** What a secret is replaced with. */
    public static final String MASK = io.github.twpool.internal.Secrets.MASK;

    private Secrets() {
    }

    /**
     * Masks every password a JDBC URL carries (user info, query and property parameters).
     *
     * @param url a JDBC URL, or {@code null}
     * @return the URL with each password replaced by {@value #MASK}; {@code null} for {@code null}
     */
    public static String maskUrl(String url) {
        return io.github.twpool.internal.Secrets.maskUrl(url);
    }

    /**
     * Tells whether a property's value must never be shown.
     *
     * @param key a property name
     * @return true for names that mention a password, secret, token or credential
     */
    public static boolean isSecretKey(String key) {
        return io.github.twpool.internal.Secrets.isSecretKey(key);
    }

    /**
     * The value of a property as it may be shown.
     *
     * @param key   the property name
     * @param value its value
     * @return {@value #MASK} for a secret key, the masked URL for a URL key, else the value as text
     */
    public static String displayValue(String key, Object value) {
        return io.github.twpool.internal.Secrets.displayValue(key, value);
    }
}
