package io.github.twpool.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Captures what a logger (and its children) writes, as the application's log would show it. Close to detach. */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(String loggerName) {
        this.logger = logback(loggerName);
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    /**
     * The Logback logger of that name. While SLF4J initialises on one thread, a class running concurrently on another
     * is handed a stand-in ({@code SubstituteLogger}) that only replays events later: wait for the real one.
     */
    public static Logger logback(String name) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        org.slf4j.Logger l = LoggerFactory.getLogger(name);
        while (!(l instanceof Logger) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            l = LoggerFactory.getLogger(name);
        }
        if (!(l instanceof Logger logback)) {
            throw new IllegalStateException("SLF4J is not bound to Logback here (" + l.getClass().getName() + ")");
        }
        return logback;
    }

    /** Captures everything below the root logger. */
    public static LogCapture all() {
        return new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    public static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    /** Formatted messages, with stack traces, in order. */
    public List<String> lines() {
        synchronized (appender) {
            List<String> out = new ArrayList<>();
            for (ILoggingEvent e : new ArrayList<>(appender.list)) {
                String line = e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage();
                if (e.getThrowableProxy() != null) {
                    line += "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy());
                }
                out.add(line);
            }
            return out;
        }
    }

    /** Formatted messages at exactly this level. */
    public List<String> messages(Level level) {
        return new ArrayList<>(appender.list).stream().filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    /**
     * The key-values (SLF4J 2's {@code addKeyValue}) of the events at this level, in order: what a JSON encoder writes
     * as fields beside the message.
     */
    public List<Map<String, Object>> keyValues(Level level) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ILoggingEvent e : new ArrayList<>(appender.list)) {
            if (e.getLevel() == level) {
                Map<String, Object> kv = new LinkedHashMap<>();
                if (e.getKeyValuePairs() != null) {
                    e.getKeyValuePairs().forEach(p -> kv.put(p.key, p.value));
                }
                out.add(kv);
            }
        }
        return out;
    }

    public String text() {
        return String.join("\n", lines());
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
