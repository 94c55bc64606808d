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
 * <p>Not seen: a stored function called from a qualifying statement that takes a named lock or sets a user variable.
 */
final class TrackerCoverage {

    private static final Set<String> COVERED = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH",
            "VALUES", "TABLE", "SHOW", "EXPLAIN", "DESCRIBE", "DESC", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE");

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

    /** No user variable, named lock, executable comment or second statement from {@code from} on. */
    private static boolean mentionsNothingUntracked(String sql, int from) {
        int n = sql.length();
        for (int i = from; i < n; i++) {
            char c = sql.charAt(i);
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
            if ((c == 'G' || c == 'g') && sql.regionMatches(true, i, "GET_LOCK", 0, 8)) {
                return false;
            }
        }
        return true;
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
            } else if (c == '#' || (c == '-' && sql.startsWith("-- ", i))) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else {
                return i;
            }
        }
        return i;
    }
}
