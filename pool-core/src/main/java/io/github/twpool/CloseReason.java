package io.github.twpool;

/**
 * Why the pool closed a physical connection. HikariCP does not say; twpool tells the reasons apart where the pool
 * closes the connection, from what it saw of it (docs/metrics.md explains how each is known). The tag is what
 * metrics show ({@code twpool.connections.closed{reason=...}}).
 */
public enum CloseReason {
    /** It reached the pool's recycle (HikariCP's maxLifetime). */
    LIFETIME("lifetime"),
    /** An overflow connection stayed idle for overflow-idle-timeout (HikariCP's idleTimeout) and was retired. */
    IDLE("idle"),
    /** It did not answer a validation in time. */
    VALIDATION("validation"),
    /** The application, an extension or HikariCP evicted it. */
    EVICTED("evicted"),
    /** The server or the network ended it (wait_timeout, KILL, a restart, a dropped link): a validation found it closed. */
    SERVER("server"),
    /** A borrower's statement failed with a connection-level error and HikariCP retired it at once. */
    BROKEN("broken"),
    /** The pool was closed. */
    POOL_CLOSED("pool-closed");

    private final String tag;

    CloseReason(String tag) {
        this.tag = tag;
    }

    /** The reason as metrics and logs show it: {@code lifetime}, {@code idle}, ..., {@code pool-closed}. */
    public String tag() {
        return tag;
    }
}
