package org.vistabench.world.lm;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.vistabench.data.feature.CachedFeatures;
import org.vistabench.world.Lexicon;
import org.vistabench.world.SceneStage;
import org.vistabench.world.WorldSettings;
import org.vistabench.world.encoders.EncoderProbe;

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
    void recallFromProbeGrids() throws IOException {
        Path world = Path.of(System.getProperty("bench.world"));
        DefaultWorldLm w = DefaultWorldLm.of();
        WorldSettings s = w.settings();
        Lexicon lex = w.lex();
        List<LmCorpus.Entry> train = SceneStage.generateEntries(s, lex, "train", i -> { });
        List<LmCorpus.Entry> test = SceneStage.generateEntries(s, lex, "test", i -> { });
        try (CachedFeatures ftr = open(Path.of(System.getProperty("bench.train")));
             CachedFeatures fte = open(Path.of(System.getProperty("bench.test")));
             NDManager m = NDManager.newBaseManager()) {
            int d = ftr.dim();
            float[] xTrain = flatten(ftr, train);
            float[] xTest = flatten(fte, test);
            int[] yTrain = labels(train);
            int[] yTest = labels(test);
            EncoderProbe.Fit fit = EncoderProbe.fitPredict(xTrain, yTrain, xTest, yTest, d, lex.numCategories() + 1, m);
            System.out.printf("probe: patch accuracy %.3f, object-patch accuracy %.3f (%d train patches)%n",
                    fit.result().patchAcc(), fit.result().objectAcc(), fit.result().trainPatches());
            long[] pred = fit.testPredictions();
            List<LmCorpus.Entry> probed = new ArrayList<>();
            int at = 0;
            for (LmCorpus.Entry e : test) {
                String bg = backgroundWord(e);
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

    private static CachedFeatures open(Path dir) throws IOException {
        List<Path> shards;
        try (Stream<Path> l = Files.list(dir)) {
            shards = l.filter(p -> p.getFileName().toString().startsWith("shard-")).sorted().toList();
        }
        // tokens and dim from the first shard's tensor shape [rows, tokens, dim]
        try (org.vistabench.tensor.SafeTensors st = org.vistabench.tensor.SafeTensors.open(shards.get(0))) {
            long[] shape = st.info(org.vistabench.data.FeatureCache.FEATURES).shape();
            return new CachedFeatures(dir, shards, (int) shape[1], (int) shape[2]);
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

    private static int[] labels(List<LmCorpus.Entry> entries) {
        int n = entries.get(0).owners().length;
        int[] y = new int[entries.size() * n];
        for (int i = 0; i < entries.size(); i++) {
            LmCorpus.Entry e = entries.get(i);
            for (int p = 0; p < n; p++) {
                int o = e.owners()[p];
                y[i * n + p] = o < 0 ? 0 : e.scene().objects().get(o).category() + 1;
            }
        }
        return y;
    }

    private static String backgroundWord(LmCorpus.Entry e) {
        for (int p = 0; p < e.owners().length; p++) {
            if (e.owners()[p] < 0) {
                return e.grid()[p];
            }
        }
        return e.grid()[0];
    }
}
