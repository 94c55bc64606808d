package io.github.twpool.internal;

import io.github.twpool.TwPoolConfigException;
import com.zaxxer.hikari.pool.HikariPool;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Exceptions that echo a secret leave twpool masked, causes and stack traces kept. */
class RedactionTest {

    private static final String PW = "Zq9-Pw-S3cret";
    private static final List<String> SECRETS = List.of(PW);

    private static String everything(Throwable t) {
        return Printed.everything(t);
    }

    private static SQLException echoing() {
        SQLException root = new SQLSyntaxErrorException("Unknown database 'db;password=" + PW + "'", "42000", 1049,
                new IllegalArgumentException("bad value " + PW));
        root.addSuppressed(new RuntimeException("suppressed: jdbc:mysql://u:" + PW + "@h/db"));
        root.setNextException(new SQLException("next " + PW));
        return root;
    }

    /** A driver's exception class, as Connector/J's CommunicationsException is one. */
    static final class DriverException extends java.sql.SQLRecoverableException {
        DriverException(String message, Throwable cause) {
            super(message, "08S01", 0, cause);
        }
    }

    /**
     * Adversarial pass: a password that is a common word ("java", "mysql", "sql") shows in every stack trace, as
     * class and package names, never as a secret. An exception whose messages do not show it is kept as it is,
     * driver class and all; before, every one was replaced by a java.sql copy.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"java", "mysql", "sql", "twpool", "Exception", "internal"})
    void aPasswordThatNamesAClassOrPackageDoesNotCopyAnException(String password) {
        SQLException e = new DriverException("Communications link failure",
                new java.net.ConnectException("Connection refused"));
        e.addSuppressed(new IllegalStateException("closing"));
        assertThat((Object) Redaction.redact(e, List.of(password))).isSameAs(e);
        SQLException echoing = new DriverException("Access denied, password " + password, null);
        assertThat((Object) Redaction.redact(echoing, List.of(password))).isNotSameAs(echoing);
        assertThat(Redaction.redact(echoing, List.of(password)).getMessage()).doesNotContain(password);
    }

    @Test
    void aCopyShowsNoSecretAndKeepsTheChain() {
        SQLException original = echoing();
        assertThat(everything(original)).contains(PW);
        SQLException copy = Redaction.redact(original, SECRETS);
        assertThat(everything(copy)).doesNotContain(PW).contains("****");
        assertThat(copy.getClass()).isEqualTo(SQLSyntaxErrorException.class);
        assertThat(copy.getSQLState()).isEqualTo("42000");
        assertThat(copy.getErrorCode()).isEqualTo(1049);
        assertThat(copy.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(copy.getCause().toString()).startsWith("java.lang.IllegalArgumentException: bad value ****");
        assertThat(copy.getCause().getStackTrace()).isEqualTo(original.getCause().getStackTrace());
        assertThat(copy.getSuppressed()).hasSize(1);
        assertThat(copy.getNextException().getMessage()).isEqualTo("next ****");
    }

    /** What a driver throws on connect is masked before HikariCP logs or rethrows it, and still counted. */
    @Test
    void failedConnectsAreMaskedBeforeHikariSeesThem() {
        javax.sql.DataSource driver = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        throw echoing();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        CountingDataSource connections = new CountingDataSource(driver, SECRETS);
        try {
            connections.getConnection();
            throw new AssertionError("connected");
        } catch (SQLException e) {
            assertThat(e.getClass()).isEqualTo(SQLSyntaxErrorException.class);
            assertThat(e.getSQLState()).isEqualTo("42000");
            assertThat(everything(e)).doesNotContain(PW).contains("Unknown database 'db;password=****");
        }
        assertThat(connections.failed()).isEqualTo(1);
    }

    @Test
    void vendorSubclassesBecomeTheirJavaSqlParent() {
        SQLException vendor = new SQLNonTransientConnectionException("x " + PW, "08001", 0) {
        };
        SQLException copy = Redaction.redact(vendor, SECRETS);
        assertThat(copy.getClass()).isEqualTo(SQLNonTransientConnectionException.class);
        assertThat(copy.getMessage()).isEqualTo("x ****");
    }

    @Test
    void anExceptionWithoutSecretsIsReturnedAsItIs() {
        SQLException clean = new SQLException("Access denied for user 'u'@'localhost' (using password: YES)");
        assertThat((Object) Redaction.redact(clean, SECRETS)).isSameAs(clean);
        RuntimeException e = new IllegalStateException("nothing here");
        assertThat(Redaction.forCaller(e, SECRETS, "p")).isSameAs(e);
    }

    @Test
    void whatCreateThrowsKeepsItsKind() {
        RuntimeException config = new TwPoolConfigException("twpool.url", "twpool.url=x: bad " + PW, echoing());
        RuntimeException out = Redaction.forCaller(config, SECRETS, "p");
        assertThat(out).isInstanceOf(TwPoolConfigException.class);
        assertThat(((TwPoolConfigException) out).property()).isEqualTo("twpool.url");
        assertThat(everything(out)).doesNotContain(PW);

        RuntimeException hikari = new HikariPool.PoolInitializationException(echoing());
        out = Redaction.forCaller(hikari, SECRETS, "p");
        assertThat(out).isInstanceOf(HikariPool.PoolInitializationException.class);
        assertThat(out.getCause()).isInstanceOf(SQLSyntaxErrorException.class);
        assertThat(everything(out)).doesNotContain(PW);

        List<Throwable> cycle = new ArrayList<>();
        RuntimeException other = new RuntimeException("boom " + PW, echoing());
        cycle.add(other);
        out = Redaction.forCaller(other, SECRETS, "p");
        assertThat(out).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("twpool 'p' could not start: boom ****");
        assertThat(out.getCause().toString()).startsWith("java.lang.RuntimeException: boom ****");
        assertThat(everything(out)).doesNotContain(PW);
    }
}
