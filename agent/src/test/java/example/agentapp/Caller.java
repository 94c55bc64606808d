package example.agentapp;

import java.util.function.Supplier;

/** Application code calling into something that opens a connection: its frame is the call site. */
public final class Caller {

    private Caller() {
    }

    public static <T> T call(Supplier<T> opener) {
        return opener.get();
    }

    /** Runs {@code r} under {@code depth} frames of application code, as a request handler deep in a service does. */
    public static void deep(int depth, Runnable r) {
        if (depth == 0) {
            r.run();
        } else {
            deep(depth - 1, r);
        }
    }
}
