package io.github.twpool.internal.connect;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Threads inside a driver's connect, recognised from stack frames whatever opened them. */
class ConnectFramesTest {

    private static StackTraceElement f(String cls, String method) {
        return new StackTraceElement(cls, method, cls.substring(cls.lastIndexOf('.') + 1) + ".java", 10);
    }

    private static final StackTraceElement SOCKET = f("sun.nio.ch.NioSocketImpl", "connect");
    private static final StackTraceElement USER = f("com.acme.Orders", "place");

    @Test
    void driverManagerHikariWithDriverClassNameAndADriversOwnDataSourceAreRecognised() {
        ConnectFrames frames = new ConnectFrames();
        assertThat(frames.callSite(new StackTraceElement[] {SOCKET, f("java.net.Socket", "connect"),
                f("com.mysql.cj.protocol.StandardSocketFactory", "connect"),
                f("com.mysql.cj.jdbc.NonRegisteringDriver", "connect"), f("java.sql.DriverManager", "getConnection"), USER}))
                .isEqualTo("com.acme.Orders.place(Orders.java:10)");
        assertThat(frames.callSite(new StackTraceElement[] {f("com.mysql.cj.jdbc.NonRegisteringDriver", "connect"),
                f("com.zaxxer.hikari.util.DriverDataSource", "getConnection"), f("com.zaxxer.hikari.pool.PoolBase", "newConnection"),
                f("com.zaxxer.hikari.HikariDataSource", "<init>"), USER})).isEqualTo("com.acme.Orders.place(Orders.java:10)");
        assertThat(frames.callSite(new StackTraceElement[] {f("com.mysql.cj.jdbc.NonRegisteringDriver", "connect"),
                f("com.mysql.cj.jdbc.MysqlDataSource", "getConnection"), USER})).isEqualTo("com.acme.Orders.place(Orders.java:10)");
    }

    @Test
    void anUnknownDriverCalledByDriverManagerIsLearnedAndThenRecognisedOnItsOwn() {
        ConnectFrames frames = new ConnectFrames();
        StackTraceElement driver = f("com.vendor.db.Connector", "connect");
        assertThat(frames.callSite(new StackTraceElement[] {driver, USER})).isNull();
        assertThat(frames.callSite(new StackTraceElement[] {driver, f("java.sql.DriverManager", "getConnection"), USER}))
                .isEqualTo("com.acme.Orders.place(Orders.java:10)");
        assertThat(frames.callSite(new StackTraceElement[] {driver, f("com.vendor.db.VendorDataSource", "getConnection"), USER}))
                .isEqualTo("com.acme.Orders.place(Orders.java:10)");
    }

    @Test
    void twpoolsOwnOpensAreSetApartAndOtherConnectsAreNotDrivers() {
        ConnectFrames frames = new ConnectFrames();
        assertThat(frames.callSite(new StackTraceElement[] {f("com.mysql.cj.jdbc.NonRegisteringDriver", "connect"),
                f("com.zaxxer.hikari.util.DriverDataSource", "getConnection"),
                f("io.github.twpool.internal.CountingDataSource", "getConnection"), f("com.zaxxer.hikari.pool.PoolBase", "newConnection")}))
                .isEqualTo(ConnectFrames.TWPOOL_POOL);
        assertThat(frames.callSite(new StackTraceElement[] {SOCKET, f("java.net.Socket", "connect"),
                f("org.apache.http.impl.conn.DefaultHttpClientConnectionOperator", "connect"), USER})).isNull();
        assertThat(frames.callSite(new StackTraceElement[] {f("java.lang.Thread", "sleep"), USER})).isNull();
    }
}
