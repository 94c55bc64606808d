package io.github.twpool.spring;

/**
 * The application's {@code JdbcConnectionDetails} bean, read without naming its type: Boot 3.5 and 4.x keep it in
 * different packages, so each generation's module provides one of these.
 */
@FunctionalInterface
public interface ConnectionDetailsSource {

    /** The connection details the application provides, or null when it provides none. */
    Details get();

    /** What a {@code JdbcConnectionDetails} says; {@code origin} names the bean's class for messages. */
    record Details(String url, String username, String password, String origin) {
        @Override
        public String toString() {
            return "JdbcConnectionDetails[" + origin + "]";
        }
    }
}
