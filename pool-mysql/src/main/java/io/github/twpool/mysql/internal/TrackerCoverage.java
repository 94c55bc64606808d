package io.github.twpool.mysql.internal;

import java.util.Locale;
import java.util.Set;

/**
 * Which SQL the server's session tracking vouches for: after such a statement, a session the tracker reports
 * unchanged (and out of any transaction or table lock) is exactly as the borrower found it. Measured on MariaDB
 * 10.11 with {@code session_track_state_change=ON} and {@code session_track_transaction_info=STATE}: a user
 * variable assigned inside a {@code SELECT} ({@code @v := 1}, {@code INTO @v}), a named lock ({@code GET_LOCK}), the
 * next transaction's isolation ({@code SET TRANSACTION}) and whatever a stored procedure does besides {@code SET}
 * change the session without a report. So only plain queries, data changes and transaction control qualify, and
 * not when they mention a user variable, {@code GET_LOCK}, a second statement or an executable comment; everything
 * else ({@code SET}, {@code USE}, {@code CALL}, {@code DO}, {@code LOCK TABLES}, {@code XA}, {@code HANDLER},
 * {@code PREPARE}, DDL, JDBC escapes) makes the return reset the session. Erring towards a reset only costs time.
 *
 * <p>A call is covered only when it names a built-in function known to leave the session alone: a stored function
 * runs whatever its body says ({@code DO GET_LOCK}, {@code SELECT ... INTO @v}, neither reported), and so does one
 * named like a built-in but qualified with its database ({@code test.now()}) or quoted. {@code LAST_INSERT_ID(n)} and
 * the sequence functions ({@code NEXTVAL}, {@code NEXT VALUE FOR}) set values the session keeps, unreported. The
 * words are found everywhere in the text, in strings and comments too, where a false find only costs a reset.
 *
 * <p>No reading of the text sees a view or a trigger whose body does such things: {@link SessionReset} reads the
 * server's functions and triggers when a connection opens, and resets every return where one may.
 */
final class TrackerCoverage {

    private static final Set<String> COVERED = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH",
            "VALUES", "TABLE", "SHOW", "EXPLAIN", "DESCRIBE", "DESC", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE");

