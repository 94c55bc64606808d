package io.github.twpool.agent;

import io.github.twpool.agent.bootstrap.ConnectHook;

import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.ExecutionException;

/** Wires the agent up: the recorder as the hook's sink, the agent's thread, /metrics, the instrumentation. */
final class Launcher {

    private Launcher() {
    }

    static void launch(AgentOptions options, Instrumentation inst, PrintStream err) {
        try {
            ConnectRecorder recorder = new ConnectRecorder(options);
            AgentRuntime runtime = new AgentRuntime(options, recorder);
            if (options.metricsPort() > 0) {
                try {
                    // Started from the agent's daemon thread: the HTTP server's threads inherit that, and never keep
                    // the JVM alive after the application's last thread ends.
                    runtime.call(() -> new MetricsServer(runtime, options.metricsAddress(), options.metricsPort()));
                } catch (Exception | LinkageError e) {
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    err.println("twpool-agent: cannot serve /metrics on " + options.metricsAddress() + ":"
                            + options.metricsPort() + " (" + cause + "); the agent runs without it.");
                }
            }
            ConnectHook.sink(recorder);
            Instrumenter.disableNexus();
            // On the agent's thread: the application starts meanwhile instead of waiting for ByteBuddy to load. A
            // driver loaded before the transformer is in place is retransformed right after; only connects made
            // before that (the first fraction of a second) go uncounted.
            runtime.execute(() -> {
                Instrumenter.Errors errors = new Instrumenter.Errors();
                try {
                    Instrumenter.install(inst, errors);
                } catch (Throwable t) {
                    ConnectHook.sink(null);
                    err.println("twpool-agent: failed to instrument the JDBC drivers (" + t + "). The agent is off; "
                            + "the application runs without it.");
                    return;
                }
                if (!errors.failures().isEmpty()) {
                    err.println("twpool-agent: could not instrument " + errors.failures()
                            + "; connects through them are not counted.");
                }
            });
            runtime.start();
        } catch (Throwable t) {
            try {
                ConnectHook.sink(null);
            } catch (Throwable ignored) {
                // the hook may be the very thing that failed
            }
            err.println("twpool-agent: failed to start (" + t + "). The agent is off; the application runs without it.");
        }
    }
}
