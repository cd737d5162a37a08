package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cli.Main;
import org.vistabench.io.Json;

/**
 * Issue #17's causal test on the default mini world (minutes of CPU, and the world is built first if it is not cached:
 * run with {@code mvn -o test -Dtest=SteeringCausalityTest -Dvistabench.slow=true}, {@code VISTABENCH_HOME} naming
 * the cache): the default spec's mini-dino / early cell, trained as the default run trains it, then the steering
 * stage. Zeroing the labelled latents of an object at its patches must remove the object's word from the answer more
 * often than zeroing as many random latents at the same per-patch norm: by at least 0.05 (2 of 40 pairs), the
 * margin of golden/mini.yaml's {@code removal-beats-random-latents}. The numbers go into the message either way.
 */
@EnabledIfSystemProperty(named = "vistabench.slow", matches = "true")
class SteeringCausalityTest {
    @Test
    void removingAnObjectsLabelledLatentsRemovesItsWordMoreOftenThanRandomLatents(@TempDir Path tmp) throws Exception {
        Path spec = Path.of("specs/mini.yaml").toAbsolutePath();
        Path out = tmp.resolve("res");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.execute(new PrintWriter(o), new PrintWriter(e), "run", spec.toString(), "--out", out.toString(),
                "--cells", "mini-dino__mini-lm__early__none__s17", "--no-progress");
        assertTrue(code == 0 || code == 1, "exit " + code + "\n" + o + e);
        Path cell = Files.list(out.resolve("cells")).filter(Files::isDirectory).findFirst().orElseThrow();
        JsonNode m = Json.MAPPER.readTree(cell.resolve("metrics.json").toFile()).path("metrics");
        StringBuilder msg = new StringBuilder("mini-dino/early " + cell.getFileName()
                + ", removal success by intervention:");
        for (String i : SteeringProvider.INTERVENTIONS) {
            String k = "steering.removal." + i;
            msg.append(String.format(Locale.ROOT, "%n  %-15s %.3f [%.3f, %.3f]", i, m.path(k).asDouble(),
                    m.path(k + "_lo").asDouble(), m.path(k + "_hi").asDouble()));
        }
        int n = m.path("steering.removal.n").asInt();
        msg.append(" (n = ").append(n).append(")");
        System.out.println(msg);
        assertEquals(40, n, msg.toString());
        double labelled = m.path("steering.removal.sae_edit").asDouble();
        double random = m.path("steering.removal.random_latents").asDouble();
        assertTrue(labelled - random >= 0.05, msg.toString());
    }
}
