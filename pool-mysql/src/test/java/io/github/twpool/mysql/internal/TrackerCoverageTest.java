package io.github.twpool.mysql.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which SQL leaves a session the server's trackers can vouch for. Each statement refused here changes the session
 * without a report from MariaDB 10.11's trackers (or is a program that may): a return after it must be reset.
 */
class TrackerCoverageTest {

    @Test
    void plainQueriesDataChangesAndTransactionControlAreCovered() {
        for (String sql : new String[] {"SELECT 1", "  select v from t where id = ?", "/* hint */ SELECT 1",
                "-- note\nUPDATE t SET v = v + 1 WHERE id = 1", "# note\nINSERT INTO t VALUES (1)", "(SELECT 1) UNION (SELECT 2)",
                "DELETE FROM t", "REPLACE INTO t VALUES (1)", "WITH x AS (SELECT 1) SELECT * FROM x", "SHOW TABLES",
                "EXPLAIN SELECT 1", "COMMIT", "ROLLBACK", "START TRANSACTION READ ONLY", "BEGIN", "begin work;",
                "SAVEPOINT a", "RELEASE SAVEPOINT a", "SELECT @@session.sql_mode", "SELECT * FROM t FOR UPDATE",
                "SELECT 1;"}) {
            assertThat(TrackerCoverage.covers(sql)).as(sql).isTrue();
        }
    }

    @Test
    void whatTheTrackersDoNotReportIsNotCovered() {
        for (String sql : new String[] {
                "SELECT GET_LOCK('a', 0)", "select get_lock('a', 0)", "DO GET_LOCK('a', 0)", // named locks: no report
                "SELECT @y := 2", "SELECT 3 INTO @z", "SELECT v FROM t WHERE v = @x", // user variables outside SET
                "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", // the next transaction's isolation: no report
                "SET ROLE r", "SET NAMES latin1", "SET @x = 1", "SET SESSION sql_mode = ''", "USE other",
                "LOCK TABLES t WRITE", "UNLOCK TABLES", "XA START 'x'", "XA END 'x'", "CALL p()", "{call p()}",
                "HANDLER t OPEN", "PREPARE s FROM 'SELECT 1'", "EXECUTE s", "CREATE TEMPORARY TABLE x (i INT)",
                "CREATE TABLE x (i INT)", "BEGIN NOT ATOMIC SET @x = 1; END", "START SLAVE",
                "SELECT 1; SET @x = 1", "/*!50000 SET @x = 1 */", "SELECT /*!50000 GET_LOCK('a', 0) */ 1",
                "/*M! SET @x = 1 */ SELECT 1", "", "   ", null}) {
            assertThat(TrackerCoverage.covers(sql)).as(String.valueOf(sql)).isFalse();
        }
    }
}
