package io.github.twpool.examples;

import io.github.twpool.TwPoolDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** Starts a pool from application.properties (plus -D and TWPOOL_* overrides), prints its policy and one query. */
public final class ShowConfig {

    private ShowConfig() {
    }

    public static void main(String[] args) throws Exception {
        try (TwPoolDataSource ds = TwPoolDataSource.fromEnvironment()) {
            System.out.println(ds);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT VERSION(), CONNECTION_ID()")) {
                rs.next();
                System.out.println("server " + rs.getString(1) + ", connection id " + rs.getLong(2));
            }
        }
    }
}
