package io.github.twpool.internal;

import java.lang.reflect.Constructor;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Copies of exceptions whose messages echo a secret (drivers and servers repeat the URL, the database name, a
 * property): every message of the chain masked, causes, suppressed and next exceptions included, stack traces kept.
 * An exception that shows no secret is returned as it is, so nothing changes for the common case.
 */
public final class Redaction {

    private Redaction() {
    }

    /**
     * True when the exception, a cause, a suppressed or a next exception shows a secret when printed. Only what
     * each one says is searched, not its class name nor its stack frames: these never hold a secret, and a password
     * that is a common word ("java", "mysql") would otherwise have every exception replaced by a copy.
     */
    public static boolean needed(Throwable t, Collection<String> secrets) {
        return needed(t, secrets, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static boolean needed(Throwable t, Collection<String> secrets, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return false;
        }
        if (shows(t.getMessage(), secrets) || shows(t.getLocalizedMessage(), secrets) || shows(said(t), secrets)
                || needed(t.getCause(), secrets, seen)) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (needed(s, secrets, seen)) {
                return true;
            }
        }
        return t instanceof SQLException e && needed(e.getNextException(), secrets, seen);
    }

    /** What toString shows after the class name (an exception may override it to add details). */
    private static String said(Throwable t) {
        String s = String.valueOf(t);
        String name = t.getClass().getName();
        return s.startsWith(name) ? s.substring(name.length()) : s;
    }

    private static boolean shows(String text, Collection<String> secrets) {
        return text != null && !text.equals(Secrets.maskText(text, secrets));
    }

    /** {@code t} itself when it shows no secret, otherwise a masked copy (see {@link #copy}). */
    public static Throwable redact(Throwable t, Collection<String> secrets) {
        return needed(t, secrets) ? copy(t, secrets) : t;
    }

    /** An {@link SQLException} as {@link #redact}, still an {@link SQLException} with its SQLState and error code. */
    public static SQLException redact(SQLException e, Collection<String> secrets) {
        return needed(e, secrets) ? (SQLException) copy(e, secrets) : e;
    }

    /**
     * What a pool's construction throws when it failed with {@code e}: {@code e} itself when it shows no secret;
     * otherwise an exception of the same kind where twpool can make one (a {@link io.github.twpool.TwPoolConfigException}
     * with the same property, HikariCP's {@code PoolInitializationException}), else an {@link IllegalStateException},
     * with the message masked and a masked copy of the chain as its cause.
     */
    public static RuntimeException forCaller(RuntimeException e, Collection<String> secrets, String poolName) {
        if (!needed(e, secrets)) {
            return e;
        }
        RuntimeException out;
        if (e instanceof io.github.twpool.TwPoolConfigException c) {
            out = new io.github.twpool.TwPoolConfigException(c.property(), Secrets.maskText(c.getMessage(), secrets),
                    c.getCause() == null ? null : copy(c.getCause(), secrets));
        } else if (e instanceof com.zaxxer.hikari.pool.HikariPool.PoolInitializationException) {
            out = new com.zaxxer.hikari.pool.HikariPool.PoolInitializationException(
                    e.getCause() == null ? copy(e, secrets) : copy(e.getCause(), secrets));
        } else {
            out = new IllegalStateException("twpool '" + poolName + "' could not start: "
                    + Secrets.maskText(String.valueOf(e.getMessage()), secrets), copy(e, secrets));
        }
        out.setStackTrace(e.getStackTrace());
        return out;
    }

    /** A masked copy of the whole chain. */
    public static Throwable copy(Throwable t, Collection<String> secrets) {
        return copy(t, secrets, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static Throwable copy(Throwable t, Collection<String> secrets, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return null;
        }
        String message = Secrets.maskText(t.getMessage(), secrets);
        Throwable cause = copy(t.getCause(), secrets, seen);
        Throwable c;
        if (t instanceof SQLException s) {
            SQLException sc = sqlCopy(s, message, cause);
            if (s.getNextException() != null) {
                Throwable next = copy(s.getNextException(), secrets, seen);
                if (next instanceof SQLException n) {
                    sc.setNextException(n);
                }
            }
            c = sc;
        } else {
            c = new RedactedException(t.getClass().getName(), message, cause);
        }
        c.setStackTrace(t.getStackTrace());
        for (Throwable s : t.getSuppressed()) {
            Throwable sc = copy(s, secrets, seen);
            if (sc != null) {
                c.addSuppressed(sc);
            }
        }
        return c;
    }

    /** The same java.sql class where it has the standard constructor (all of java.sql's do), else its nearest one. */
    private static SQLException sqlCopy(SQLException s, String message, Throwable cause) {
        for (Class<?> k = s.getClass(); SQLException.class.isAssignableFrom(k); k = k.getSuperclass()) {
            if (k.getName().startsWith("java.sql.")) {
                try {
                    Constructor<?> ctor = k.getConstructor(String.class, String.class, int.class, Throwable.class);
                    return (SQLException) ctor.newInstance(message, s.getSQLState(), s.getErrorCode(), cause);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // try the superclass
                }
            }
        }
        return new SQLException(message, s.getSQLState(), s.getErrorCode(), cause);
    }

    /** The masked copy of an exception that is not an {@link SQLException}; prints as the original class did. */
    public static final class RedactedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String originalClass;

        RedactedException(String originalClass, String message, Throwable cause) {
            super(message, cause);
            this.originalClass = originalClass;
        }

        /** The class name of the exception this copies. */
        public String originalClass() {
            return originalClass;
        }

        @Override
        public String toString() {
            String m = getLocalizedMessage();
            return m == null ? originalClass : originalClass + ": " + m;
        }
    }
}
