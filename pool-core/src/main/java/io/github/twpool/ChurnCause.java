package io.github.twpool;

/** Why the churn detector warned. The tag is what logs and metrics show. */
public enum ChurnCause {
    /** Sockets to the database in TIME_WAIT imply far more new connections than this pool opened. */
    OUTSIDE_POOL("outside-pool"),
    /** This pool itself opens connections much faster than its size and a healthy lifetime explain. */
    POOL("pool"),
    /** Sockets towards one endpoint take a large share of the ephemeral port range. */
    PORT_EXHAUSTION("port-exhaustion"),
    /** The server accepts far more new connections than this pool opens: other hosts or applications churn. */
    SERVER_CHURN("server-churn"),
    /** The server's connections approach its max_connections. */
    SERVER_CAPACITY("server-capacity"),
    /** The server counts connections dropped without a proper close. */
    ABORTED_CLIENTS("aborted-clients");

    private final String tag;

    ChurnCause(String tag) {
        this.tag = tag;
    }

    /**
     * The cause as logs, metrics and health details show it.
     *
     * @return {@code outside-pool}, {@code pool}, {@code port-exhaustion}, ...
     */
    public String tag() {
        return tag;
    }
}
