package io.github.twpool.sidecar;

import io.github.twpool.spi.Secrets;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a process's command line may show and what it says: secrets masked (as everywhere in twpool: URL passwords,
 * {@code key=value} of secret-looking keys, and the option forms clients take on the command line), and the fix for
 * per-request connections in the language and library the command runs.
 */
final class Commands {

    private Commands() {
    }

    // --password s3cret, --token=s3cret (the = form is Secrets' key=value), -p s3cret for the mysql/mariadb clients'
    // -pPASSWORD form.
    private static final Pattern OPTION_SPACE = Pattern.compile(
            "(?i)(^|\\s)(--?[a-z0-9_.-]*(?:password|passwd|secret|token|apikey|api-key|credential)[a-z0-9_.-]*)(\\s+)(?!-)(\\S+)");
    private static final Pattern MYSQL_P = Pattern.compile("(^|\\s)(-p)(?!\\s)(\\S+)");

    /** The command line with every secret it shows replaced by {@value Secrets#MASK}. */
    static String mask(String command) {
        if (command == null) {
            return null;
        }
        String s = Secrets.maskUrl(command);
        s = replace(OPTION_SPACE, s, 4);
        String program = ProcessAttributor.program(s);
        if (program.startsWith("mysql") || program.startsWith("mariadb")) {
            s = replace(MYSQL_P, s, 3);
        }
        return s;
    }

    private static String replace(Pattern p, String s, int secretGroup) {
        Matcher m = p.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            StringBuilder r = new StringBuilder();
            for (int g = 1; g < secretGroup; g++) {
                r.append(m.group(g));
            }
            r.append(m.group(secretGroup).equals(Secrets.MASK) ? m.group(secretGroup) : Secrets.MASK);
            m.appendReplacement(out, Matcher.quoteReplacement(r.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The language a command line runs, as a word for the advice: Python, PHP, Node.js, Java, Go, a shell's mysql client; or null. */
    static String language(String command) {
        if (command == null) {
            return null;
        }
        String program = ProcessAttributor.program(command).toLowerCase(Locale.ROOT);
        String all = command.toLowerCase(Locale.ROOT);
        if (program.startsWith("python") || program.equals("uwsgi") || program.equals("gunicorn") || program.equals("celery")
                || program.startsWith("uvicorn")) {
            return "Python";
        }
        if (program.startsWith("php")) {
            return "PHP";
        }
        if (program.equals("node") || program.equals("nodejs") || program.equals("bun") || program.equals("deno")) {
            return "Node.js";
        }
        if (program.equals("java") || all.contains(" -jar ") || all.contains(".jar")) {
            return "Java";
        }
        if (program.equals("go") || all.contains("/go-build") || all.contains(" go run ")) {
            return "Go";
        }
        if (program.equals("mysql") || program.equals("mariadb")) {
            return "mysql client";
        }
        return null;
    }

    /** The library-level fix for a process that opens a connection per request, by its language; null when unknown. */
    static String fix(String command) {
        String language = language(command);
        if (language == null) {
            return null;
        }
        return switch (language) {
            case "Python" -> "Python: use a pooled engine (SQLAlchemy create_engine(url, pool_size=N, pool_pre_ping=True, "
                    + "pool_recycle=...) instead of NullPool, or keep one PyMySQL/mysqlclient connection per worker "
                    + "instead of connect/close per request)";
            case "PHP" -> "PHP: persistent connections (PDO::ATTR_PERSISTENT => true, or mysqli with the p: host prefix) "
                    + "so that each php-fpm worker keeps its connection";
            case "Node.js" -> "Node.js: one pool per process (mysql2 createPool / pg Pool) created once, "
                    + "not createConnection per request";
            case "Java" -> "Java: a connection pool (twpool, or HikariCP) instead of DriverManager.getConnection per request";
            case "Go" -> "Go: open the *sql.DB once (sql.Open at start-up) and reuse it, with SetMaxIdleConns at the "
                    + "concurrency; do not sql.Open/Close per request";
            case "mysql client" -> "a script running the mysql client per query: run the queries in one client session";
            default -> null;
        };
    }
}
