package io.github.twpool.mysql.internal;

import com.mysql.cj.protocol.ServerSessionStateController;
import com.mysql.cj.protocol.ServerSessionStateController.ServerSessionStateChanges;
import com.mysql.cj.protocol.ServerSessionStateController.SessionStateChange;

/**
 * What the server reported about one physical connection's session, from the session-state information in its OK
 * packets ({@code session_track_state_change}, {@code session_track_schema}, {@code session_track_transaction_info}
 * with Connector/J's {@code trackSessionState=true}): whether anything changed since the borrow began, whether the
 * default database changed since the last reset, and the transaction state, which stays until the server reports
 * another (an open transaction, an XA transaction, {@code LOCK TABLES}).
 *
 * <p>Connector/J holds its listeners weakly: the reset keeps each tracker as long as its connection.
 */
final class SessionTracker implements ServerSessionStateController.SessionStateChangesListener {

    /** No transaction, no table lock: eight underscores, one per flag the server can set. */
    private static final String IDLE = "________";

    private volatile boolean tracks;
    private volatile boolean changed;
    private volatile boolean schemaChanged;
    private volatile boolean reported;
    private volatile String transactionState = IDLE;

    @Override
    public void handleSessionStateChanges(ServerSessionStateChanges changes) {
        for (SessionStateChange c : changes.getSessionStateChangesList()) {
            reported = true;
            switch (c.getType()) {
                case ServerSessionStateController.SESSION_TRACK_TRANSACTION_STATE:
                    transactionState = c.getValues().isEmpty() ? IDLE : c.getValues().get(0);
                    break;
                case ServerSessionStateController.SESSION_TRACK_GTIDS:
                    break; // the server's replication position, not the session's state
                case ServerSessionStateController.SESSION_TRACK_SCHEMA:
                    schemaChanged = true;
                    changed = true;
                    break;
                default: // system variables, the state-change flag, transaction characteristics
                    changed = true;
            }
        }
    }

    /** Before the statement that switches tracking on: afterwards, {@link #confirm()} says whether it worked. */
    void arm() {
        reported = false;
    }

    /**
     * Whether the server reported anything since {@link #arm()}: switching tracking on always reports the new
     * transaction state, so silence means this connection cannot track (Connector/J without
     * {@code trackSessionState}, or a server that ignores it), and its sessions are reset on every return.
     */
    boolean confirm() {
        tracks = reported;
        return tracks;
    }

    /** After a reset: no transaction, the pool's database. */
    void wasReset() {
        transactionState = IDLE;
        schemaChanged = false;
    }

    /** A borrow begins: changes are counted from here. */
    void borrowed() {
        changed = false;
    }

    /** Whether the server vouches that the session is as the borrow found it. */
    boolean unchanged() {
        return tracks && !changed && IDLE.equals(transactionState);
    }

    /** Whether the default database may differ from the pool's. */
    boolean schemaMayHaveChanged() {
        return !tracks || schemaChanged;
    }

    boolean tracks() {
        return tracks;
    }
}
