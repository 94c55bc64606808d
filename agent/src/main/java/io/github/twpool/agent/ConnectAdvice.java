package io.github.twpool.agent;

import io.github.twpool.agent.bootstrap.ConnectHook;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into every {@code java.sql.Driver.connect(String, Properties)} implementation: tells {@link ConnectHook}
 * that a connect ended, and how. It reads the return value and never replaces it, and anything it throws is
 * suppressed, so the application gets from the driver exactly what it got without the agent.
 */
final class ConnectAdvice {

    private ConnectAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter() {
        return ConnectHook.enter();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long mark, @Advice.Argument(0) String url, @Advice.Origin("#t") String type,
                     @Advice.Return Object connection, @Advice.Thrown Throwable thrown) {
        ConnectHook.exit(mark, url, type, connection, thrown);
    }
}
