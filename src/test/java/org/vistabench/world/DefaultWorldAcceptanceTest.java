package org.vistabench.world;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.vistabench.spec.WorldSpec;

/**
 * Issue #5's acceptance figures at default scale (minutes of CPU): run with
 * {@code mvn -o test -Dtest=DefaultWorldAcceptanceTest -Dvistabench.slow=true [-Dvistabench.worldCache=DIR]}.
 */
@EnabledIfSystemProperty(named = "vistabench.slow", matches = "true")
class DefaultWorldAcceptanceTest {
    @Test
    void defaultWorldMeetsTheIssueFigures() {
        Path cache = Path.of(System.getProperty("vistabench.worldCache", "target/worlds"));
        WorldSpec spec = new WorldSpec("mini", "default", 17L, null);
        long t0 = System.nanoTime();
        World w = World.ensure(spec, cache, new WorldBuilder.Options(1, false, true));
        double build = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        World.ensure(spec, cache, new WorldBuilder.Options(1, false, false));
        double hit = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> lm = w.quality("lm");
        Map<String, Object> saes = w.quality("saes");
        double loss = num(lm, "lm.heldout_loss");
        double unigram = num(lm, "lm.unigram_entropy");
        System.out.printf("build %.1f s (cache hit %.1f s), VmHWM %d MB%n", build, hit, WorldBuilder.vmHwmKb() / 1024);
        System.out.printf("lm held-out loss %.3f vs unigram entropy %.3f nats%n", loss, unigram);
        System.out.printf("oracle recall %.3f precision %.3f | shuffled recall %.3f precision %.3f%n",
                num(lm, "lm.oracle_recall"), num(lm, "lm.oracle_precision"), num(lm, "lm.oracle_shuffled_recall"),
                num(lm, "lm.oracle_shuffled_precision"));
        assertTrue(hit < 15, "cache hit " + hit + " s");
        assertTrue(loss < unigram - 1, "held-out loss clearly below unigram entropy");
        assertTrue(num(lm, "lm.oracle_recall") >= 0.9 && num(lm, "lm.oracle_precision") >= 0.9);
        assertTrue(num(lm, "lm.oracle_shuffled_recall") < 0.35, "shuffled prefix at chance");
        int width = (int) num(saes, "saes.width");
        for (int l = 0; saes.containsKey("saes.layer_" + l + ".mse"); l++) {
            String p = "saes.layer_" + l + ".";
            System.out.printf("sae layer %d: mse %.4f EV %.3f L0 %.1f live %d concept share %.2f%n", l, num(saes, p + "mse"),
                    num(saes, p + "explained_variance"), num(saes, p + "mean_l0"), (int) num(saes, p + "live"),
                    num(saes, p + "concept_share"));
            assertTrue(num(saes, p + "explained_variance") >= 0.8, p + "explained_variance");
            assertTrue(num(saes, p + "mean_l0") <= 0.05 * width, p + "mean_l0");
            assertTrue(num(saes, p + "concept_share") >= 0.5, p + "concept_share");
        }
        assertTrue(WorldBuilder.vmHwmKb() < 4L * 1024 * 1024, "peak resident memory under 4 GB");
    }

    private static double num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        assertTrue(v instanceof Number, k + " = " + v);
        return ((Number) v).doubleValue();
    }
}
