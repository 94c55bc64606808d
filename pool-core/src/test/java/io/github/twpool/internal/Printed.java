package io.github.twpool.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;

/** Everything an exception shows when printed: stack trace, each cause's toString and messages, suppressed, next. */
public final class Printed {

    private Printed() {
    }

    public static String everything(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        StringBuilder b = new StringBuilder(w.toString());
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append('\n').append(c).append('\n').append(c.getMessage()).append('\n').append(c.getLocalizedMessage());
            for (Throwable s : c.getSuppressed()) {
                b.append('\n').append(everything(s));
            }
            if (c instanceof SQLException e && e.getNextException() != null) {
                b.append('\n').append(everything(e.getNextException()));
            }
        }
        return b.toString();
    }
}
