package io.github.twpool.testsupport;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.mysql.MySQLContainer;

/** Testcontainers' MySQL, started once per JVM when a Docker engine is available. */
final class Containers {

    private Containers() {
    }

    static TestDatabase tryStart() {
        if (!dockerAvailable()) {
            return null;
        }
        MySQLContainer mysql = new MySQLContainer("mysql:8.4");
        mysql.start();
        Runtime.getRuntime().addShutdownHook(new Thread(mysql::stop, "testcontainers-mysql-stop"));
        return TestDatabase.fromContainer(mysql.getJdbcUrl(), "root", mysql.getPassword());
    }

    private static boolean dockerAvailable() {
        // Ask Testcontainers only where an engine could be: it logs an ERROR per strategy when there is none.
        if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }
}
