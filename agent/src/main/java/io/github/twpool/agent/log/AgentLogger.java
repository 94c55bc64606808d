package io.github.twpool.agent.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The logger twpool's probe and detector get inside the agent: their lines go to {@link AppLog} under the names they
 * have in the library ({@code io.github.twpool.churn}, ...), so an application configures them the same way. Debug
 * and trace lines are dropped.
 */
final class AgentLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;
    /** The package the agent jar moves twpool's classes into, as it also rewrites their logger names. */
    private static final String RELOCATED = AgentLogger.class.getPackageName().replace(".log", ".shaded.twpool");
    private static final String ORIGINAL = String.join(".", "io", "github", "twpool");

    AgentLogger(String name) {
        this.name = name.startsWith(RELOCATED) ? ORIGINAL + name.substring(RELOCATED.length()) : name;
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        AppLog.Severity s = switch (level) {
            case ERROR -> AppLog.Severity.ERROR;
            case WARN -> AppLog.Severity.WARN;
            case INFO -> AppLog.Severity.INFO;
            default -> null;
        };
        if (s != null) {
            AppLog.log(name, s, MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
        }
    }
}
