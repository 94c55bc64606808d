package io.github.twpool.sidecar;

import java.util.Arrays;

/** The database password, read from an environment variable or a file; never printed, whatever prints it. */
final class Password {

    static final Password NONE = new Password(null, "none");

    private final char[] value;
    private final String source;

    Password(char[] value, String source) {
        this.value = value == null ? null : Arrays.copyOf(value, value.length);
        this.source = source;
    }

    /** The password itself, for the driver's properties only. */
    String reveal() {
        return value == null ? null : new String(value);
    }

    boolean present() {
        return value != null;
    }

    /** Where it came from ({@code env MYSQL_PASSWORD}, {@code file /run/secrets/db}), for log lines. */
    String source() {
        return source;
    }

    @Override
    public String toString() {
        return value == null ? "none" : "**** (from " + source + ")";
    }
}
