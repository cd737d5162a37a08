package org.vistabench.world.lm;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.vistabench.data.feature.CachedFeatures;
import org.vistabench.data.feature.FeatureCache;
import org.vistabench.world.SceneStage;
import org.vistabench.world.WorldSettings;
import org.vistabench.world.encoders.EncoderProbe;
import org.vistabench.world.scene.Lexicon;

/**
 * On-demand: how far a per-patch readout of an encoder's cached features can carry the caption, with no projector
 * training through the LM. A linear probe ({@link EncoderProbe}: background + 16 categories) is fitted on the train
 * split's patch features and predicts every test patch; the test grid then names the predicted category at every
 * patch predicted to be an object and the scene's background word elsewhere, and the world's LM answers "What is
 * shown in this image?" from that grid. Not a test:
 * {@code mvn -o test -Dtest=ProbeOracleBench -Dbench.world=<world dir> -Dbench.train=<feature dir>
 * -Dbench.test=<feature dir>} (feature dirs: the cache folders under {@code ~/.vistabench/features} whose
 * manifest names the encoder, layer and split).
 *
 * <p>It splits the caption recall a trained projector loses into what the encoder's features do not hold linearly
 * (probe-grid recall below the LM's clean-grid recall) and what projector training through the LM fails to extract
 * (the cell's recall below the probe-grid recall).
 */
class ProbeOracleBench {
    @Test
    @EnabledIfSystemProperty(named = "bench.world", matches = ".+")
    void recallFromProbeGrids() {
        Path world = Path.of(System.getProperty("bench.world"));
        DefaultWorldLm w = DefaultWorldLm.of();
        WorldSettings s = w.settings();
        Lexicon lex = w.lex();
        List<LmCorpus.Entry> train = new ArrayList<>();
        List<LmCorpus.Entry> test = new ArrayList<>();
        List<int[]> trainCats = new ArrayList<>();
        List<int[]> testCats = new ArrayList<>();
        SceneStage.render(s, lex, "train", (rs, id) -> {
            train.add(new LmCorpus.Entry(rs.scene(), rs.grid(), rs.patchOwner()));
            trainCats.add(rs.patchCategories());
        });
        SceneStage.render(s, lex, "test", (rs, id) -> {
            test.add(new LmCorpus.Entry(rs.scene(), rs.grid(), rs.patchOwner()));
            testCats.add(rs.patchCategories());
        });
        try (CachedFeatures ftr = FeatureCache.open(Path.of(System.getProperty("bench.train")));
             CachedFeatures fte = FeatureCache.open(Path.of(System.getProperty("bench.test")));
             NDManager m = NDManager.newBaseManager()) {
            int d = ftr.dim();
            float[] xTrain = flatten(ftr, train);
            float[] xTest = flatten(fte, test);
            int[] yTrain = labels(trainCats);
            int[] yTest = labels(testCats);
            EncoderProbe.Fit fit = EncoderProbe.fitPredict(xTrain, yTrain, xTest, yTest, d, lex.numCategories() + 1, m);
            System.out.printf("probe: patch accuracy %.3f, object-patch accuracy %.3f (%d train patches)%n",
                    fit.result().patchAcc(), fit.result().objectAcc(), fit.result().trainPatches());
            long[] pred = fit.testPredictions();
            List<LmCorpus.Entry> probed = new ArrayList<>();
            int at = 0;
            for (LmCorpus.Entry e : test) {
                String bg = lex.backgrounds().get(e.scene().background());
                String[] g = new String[e.grid().length];
                for (int i = 0; i < g.length; i++, at++) {
                    g[i] = pred[at] > 0 ? lex.category((int) pred[at] - 1).name() : bg;
                }
                probed.add(new LmCorpus.Entry(e.scene(), g, e.owners()));
            }
            MiniGemma model = w.load(world, m);
            OracleEval.Result clean = w.read(test, model, m);
            OracleEval.Result res = w.read(probed, model, m);
            System.out.printf("LM on the true grids: recall %.3f precision %.3f%n", clean.recall(), clean.precision());
            System.out.printf("LM on the probe's grids: recall %.3f precision %.3f%n", res.recall(), res.precision());
        }
    }

    /** Row i of the features must be entry i's scene (same id); all rows' patch tokens, concatenated. */
    private static float[] flatten(CachedFeatures f, List<LmCorpus.Entry> entries) {
        if (f.count() != entries.size()) {
            throw new IllegalStateException(f.dir() + ": " + f.count() + " rows for " + entries.size() + " scenes");
        }
        int per = f.tokens() * f.dim();
        float[] out = new float[entries.size() * per];
        for (int i = 0; i < entries.size(); i++) {
            if (f.imageId(i) != entries.get(i).scene().id()) {
                throw new IllegalStateException("row " + i + " is image " + f.imageId(i) + ", scene "
                        + entries.get(i).scene().id());
            }
            System.arraycopy(f.row(i), 0, out, i * per, per);
        }
        return out;
    }

    /** Per patch of every scene, in order: 0 = background, 1.. = category + 1 (the probe's classes). */
    private static int[] labels(List<int[]> patchCategories) {
        int n = patchCategories.get(0).length;
        int[] y = new int[patchCategories.size() * n];
        for (int i = 0; i < patchCategories.size(); i++) {
            for (int p = 0; p < n; p++) {
                y[i * n + p] = patchCategories.get(i)[p] + 1;
            }
        }
        return y;
    }
}
