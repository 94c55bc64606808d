package io.github.twpool.sidecar;

/** A bad command line or environment: the message says which option, what was given (never a secret) and what is allowed. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
