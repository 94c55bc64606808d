package example.agentapp;

import java.util.function.Supplier;

/** Application code calling into something that opens a connection: its frame is the call site. */
public final class Caller {

    private Caller() {
    }

    public static <T> T call(Supplier<T> opener) {
        return opener.get();
    }
}
