package io.github.twpool.sidecar;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** examples/sidecar: the pod manifest and the systemd unit start the sidecar with options it accepts. */
class ExamplesTest {

    static final Path EXAMPLES = Path.of("..", "examples", "sidecar");

    @Test
    @SuppressWarnings("unchecked")
    void podManifestSharesTheProcessNamespaceAndPassesValidOptions() throws Exception {
        Map<String, Object> pod = new Yaml().load(Files.readString(EXAMPLES.resolve("pod.yaml")));
        Map<String, Object> spec = (Map<String, Object>) pod.get("spec");
        assertThat(spec.get("shareProcessNamespace")).isEqualTo(true);
        List<Map<String, Object>> containers = (List<Map<String, Object>>) spec.get("containers");
        Map<String, Object> app = containers.stream().filter(c -> c.get("name").equals("app")).findFirst().orElseThrow();
        Map<String, Object> sidecar = containers.stream().filter(c -> c.get("name").equals("twpool-sidecar")).findFirst().orElseThrow();
        List<String> args = (List<String>) sidecar.get("args");
        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) sidecar.get("env")) {
            env.put((String) e.get("name"), e.containsKey("value") ? (String) e.get("value") : "from-a-secret");
        }
        SidecarOptions o = SidecarOptions.parse(args.toArray(new String[0]), env);
        assertThat(o.user()).isEqualTo("twpool_monitor");
        assertThat(o.password().present()).isTrue();
        assertThat(String.join(" ", args)).doesNotContain("password");
        int port = (Integer) ((List<Map<String, Object>>) sidecar.get("ports")).get(0).get("containerPort");
        assertThat(port).isEqualTo(o.metricsPort());
        assertThat(((Map<String, Object>) pod.get("metadata")).get("annotations").toString()).contains("prometheus.io/port=" + port);
        // the same user as the app, so that /proc/<pid>/fd of the app is readable
        assertThat(((Map<String, Object>) sidecar.get("securityContext")).get("runAsUser"))
                .isEqualTo(((Map<String, Object>) app.get("securityContext")).get("runAsUser"));
    }

    @Test
    void systemdUnitPassesValidOptions() throws Exception {
        String unit = Files.readString(EXAMPLES.resolve("twpool-sidecar.service")).replace("\\\n", " ");
        String exec = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        List<String> words = new ArrayList<>(List.of(exec.substring("ExecStart=".length()).trim().split("\\s+")));
        List<String> args = words.subList(words.indexOf("/opt/twpool/twpool-sidecar.jar") + 1, words.size());
        Map<String, String> env = new HashMap<>();
        unit.lines().filter(l -> l.startsWith("Environment=")).forEach(l -> {
            String kv = l.substring("Environment=".length());
            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        });
        assertThat(env).containsKey("TWPOOL_PASSWORD_FILE");
        env.remove("TWPOOL_PASSWORD_FILE"); // %d is systemd's credentials directory
        SidecarOptions o = SidecarOptions.parse(args.toArray(new String[0]), env);
        assertThat(o.endpoints()).extracting(Object::toString).containsExactly("db.internal:3306");
        assertThat(unit).contains("SuccessExitStatus=143").contains("RestartPreventExitStatus=1 2 3");
    }
}
