package org.vistabench.world.lm;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.vistabench.world.SceneStage;
import org.vistabench.world.scene.Lexicon;

/**
 * On-demand: how the built world's LM reads a word-grid prefix whose object words are corrupted, each replaced with
 * probability p by another category's name (what an imperfect encoder + projector hands it). Not a test:
 * {@code mvn -o test -Dtest=NoisyOracleBench -Dbench.world=<world dir> [-Dbench.p=0,0.1,0.2,0.3]}.
 *
 * <p>Measured on the default world (seed 17), recall / precision at p = 0, 0.1, 0.2, 0.3, 0.4: 0.950/1.000,
 * 0.912/0.842, 0.795/0.705, 0.736/0.594, 0.681/0.539. An LM trained with half its grid documents corrupted at
 * p ~ U(0, 0.4) gave 0.907/0.995, 0.883/0.959, 0.781/0.886, 0.714/0.815, 0.643/0.740: more precise, no better recall;
 * mini-dino's caption recall rose only 0.571 -> 0.605 and mini-clip's SAE loss then lowered the layer-3 error
 * only 1.6x, so that change was not kept.
 *
 * <p>{@code -Dbench.categoryOnly=true} first writes every object patch's category name (no colour or state words:
 * what a per-patch projector can produce, since a patch cannot know its raster rank inside its object). Measured
 * 2026-12-02 on a world rebuilt on another 2-core machine (seed 17; its LM differs in the last digits), p = 0 ... 0.4:
 * standard grid 0.945/0.990, 0.895/0.810, 0.829/0.685, 0.740/0.574, 0.707/0.528; category-only 0.952/0.995,
 * 0.926/0.870, 0.886/0.773, 0.833/0.677, 0.802/0.623. Uniform noise misleads, though: at mini-dino's object-patch
 * probe error of the time (0.23) the LM reads uniformly corrupted grids at ~0.87, but the probe's own errors
 * (concentrated on the small, occluded objects of three-object scenes) leave it at 0.69 ({@code ProbeOracleBench}),
 * which is what a projector trained at a high enough lr reached on that encoder: the encoder was the limit, and a
 * longer-trained one (probe 0.84) took the captions past 0.8.
 */
class NoisyOracleBench {
    @Test
    @EnabledIfSystemProperty(named = "bench.world", matches = ".+")
    void recallUnderNoise() {
        Path world = Path.of(System.getProperty("bench.world"));
        DefaultWorldLm w = DefaultWorldLm.of();
        Lexicon lex = w.lex();
        List<LmCorpus.Entry> test = SceneStage.generateEntries(w.settings(), lex, "test", i -> { });
        try (NDManager m = NDManager.newBaseManager()) {
            MiniGemma model = w.load(world, m);
            boolean categoryOnly = Boolean.getBoolean("bench.categoryOnly");
            for (String ps : System.getProperty("bench.p", "0,0.1,0.2,0.3,0.4").split(",")) {
                double p = Double.parseDouble(ps);
                Random r = new Random(5);
                List<LmCorpus.Entry> noisy = new ArrayList<>();
                for (LmCorpus.Entry e : test) {
                    String[] g = e.grid().clone();
                    for (int i = 0; i < g.length; i++) {
                        if (e.owners()[i] >= 0 && categoryOnly) {
                            g[i] = lex.category(e.scene().objects().get(e.owners()[i]).category()).name();
                        }
                        if (e.owners()[i] >= 0 && r.nextDouble() < p) {
                            g[i] = lex.category(r.nextInt(lex.numCategories())).name();
                        }
                    }
                    noisy.add(new LmCorpus.Entry(e.scene(), g, e.owners()));
                }
                OracleEval.Result res = w.read(noisy, model, m);
                System.out.printf("p=%.2f recall %.3f precision %.3f%n", p, res.recall(), res.precision());
            }
        }
    }
}
