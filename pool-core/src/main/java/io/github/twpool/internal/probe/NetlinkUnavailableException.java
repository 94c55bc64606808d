package io.github.twpool.internal.probe;

import java.io.IOException;

/** Why the netlink census cannot run here (no Java 22, native access off, seccomp, EPERM, a reply it cannot parse). */
public final class NetlinkUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    public NetlinkUnavailableException(String reason) {
        super(reason);
    }

    public NetlinkUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
