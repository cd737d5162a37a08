package org.vistabench.world.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.model.vision.VisionEncoder;
import org.vistabench.model.vision.VisionLoader;
import org.vistabench.model.vision.VisionOutput;
import org.vistabench.tensor.NdArrays;

/** Trained weights written in HF layout must give the loader exactly the forward the trainer computed. */
class TrainableVitTest {
    static final TrainableVit.Dims DIMS = new TrainableVit.Dims(32, 2, 2, 64, 112, 14);
    static final EncoderTrainer.Schedule FEW = new EncoderTrainer.Schedule(3, 4, 3e-3);

    @TempDir
    Path tmp;

    private static double maxAbs(NDArray a, NDArray b) {
        assertEquals(a.getShape(), b.getShape());
        float[] x = NdArrays.toFloats(a);
        float[] y = NdArrays.toFloats(b);
        double w = 0;
        for (int i = 0; i < x.length; i++) {
            w = Math.max(w, Math.abs(x[i] - y[i]));
        }
        return w;
    }

    static EncoderTrainer.Stem stem(NDManager m) {
        try (TrainableVit d = TrainableVit.init(Family.DINOV2, DIMS, 3, m, false)) {
            return new EncoderTrainer.Stem(d.values(), DIMS.layers(), 1);
        }
    }

    @Test
    void trainedWeightsReloadWithTheSameForwardInEveryFamily() {
        EncoderTrainingData data = SyntheticScenes.make(12, 112, 14, 9);
        int[] train = {0, 1, 2, 3, 4, 5, 6, 7};
        for (Family f : Family.values()) {
            Pixels px = new Pixels(f, 112);
            try (NDManager m = NDManager.newBaseManager()) {
                // the global encoders as the stage builds them: on a (here untrained) stem, one fresh block on top
                EncoderTrainer.Stem stem = stem(m);
                TrainableVit.Dims global = new TrainableVit.Dims(DIMS.hidden(), DIMS.layers() + 1, DIMS.heads(),
                        DIMS.mlp(), DIMS.imageSize(), DIMS.patch());
                EncoderTrainer.Trained t = switch (f) {
                    case DINOV2 -> EncoderTrainer.dino(data, train, DIMS, px, FEW, 1, m);
                    case CLIP -> EncoderTrainer.clip(data, train, global, 16, px, FEW, 1, m, stem);
                    case IJEPA -> EncoderTrainer.ijepa(data, train, global, px, FEW, 1, m, stem);
                };
                int layers = t.vit().dims().layers();
                Path dir = tmp.resolve(f.name());
                EncoderStage.write(t, f, new EncoderStage.Settings(DIMS, 16, FEW, FEW, FEW, 4, 4), 1, px, dir);
                try (VisionEncoder enc = VisionLoader.load(dir, m); NDManager s = m.newSubManager()) {
                    t.vit().tempAttach(s);
                    NDArray x = px.batch(s, data.images(), new int[] {8, 9, 10});
                    TrainableVit.Output mine = t.vit().forward(x, null, null, null);
                    VisionOutput theirs = enc.forward(x);
                    List<NDArray> hs = theirs.hiddenStates();
                    assertEquals(layers + 1, hs.size());
                    for (int i = 0; i < hs.size(); i++) {
                        double d = maxAbs(mine.hidden().get(i), hs.get(i));
                        assertTrue(d <= 1e-4, f + " hidden state " + i + " differs by " + d);
                    }
                    assertTrue(maxAbs(mine.last(), theirs.lastHiddenState()) <= 1e-4, f + " last_hidden_state");
                    NDArray m2 = enc.hiddenState(x, -2);
                    assertTrue(maxAbs(mine.hidden().get(layers - 1), m2) <= 1e-4, f + " hidden state -2");
                    if (f == Family.CLIP) {
                        assertTrue(maxAbs(t.vit().clipPooled(mine.last()), theirs.poolerOutput()) <= 1e-4, "CLIP pooler");
                    }
                    if (f == Family.DINOV2) {
                        assertTrue(maxAbs(mine.last().get(new NDIndex(":, 0, :")), theirs.poolerOutput()) <= 1e-4,
                                "DINOv2 pooler");
                    }
                }
            }
        }
    }

