package example.agentapp;

import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.util.Collections;
import java.util.Properties;

/**
 * An application that loads a JDBC driver in a class loader of its own (as an application server does per web
 * application), connects through it, drops it and checks that the loader can be collected: the agent keeps no class
 * loader alive. Arguments: {@code driverJar url user password}. Prints {@code COLLECTED true|false}.
 */
public final class LoaderApp {

    public static void main(String[] args) throws Exception {
        WeakReference<ClassLoader> ref = connectInOwnLoader(Path.of(args[0]), args[1], args[2], args[3]);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (ref.get() != null && System.nanoTime() < deadline) {
            System.gc();
            byte[][] pressure = new byte[64][];
            for (int i = 0; i < pressure.length; i++) {
                pressure[i] = new byte[1 << 16];
            }
            Thread.sleep(100);
        }
        System.out.println("COLLECTED " + (ref.get() == null));
        System.out.println("DRIVERS " + Collections.list(DriverManager.getDrivers()).size());
        System.out.println("DONE");
    }

    private static WeakReference<ClassLoader> connectInOwnLoader(Path jar, String url, String user, String password)
            throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        // Not through DriverManager: the driver's own static block registers it there, which holds it for the JVM's
        // life; NonRegisteringDriver is what pools instantiate by class name when they hold the loader themselves.
        Driver driver = (Driver) Class.forName("com.mysql.cj.jdbc.NonRegisteringDriver", true, loader)
                .getDeclaredConstructor().newInstance();
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        for (int i = 0; i < 5; i++) {
            try (Connection c = driver.connect(url, p)) {
                c.createStatement().execute("SELECT 1");
            }
        }
        Thread.currentThread().setContextClassLoader(LoaderApp.class.getClassLoader());
        System.out.println("CONNECTED 5");
        loader.close();
        return new WeakReference<>(loader);
    }
}
