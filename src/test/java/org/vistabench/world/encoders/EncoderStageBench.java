package org.vistabench.world.encoders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** On-demand timing of the stage (not a test: surefire's default pattern skips *Bench). */
class EncoderStageBench {
    @Test
    void timeStage() throws Exception {
        int n = Integer.getInteger("bench.images", 600);
        String scale = System.getProperty("bench.scale", "default");
        EncoderTrainingData data = SyntheticScenes.make(n, 112, 14, 5);
        Path out = Files.createTempDirectory("enc-bench");
        long t0 = System.nanoTime();
        Map<String, Double> figs = EncoderStage.build(data, out, 17, scale);
        System.out.println("stage wall " + (System.nanoTime() - t0) / 1e9 + " s");
        figs.forEach((k, v) -> System.out.println(k + " = " + v));
    }
}
