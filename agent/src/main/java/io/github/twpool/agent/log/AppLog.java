package io.github.twpool.agent.log;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.logging.Level;

/**
 * Writes the agent's lines through the application's logging: its SLF4J when the application has SLF4J with a
 * provider (logback, log4j, ...), else {@code java.util.logging}. The application's SLF4J is looked up on every
 * line, from the class loader of the code that connected (kept weakly) or the system class loader, so that the
 * agent holds no class of the application and no class loader alive; its lines are rare (warnings and state
 * changes), so the look-up costs nothing that matters.
 */
public final class AppLog {

    /** Levels the agent writes at. */
    public enum Severity { ERROR, WARN, INFO }

    /** Not a constant: the jar's relocation must leave the application's SLF4J package name as it is. */
    private static final String SLF4J = String.join(".", "org", "slf4j", "LoggerFactory");

    private static volatile WeakReference<ClassLoader> applicationLoader = new WeakReference<>(null);
    private static final ThreadLocal<Boolean> WRITING = new ThreadLocal<>();

    private AppLog() {
    }

    /** Remembers, weakly, a class loader the application's code runs in (the first one the agent sees). */
    public static void noteApplicationLoader(ClassLoader loader) {
        if (loader != null && applicationLoader.get() == null) {
            applicationLoader = new WeakReference<>(loader);
        }
    }

    public static void log(String logger, Severity severity, String message, Throwable thrown) {
        if (WRITING.get() != null) {
            return; // a logging backend that logs through us again
        }
        WRITING.set(Boolean.TRUE);
        try {
            if (!throughSlf4j(applicationLoader.get(), logger, severity, message, thrown)
                    && !throughSlf4j(ClassLoader.getSystemClassLoader(), logger, severity, message, thrown)) {
                // the logger's name as the source: java.util.logging would name this class otherwise
                java.util.logging.Logger.getLogger(logger).logp(julLevel(severity), logger, null, message, thrown);
            }
        } catch (Throwable t) {
            // logging must never break the agent's thread, let alone the application
        } finally {
            WRITING.remove();
        }
    }

    private static boolean throughSlf4j(ClassLoader loader, String logger, Severity severity, String message,
                                        Throwable thrown) {
        if (loader == null) {
            return false;
        }
        try {
            Class<?> factory = Class.forName(SLF4J, true, loader);
            if (factory == org.slf4j.LoggerFactory.class) {
                return false; // the agent's own copy (only when it runs unpackaged, in its tests)
            }
            Object loggers = factory.getMethod("getILoggerFactory").invoke(null);
            String kind = loggers.getClass().getName();
            if (kind.endsWith(".NOPLoggerFactory") || kind.endsWith(".SubstituteLoggerFactory")) {
                return false; // SLF4J without a provider drops every line, or is still starting
            }
            Object target = factory.getMethod("getLogger", String.class).invoke(null, logger);
            String method = switch (severity) {
                case ERROR -> "error";
                case WARN -> "warn";
                case INFO -> "info";
            };
            Class<?> api = Class.forName(String.join(".", "org", "slf4j", "Logger"), false, factory.getClassLoader());
            if (thrown == null) {
                Method m = api.getMethod(method, String.class);
                m.invoke(target, message);
            } else {
                Method m = api.getMethod(method, String.class, Throwable.class);
                m.invoke(target, message, thrown);
            }
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static Level julLevel(Severity s) {
        return switch (s) {
            case ERROR -> Level.SEVERE;
            case WARN -> Level.WARNING;
            case INFO -> Level.INFO;
        };
    }
}