    /**
     * Words a {@code (} may follow in a covered statement: built-in functions that only compute a value, and the
     * keywords and type names that open a parenthesis ({@code IN (}, {@code AS (}, {@code CAST(x AS CHAR(10))}).
     * {@code GET_LOCK}, {@code NEXTVAL}, {@code SETVAL} and {@code LAST_INSERT_ID} with an argument are left out on
     * purpose; any other name may be a stored function.
     */
    private static final Set<String> CALLABLE = Set.of(
            // keywords and type names before a parenthesis
            "IN", "EXISTS", "VALUES", "VALUE", "AS", "AND", "OR", "NOT", "XOR", "ON", "USING", "SELECT", "FROM", "JOIN",
            "WHERE", "HAVING", "BY", "WHEN", "THEN", "ELSE", "CASE", "IS", "LIKE", "BETWEEN", "UNION", "EXCEPT",
            "INTERSECT", "ALL", "ANY", "SOME", "DISTINCT", "RETURNING", "LIMIT", "OFFSET", "OVER", "PARTITION", "ROW",
            "INTERVAL", "LATERAL", "DIV", "MOD", "REGEXP", "RLIKE", "ESCAPE", "WITH", "RECURSIVE", "FOR", "INDEX",
            "KEY", "AGAINST", "MATCH", "WINDOW", "ROWS", "RANGE", "CHAR", "VARCHAR", "NCHAR", "DECIMAL", "NUMERIC",
            "BINARY", "DATETIME", "TIME", "TIMESTAMP", "DATE", "FLOAT", "DOUBLE", "INT", "INTEGER", "SIGNED",
            "UNSIGNED", "COLUMNS", "PATH", "NESTED", "SET",
            // aggregates and window functions
            "COUNT", "SUM", "AVG", "MIN", "MAX", "GROUP_CONCAT", "JSON_ARRAYAGG", "JSON_OBJECTAGG", "STD", "STDDEV",
            "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VAR_POP", "VAR_SAMP", "BIT_AND", "BIT_OR", "BIT_XOR",
            "ROW_NUMBER", "RANK", "DENSE_RANK", "NTILE", "LAG", "LEAD", "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE",
            "PERCENT_RANK", "CUME_DIST",
            // control flow, strings
            "COALESCE", "IFNULL", "NULLIF", "IF", "ISNULL", "GREATEST", "LEAST", "CONCAT", "CONCAT_WS", "SUBSTRING",
            "SUBSTR", "MID", "LEFT", "RIGHT", "LENGTH", "CHAR_LENGTH", "CHARACTER_LENGTH", "OCTET_LENGTH", "LOWER",
            "UPPER", "LCASE", "UCASE", "TRIM", "LTRIM", "RTRIM", "REPLACE", "REVERSE", "REPEAT", "LPAD", "RPAD",
            "LOCATE", "INSTR", "POSITION", "FIELD", "FIND_IN_SET", "FORMAT", "HEX", "UNHEX", "ASCII", "ORD", "SPACE",
            "SUBSTRING_INDEX", "INSERT", "ELT", "MAKE_SET", "QUOTE", "SOUNDEX", "STRCMP", "REGEXP_REPLACE",
            "REGEXP_SUBSTR", "REGEXP_INSTR", "MD5", "SHA1", "SHA2", "SHA", "CRC32", "TO_BASE64", "FROM_BASE64", "UUID",
            "UUID_SHORT", "CAST", "CONVERT", "COLLATION", "CHARSET", "BIT_COUNT", "INET_ATON", "INET_NTOA",
            "INET6_ATON", "INET6_NTOA", "DEFAULT",
            // dates and times
            "NOW", "CURRENT_TIMESTAMP", "CURDATE", "CURRENT_DATE", "CURTIME", "CURRENT_TIME", "SYSDATE",
            "UTC_TIMESTAMP", "UTC_DATE", "UTC_TIME", "UNIX_TIMESTAMP", "FROM_UNIXTIME", "YEAR", "MONTH", "DAY",
            "DAYOFMONTH", "DAYOFWEEK", "DAYOFYEAR", "DAYNAME", "MONTHNAME", "HOUR", "MINUTE", "SECOND", "MICROSECOND",
            "WEEK", "WEEKDAY", "WEEKOFYEAR", "QUARTER", "YEARWEEK", "DATE_ADD", "DATE_SUB", "ADDDATE", "SUBDATE",
            "DATEDIFF", "TIMEDIFF", "TIMESTAMPDIFF", "TIMESTAMPADD", "DATE_FORMAT", "TIME_FORMAT", "STR_TO_DATE",
            "EXTRACT", "LAST_DAY", "MAKEDATE", "MAKETIME", "TO_DAYS", "FROM_DAYS", "TO_SECONDS", "SEC_TO_TIME",
            "TIME_TO_SEC", "CONVERT_TZ",
            // numbers
            "ABS", "CEIL", "CEILING", "FLOOR", "ROUND", "TRUNCATE", "POW", "POWER", "SQRT", "EXP", "LN", "LOG", "LOG2",
            "LOG10", "SIGN", "RAND", "PI", "SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN", "ATAN2", "COT", "DEGREES",
            "RADIANS", "CONV", "BIN", "OCT",
            // JSON
            "JSON_EXTRACT", "JSON_VALUE", "JSON_QUERY", "JSON_UNQUOTE", "JSON_OBJECT", "JSON_ARRAY", "JSON_CONTAINS",
            "JSON_CONTAINS_PATH", "JSON_LENGTH", "JSON_KEYS", "JSON_SET", "JSON_INSERT", "JSON_REPLACE", "JSON_REMOVE",
            "JSON_MERGE", "JSON_MERGE_PATCH", "JSON_MERGE_PRESERVE", "JSON_TABLE", "JSON_TYPE", "JSON_VALID",
            "JSON_SEARCH", "JSON_ARRAY_APPEND", "JSON_QUOTE", "JSON_DEPTH",
            // the session, read only
            "DATABASE", "SCHEMA", "USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "VERSION", "CONNECTION_ID",
            "ROW_COUNT", "FOUND_ROWS", "IS_FREE_LOCK", "IS_USED_LOCK", "LASTVAL");

    private TrackerCoverage() {
    }

