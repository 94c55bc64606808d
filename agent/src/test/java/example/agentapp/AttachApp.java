package example.agentapp;

import com.sun.tools.attach.VirtualMachine;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;

/**
 * An application that has loaded its driver and connected before the agent is attached to it (as an operator attaches
 * the agent to a running service): the agent must instrument the driver already loaded. Arguments:
 * {@code agentJar metricsPort url user password}; prints the loop's count and the agent's metrics.
 */
public final class AttachApp {

    public static void main(String[] args) throws Exception {
        String url = args[2];
        try (Connection c = DriverManager.getConnection(url, args[3], args[4])) {
            c.createStatement().execute("SELECT 1");
        }
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(args[0], "interval=1s,metrics-port=" + args[1]);
        } finally {
            vm.detach();
        }
        Thread.sleep(3000); // the agent instruments on its own thread
        long[] churned = {0, 0};
        ChurnApp.churnThroughDriverManager(url, args[3], args[4], 20, Duration.ofSeconds(2), churned);
        System.out.println("CHURNED " + churned[0] + " in " + churned[1] / 1e9 + " s");
        try (InputStream in = URI.create("http://127.0.0.1:" + args[1] + "/metrics").toURL().openStream()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.startsWith("#")) {
                    System.out.println("METRIC " + line);
                }
            }
        }
        System.out.println("DONE");
    }
}
