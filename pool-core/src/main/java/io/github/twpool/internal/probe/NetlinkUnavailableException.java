package io.github.twpool.internal.probe;

import java.io.IOException;

/** Why the netlink census cannot run here (no Java 22, native access off, seccomp, EPERM, a reply it cannot parse). */
public final class NetlinkUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The kernel's error number when it refused something, else 0. */
    private final int errno;

    public NetlinkUnavailableException(String reason) {
        this(reason, 0);
    }

    public NetlinkUnavailableException(String reason, int errno) {
        super(reason);
        this.errno = errno;
    }

    public NetlinkUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
        this.errno = 0;
    }

    public int errno() {
        return errno;
    }
}