    /** Whether a session that ran {@code sql} and that the tracker reports unchanged needs no reset. */
    static boolean covers(String sql) {
        if (sql == null) {
            return false;
        }
        int n = sql.length();
        int i = skipSpaceAndComments(sql, 0);
        while (i < n && sql.charAt(i) == '(') {
            i = skipSpaceAndComments(sql, i + 1);
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        String keyword = sql.substring(start, i).toUpperCase(Locale.ROOT);
        if (keyword.equals("START") || keyword.equals("BEGIN")) {
            // START TRANSACTION [options] and a bare BEGIN [WORK]; MariaDB's BEGIN NOT ATOMIC is a program.
            String rest = sql.substring(i).trim().toUpperCase(Locale.ROOT);
            if (rest.endsWith(";")) {
                rest = rest.substring(0, rest.length() - 1).trim();
            }
            boolean transaction = keyword.equals("START") ? rest.startsWith("TRANSACTION") : rest.isEmpty() || rest.equals("WORK");
            return transaction && mentionsNothingUntracked(sql, i);
        }
        return COVERED.contains(keyword) && mentionsNothingUntracked(sql, i);
    }

    /**
     * No user variable, named lock, executable comment, second statement, or call of anything but a known built-in
     * from {@code from} on. Read character by character, strings and comments included, so that no quote or comment
     * the reading gets wrong can hide anything.
     */
    private static boolean mentionsNothingUntracked(String sql, int from) {
        int n = sql.length();
        boolean qualified = false; // a '.' since the last word: the next word may be a database's routine
        boolean tableNext = false; // after INTO, INSERT or REPLACE: a name and '(' there is a table's column list
        // After anything that may open a comment, the words read may lie inside it (an INTO, a name between a '.' and
        // a call), so that no '(' after a name is trusted any more.
        boolean commentSeen = false;
        for (int i = from; i < n; i++) {
            char c = sql.charAt(i);
            if (isWordChar(c)) {
                int end = i;
                while (end < n && isWordChar(sql.charAt(end))) {
                    end++;
                }
                String word = sql.substring(i, end).toUpperCase(Locale.ROOT);
                int next = skipSpaceAndComments(sql, end);
                boolean call = next < n && sql.charAt(next) == '(';
                if (word.equals("GET_LOCK") || word.equals("NEXTVAL") || word.equals("SETVAL")
                        || (word.equals("NEXT") && sql.regionMatches(true, next, "VALUE", 0, 5))) {
                    return false;
                }
                if (call && commentSeen) {
                    return false;
                }
                if (call && !tableNext) {
                    boolean bareLastInsertId = word.equals("LAST_INSERT_ID")
                            && skipSpaceAndComments(sql, next + 1) < n && sql.charAt(skipSpaceAndComments(sql, next + 1)) == ')';
                    if (qualified || !(CALLABLE.contains(word) || bareLastInsertId)) {
                        return false;
                    }
                }
                boolean statementKeyword = !call && (word.equals("INSERT") || word.equals("REPLACE"));
                if (word.equals("INTO") || statementKeyword) {
                    tableNext = true;
                } else if (tableNext && !(word.equals("IGNORE") || word.equals("LOW_PRIORITY") || word.equals("DELAYED")
                        || word.equals("HIGH_PRIORITY"))) {
                    // the table's name: a '.' after it means a database's name came first
                    tableNext = next < n && sql.charAt(next) == '.';
                }
                qualified = false;
                i = end - 1;
                continue;
            }
            if (c == '#' || (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-')
                    || (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*')) {
                commentSeen = true;
            }
            if (c == '.') {
                qualified = true;
            } else if (!Character.isWhitespace(c)) {
                if ((c == '`' || c == '"') && (!tableNext || commentSeen)) {
                    // a quoted name called like a function: a routine, whatever it is named
                    int next = skipSpaceAndComments(sql, i + 1);
                    if (next < n && sql.charAt(next) == '(') {
                        return false;
                    }
                }
                if (c != '`' && c != '"') {
                    tableNext = false;
                }
            }
            if (c == '@') {
                if (i + 1 < n && sql.charAt(i + 1) == '@') {
                    i++; // @@system_variable: reading it changes nothing
                    continue;
                }
                return false;
            }
            if (c == ';' && skipSpaceAndComments(sql, i + 1) < n) {
                return false;
            }
            if (c == '/' && i + 2 < n && sql.charAt(i + 1) == '*' && (sql.charAt(i + 2) == '!' || sql.charAt(i + 2) == 'M')) {
                return false; // /*! ... */ and /*M! ... */ are executed
            }
        }
        return true;
    }

    /** A character of an unquoted name: letters, digits, '_', '$' and anything beyond ASCII, as the server reads it. */
    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
                || c >= 0x80;
    }

    private static int skipSpaceAndComments(String sql, int i) {
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                if (i + 2 < n && (sql.charAt(i + 2) == '!' || sql.charAt(i + 2) == 'M')) {
                    return i; // executable comment: not skipped, so it is never covered
                }
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '#' || (c == '-' && sql.startsWith("--", i)
                    && (i + 2 == n || Character.isWhitespace(sql.charAt(i + 2)) || Character.isISOControl(sql.charAt(i + 2))))) {
                // "--" and a space, tab, newline or control character: a comment to the end of the line
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else {
                return i;
            }
        }
        return i;
    }
}
