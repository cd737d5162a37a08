package org.vistabench.world.encoders;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.vistabench.world.Seeds;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.scene.RenderedScene;
import org.vistabench.world.scene.SceneGenerator;
import org.vistabench.world.text.Grammar;

/**
 * On-demand timing and probe figures of the stage on the mini world's own scenes (not a test: surefire's default
 * pattern skips *Bench, and a package-wide -Dtest pattern needs {@code -Dbench.real=true}):
 * {@code mvn -o test -Dtest=RealScenesBench -Dbench.real=true -Dbench.images=2000 [-Dbench.dinoOnly=true]
 * [-Dbench.dinoSteps=700 -Dbench.dinoBatch=16 -Dbench.dinoLr=4e-3] [-Dbench.globalOnly=true
 * -Dbench.globalSteps=500]}.
 */
class RealScenesBench {
    static EncoderTrainingData scenes(int count, long seed) {
        Lexicon lex = Lexicon.mini();
        SceneGenerator gen = new SceneGenerator(lex);
        Grammar grammar = new Grammar(lex);
        int size = SceneGenerator.IMAGE_SIZE;
        List<float[]> images = new ArrayList<>();
        List<int[]> cls = new ArrayList<>();
        List<int[]> col = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RenderedScene rs = gen.generate(1 + i, Seeds.derive(seed, 11, 1, i));
            images.add(rs.chw01());
            cls.add(rs.patchCategories());
            col.add(rs.patchColours());
            captions.add(grammar.caption(rs.scene(), new Random(i)));
        }
        return new EncoderTrainingData(images, cls, col, captions, new ArrayList<>(grammar.vocabulary()),
                lex.numCategories(), lex.colours().size(), size, SceneGenerator.PATCH);
    }

    /** {@code s} with the global encoders' steps and peak rate from {@code bench.globalSteps} / {@code bench.globalLr}. */
    static EncoderStage.Settings globalSchedules(EncoderStage.Settings s) {
        int steps = Integer.getInteger("bench.globalSteps", s.clip().steps());
        double lr = Double.parseDouble(System.getProperty("bench.globalLr", Double.toString(s.clip().lr())));
        return new EncoderStage.Settings(s.dims(), s.projDim(), s.dino(),
                new EncoderTrainer.Schedule(steps, s.clip().batch(), lr),
                new EncoderTrainer.Schedule(steps, s.ijepa().batch(), lr), s.probeTrainImages(), s.probeTestImages());
    }

    @Test
    @EnabledIfSystemProperty(named = "bench.real", matches = "true")
    void timeStage() throws Exception {
        int n = Integer.getInteger("bench.images", 2000);
        String scale = System.getProperty("bench.scale", "default");
        EncoderTrainingData data = scenes(n, 7);
        EncoderStage.Settings s = EncoderStage.Settings.forScale(scale, data.imageSize(), data.patch());
        if (System.getProperty("bench.dinoSteps") != null) {
            s = new EncoderStage.Settings(s.dims(), s.projDim(), new EncoderTrainer.Schedule(
                    Integer.getInteger("bench.dinoSteps"), Integer.getInteger("bench.dinoBatch", s.dino().batch()),
                    Double.parseDouble(System.getProperty("bench.dinoLr", Double.toString(s.dino().lr())))),
                    s.clip(), s.ijepa(), s.probeTrainImages(), s.probeTestImages());
        }
        if (Boolean.getBoolean("bench.dinoOnly")) {
            s = new EncoderStage.Settings(s.dims(), s.projDim(), s.dino(), new EncoderTrainer.Schedule(1, 2, 1e-3),
                    new EncoderTrainer.Schedule(1, 2, 1e-3), s.probeTrainImages(), s.probeTestImages());
        }
        if (Boolean.getBoolean("bench.globalOnly")) {
            s = globalSchedules(s);
            s = new EncoderStage.Settings(s.dims(), s.projDim(), new EncoderTrainer.Schedule(1, 2, 1e-3), s.clip(),
                    s.ijepa(), s.probeTrainImages(), s.probeTestImages());
        }
        Path out = Files.createTempDirectory("enc-bench");
        long t0 = System.nanoTime();
        Map<String, Double> figs = EncoderStage.build(data, out, 17, s);
        System.out.println("stage wall " + (System.nanoTime() - t0) / 1e9 + " s");
        figs.forEach((k, v) -> System.out.println(k + " = " + v));
    }
}
