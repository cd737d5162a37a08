package org.vistabench.world.encoders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.vistabench.tensor.SafeTensors;

/**
 * On-demand: the global encoders built on a trained mini-dino's file, on the mini world's own scenes (not a test;
 * surefire skips *Bench): {@code mvn -o test -Dtest=StemBench -Dbench.stem=true -Dbench.dino=DIR/model.safetensors
 * [-Dbench.images=6000 -Dbench.globalSteps=500 -Dbench.globalLr=1e-3 -Dbench.out=DIR]}.
 */
class StemBench {
    @Test
    @EnabledIfSystemProperty(named = "bench.stem", matches = "true")
    void stem() throws Exception {
        int n = Integer.getInteger("bench.images", 6000);
        EncoderTrainingData data = RealScenesBench.scenes(n, 7);
        EncoderStage.Settings s = RealScenesBench.globalSchedules(
                EncoderStage.Settings.forScale("default", data.imageSize(), data.patch()));
        Map<String, float[]> dino = new TreeMap<>();
        try (SafeTensors st = SafeTensors.open(Path.of(System.getProperty("bench.dino")))) {
            for (String name : st.names()) {
                dino.put(name, st.floats(name));
            }
        }
        String o = System.getProperty("bench.out");
        Path out = o == null ? Files.createTempDirectory("stem-bench") : Files.createDirectories(Path.of(o));
        long t0 = System.nanoTime();
        Map<String, Double> figs = EncoderStage.build(data, out, 17, s, dino);
        System.out.println("stage wall " + (System.nanoTime() - t0) / 1e9 + " s, out " + out);
        figs.forEach((k, v) -> System.out.println(k + " = " + v));
    }
}
