package io.github.twpool.internal.probe;

import java.io.IOException;

/** A {@code /proc} file twpool refuses or gives up on; the message names the file and why, for logs and status. */
public final class ProcFileException extends IOException {

    /** Why, one value per log line: each is logged once per pool. */
    public enum Kind {
        /** A FIFO, device, socket or directory where procfs has a regular file: opening it could block or never end. */
        NOT_REGULAR,
        /** More bytes than any real file of this kind holds. */
        TOO_LARGE,
        /** Reading took longer than a scan may. */
        TOO_SLOW,
        /** Content, but not one well-formed line of what the file should hold. */
        NO_SOCKET_LINES
    }

    private final Kind kind;

    public ProcFileException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
