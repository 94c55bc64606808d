package io.github.twpool.agent;

import java.io.PrintStream;
import java.lang.instrument.Instrumentation;

/**
 * {@code java -javaagent:twpool-agent.jar[=options] -jar app.jar}, or attached to a running JVM: counts every
 * connection the JVM opens through a JDBC driver, with who opened it, and runs twpool's probe and churn detector per
 * database endpoint. A broken agent never breaks the application: any failure here is one line on standard error
 * and the application runs as if the agent were not there.
 */
public final class TwPoolAgent {

    private static final Object LOCK = new Object();
    private static boolean started;

    private TwPoolAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    static void start(String args, Instrumentation inst) {
        PrintStream err = System.err;
        try {
            synchronized (LOCK) {
                if (started) {
                    err.println("twpool-agent: already running in this JVM; the second -javaagent is ignored.");
                    return;
                }
                started = true;
            }
            AgentOptions options;
            try {
                options = AgentOptions.parse(args);
            } catch (AgentOptions.BadOption e) {
                err.println("twpool-agent: " + e.getMessage() + ". The agent is off; the application runs without it.");
                return;
            }
            Launcher.launch(options, inst, err);
        } catch (Throwable t) {
            err.println("twpool-agent: failed to start (" + t + "). The agent is off; the application runs without it.");
        }
    }
}