    @Test
    void denseHeadsReadTheHiddenStateTheProbeAndProjectorRead() {
        EncoderTrainingData data = SyntheticScenes.make(6, 112, 14, 3);
        Pixels px = new Pixels(Family.DINOV2, 112);
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderTrainer.Trained t = EncoderTrainer.dino(data, new int[] {0, 1, 2, 3}, DIMS, px, FEW, 1, m);
            Path dir = tmp.resolve("dino");
            EncoderStage.write(t, Family.DINOV2, new EncoderStage.Settings(DIMS, 16, FEW, FEW, FEW, 4, 4), 1, px, dir);
            try (VisionEncoder enc = VisionLoader.load(dir, m); NDManager s = m.newSubManager()) {
                t.vit().tempAttach(s);
                NDArray x = px.batch(s, data.images(), new int[] {4, 5});
                TrainableVit.Output mine = t.vit().forward(x, null, null, null);
                NDArray probed = enc.hiddenState(x, EncoderStage.PROBE_LAYER.get("mini-dino"));
                assertTrue(maxAbs(EncoderTrainer.denseState(mine), probed) <= 1e-4,
                        "the dense heads must train the hidden state the probe and the projector read");
                // hidden_states[-1] is before DINOv2's final layernorm: supervising last_hidden_state instead
                // leaves the probed features unsupervised up to a per-token rescaling
                assertTrue(maxAbs(mine.last(), probed) > 1e-2, "last_hidden_state and hidden_states[-1] differ");
            }
        }
    }

    @Test
    void sinCosPositionsEncodeRowAndColumn() {
        float[] t = new float[(1 + 4) * 8];
        TrainableVit.sinCos2d(t, 2, 8, 1);
        for (int k = 0; k < 8; k++) {
            assertEquals(0f, t[k], "CLS row stays zero");
        }
        // patch (0, 1): row part equals patch (0, 0)'s, column part differs
        assertEquals(t[8 + 1], t[16 + 1], 1e-7);
        assertTrue(Math.abs(t[8 + 4] - t[16 + 4]) > 0.1);
    }

    @Test
    void aTransplantedDinoKeepsItsForwardWithTheLayerScalesFolded() {
        EncoderTrainingData data = SyntheticScenes.make(12, 112, 14, 9);
        Pixels px = new Pixels(Family.DINOV2, 112);
        try (NDManager m = NDManager.newBaseManager()) {
            // a few steps at a high rate move the layer-scales off 1, so folding them is exercised
            EncoderTrainer.Trained t = EncoderTrainer.dino(data, new int[] {0, 1, 2, 3, 4, 5, 6, 7}, DIMS, px,
                    new EncoderTrainer.Schedule(3, 4, 3e-2), 1, m);
            java.util.Map<String, float[]> values = t.vit().values();
            float[] ls = values.get("encoder.layer.1.layer_scale2.lambda1");
            double off = 0;
            for (float v : ls) {
                off = Math.max(off, Math.abs(v - 1));
            }
            assertTrue(off > 1e-3, "layer-scale still at 1 (" + off + "): the test would not see a missing fold");
            try (TrainableVit copy = TrainableVit.transplant(Family.DINOV2, DIMS, 5, m, values, DIMS.layers());
                 NDManager s = m.newSubManager()) {
                t.vit().tempAttach(s);
                copy.tempAttach(s);
                NDArray x = px.batch(s, data.images(), new int[] {8, 9});
                TrainableVit.Output a = t.vit().forward(x, null, null, null);
                TrainableVit.Output b = copy.forward(x, null, null, null);
                for (int i = 0; i < a.hidden().size(); i++) {
                    double d = maxAbs(a.hidden().get(i), b.hidden().get(i));
                    assertTrue(d <= 1e-5, "hidden state " + i + " differs by " + d);
                }
                assertTrue(maxAbs(a.last(), b.last()) <= 1e-5);
                assertEquals(1f, copy.values().get("encoder.layer.1.layer_scale2.lambda1")[3]);
            }
        }
    }

    @Test
    void aGlobalEncoderTakesTheStemsEmbeddingsAndBlocksAndDrawsTheRestFresh() {
        EncoderTrainingData data = SyntheticScenes.make(4, 112, 14, 9);
        try (NDManager m = NDManager.newBaseManager()) {
            java.util.Map<String, float[]> dino;
            try (TrainableVit d = TrainableVit.init(Family.DINOV2, DIMS, 3, m, false)) {
                dino = d.values();
            }
            try (TrainableVit ij = TrainableVit.transplant(Family.IJEPA, DIMS, 11, m, dino, 1);
                 TrainableVit fresh = TrainableVit.init(Family.IJEPA, DIMS, 11, m, false);
                 TrainableVit src = TrainableVit.transplant(Family.DINOV2, DIMS, 11, m, dino, 1);
                 NDManager s = m.newSubManager()) {
                java.util.Map<String, float[]> got = ij.values();
                // block 0 copied, block 1 as a fresh draw from the same seed, bias and positions carried over
                org.junit.jupiter.api.Assertions.assertArrayEquals(dino.get("encoder.layer.0.mlp.fc1.weight"),
                        got.get("encoder.layer.0.intermediate.dense.weight"));
                org.junit.jupiter.api.Assertions.assertArrayEquals(
                        fresh.values().get("encoder.layer.1.intermediate.dense.weight"),
                        got.get("encoder.layer.1.intermediate.dense.weight"));
                for (var e : ij.parameters().entrySet()) {
                    assertTrue(e.getValue().hasGradient(), e.getKey() + " is not trainable");
                }
                // the embeddings (patches only: I-JEPA has no CLS) equal the stem's patch rows
                ij.tempAttach(s);
                src.tempAttach(s);
                NDArray x = new Pixels(Family.DINOV2, 112).batch(s, data.images(), new int[] {0, 1});
                NDArray mine = ij.forward(x, null, null, null).hidden().get(0);
                NDArray theirs = src.forward(x, null, null, null).hidden().get(0).get(new NDIndex(":, 1:, :"));
                assertTrue(maxAbs(mine, theirs) <= 1e-6);
            }
            // CLIP normalises pixels its own way and has no patch bias: after the fold its raw embeddings (seen here
            // through the untouched pre-layernorm, ones and zeros) are DINOv2's, layer-normalised
            try (TrainableVit clip = TrainableVit.transplant(Family.CLIP, DIMS, 11, m, dino, 2);
                 TrainableVit src = TrainableVit.transplant(Family.DINOV2, DIMS, 11, m, dino, 2);
                 NDManager s = m.newSubManager()) {
                clip.tempAttach(s);
                src.tempAttach(s);
                NDArray mine = clip.forward(new Pixels(Family.CLIP, 112).batch(s, data.images(), new int[] {0, 1}),
                        null, null, null).hidden().get(0);
                NDArray raw = src.forward(new Pixels(Family.DINOV2, 112).batch(s, data.images(), new int[] {0, 1}),
                        null, null, null).hidden().get(0);
                NDArray theirs = ai.djl.nn.norm.LayerNorm.layerNorm(raw, new ai.djl.ndarray.types.Shape(DIMS.hidden()),
                        s.ones(new ai.djl.ndarray.types.Shape(DIMS.hidden())),
                        s.zeros(new ai.djl.ndarray.types.Shape(DIMS.hidden())), (float) Family.CLIP.eps)
                        .singletonOrThrow();
                assertTrue(maxAbs(mine, theirs) <= 1e-4, "CLIP embeddings differ by " + maxAbs(mine, theirs));
            }
        }
    }
}
