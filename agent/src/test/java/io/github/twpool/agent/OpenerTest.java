package io.github.twpool.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

/**
 * Who opened a connection, from stacks as the pools' connection-creation paths and applications really have them
 * (innermost frame first, as a stack walk gives them).
 */
class OpenerTest {

    private static final String DRIVER = "com.mysql.cj.jdbc.NonRegisteringDriver";

    private static Opener classify(String... classDotMethod) {
        return Opener.classify(Stream.of(classDotMethod).map(s -> {
            int dot = s.lastIndexOf('.');
            return new Opener.Frame(s.substring(0, dot), s.substring(dot + 1), "X.java", 7);
        }), Opener.packagePrefix(DRIVER));
    }

    @Test
    void hikariCpByDriverClassNameIsThePool() {
        Opener o = classify("io.github.twpool.agent.ConnectRecorder.connected",
                "io.github.twpool.agent.bootstrap.ConnectHook.exit",
                DRIVER + ".connect",
                "com.zaxxer.hikari.util.DriverDataSource.getConnection",
                "com.zaxxer.hikari.pool.PoolBase.newConnection",
                "com.zaxxer.hikari.pool.HikariPool.createPoolEntry",
                "java.util.concurrent.FutureTask.run");
        assertThat(o).isEqualTo(new Opener("HikariCP", null));
        assertThat(o.byPool()).isTrue();
    }

    @Test
    void dbcp2AndAgroalAreThePool() {
        assertThat(classify(DRIVER + ".connect", "org.apache.commons.dbcp2.DriverConnectionFactory.createConnection",
                "org.apache.commons.dbcp2.PoolableConnectionFactory.makeObject",
                "org.apache.commons.pool2.impl.GenericObjectPool.create", "com.acme.Service.handle").pool())
                .isEqualTo("DBCP2");
        assertThat(classify(DRIVER + ".connect", "io.agroal.pool.ConnectionFactory.createConnection",
                "io.agroal.pool.ConnectionPool$CreateConnectionTask.call").pool()).isEqualTo("Agroal");
    }

    @Test
    void aPoolStartedByTheApplicationIsStillThePool() {
        // HikariCP fills the pool on the thread that creates it: the application's frames come after the pool's.
        assertThat(classify(DRIVER + ".connect", "com.zaxxer.hikari.pool.HikariPool.<init>",
                "com.zaxxer.hikari.HikariDataSource.<init>", "com.acme.App.main").pool()).isEqualTo("HikariCP");
    }

    @Test
    void driverManagerFromTheApplicationIsTheApplicationsCallSite() {
        Opener o = classify(DRIVER + ".connect", "java.sql.DriverManager.getConnection",
                "java.sql.DriverManager.getConnection", "com.acme.ReportJob.run", "com.acme.Main.main");
        assertThat(o).isEqualTo(new Opener(null, "com.acme.ReportJob.run(X.java:7)"));
        assertThat(o.byPool()).isFalse();
    }

    @Test
    void frameworksAndDriverWrappersAreLookedThrough() {
        // Spring's DriverManagerDataSource opens a connection per call: not a pool, the caller is the application.
        assertThat(classify(DRIVER + ".connect", "com.p6spy.engine.spy.P6SpyDriver.connect",
                "java.sql.DriverManager.getConnection",
                "org.springframework.jdbc.datasource.DriverManagerDataSource.getConnectionFromDriverManager",
                "org.springframework.jdbc.core.JdbcTemplate.execute", "com.acme.Dao.load").site())
                .isEqualTo("com.acme.Dao.load(X.java:7)");
        // ...and a pool over a framework's DataSource is the pool.
        assertThat(classify(DRIVER + ".connect",
                "org.springframework.jdbc.datasource.SimpleDriverDataSource.getConnectionFromDriver",
                "com.zaxxer.hikari.pool.PoolBase.newConnection").pool()).isEqualTo("HikariCP");
    }

    @Test
    void anotherDriversOwnPackageIsLookedThrough() {
        assertThat(Opener.classify(Stream.of(new Opener.Frame("com.example.db.jdbc.ExampleDriver", "connect", null, -1),
                        new Opener.Frame("com.example.db.jdbc.Session", "open", null, -1),
                        new Opener.Frame("com.acme.Job", "run", null, -1)),
                Opener.packagePrefix("com.example.db.jdbc.ExampleDriver")).site())
                .isEqualTo("com.acme.Job.run(Unknown Source)");
    }

    @Test
    void twpoolsOwnPoolIsThePoolButItsUsersAreNot() {
        assertThat(classify(DRIVER + ".connect", "io.github.twpool.internal.CountingDataSource.getConnection",
                "com.zaxxer.hikari.pool.PoolBase.newConnection").pool()).isEqualTo("twpool");
        assertThat(classify(DRIVER + ".connect", "java.sql.DriverManager.getConnection",
                "io.github.twpool.examples.Demo.main").site()).startsWith("io.github.twpool.examples.Demo.main");
    }

    @Test
    void nothingButLibrariesIsAnUnknownSite() {
        assertThat(classify(DRIVER + ".connect", "java.sql.DriverManager.getConnection", "java.lang.Thread.run"))
                .isEqualTo(new Opener(null, Opener.UNKNOWN_SITE));
    }

    @Test
    void theCurrentStackIsRead() {
        // The agent's own frames (this test's package) are looked through; the application's frame is the site.
        Opener o = example.agentapp.Caller.call(() -> Opener.current(DRIVER));
        assertThat(o.site()).startsWith("example.agentapp.Caller.call(Caller.java:");
    }
}
