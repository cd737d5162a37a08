package org.vistabench.model.sae;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensors;

class SaeTest {
    static final Path GEMMA = Path.of("src/test/resources/fixtures/hf-parity/sae-jumprelu-tiny");

    /** d_model 2, d_sae 3: pre = x (latents 0, 1) and x0 + x1 (latent 2), thresholds 1, 0.5, -1. */
    private static Sae handMade(NDManager m) {
        float[] wEnc = {1, 0, 1, 0, 1, 1};          // [2,3]
        float[] wDec = {1, 0, 0, 1, 0.5f, 0.5f};    // [3,2]
        return new Sae(m, 2, 3, wEnc, wDec, new float[3], new float[] {0.1f, -0.2f}, new float[] {1f, 0.5f, -1f});
    }

    @Test
    void gatesStrictlyAboveThresholdAndAppliesReluBelowZeroThresholds() {
        try (NDManager m = NDManager.newBaseManager(); Sae sae = handMade(m)) {
            // Row 0: pre = (1, 0.5, 1.5): latents 0 and 1 sit exactly on their thresholds → gated off (strict >).
            // Row 1: pre = (1.0000001, -0.5, 0.5000001): latent 0 just above; latent 2 threshold -1 but relu keeps 0 ≥ 0.
            // Row 2: pre = (-0.25, -0.5, -0.75): latent 2 passes its negative threshold, relu makes it 0.
            float[] x = {1f, 0.5f, Math.nextUp(1f), -0.5f, -0.25f, -0.5f};
            NDArray acts = sae.encode(NdArrays.owned(m, x, new Shape(3, 2)));
            float[] a = acts.toFloatArray();
            assertArrayEquals(new float[] {0, 0, 1.5f, Math.nextUp(1f), 0, Math.nextUp(1f) - 0.5f, 0, 0, 0}, a, 1e-7f);
            assertArrayEquals(new float[] {1, 2, 0}, sae.l0(NdArrays.owned(m, x, new Shape(3, 2))).toFloatArray());
        }
    }

    @Test
    void reconMseGradientFlowsThroughReluWithTheGateAsAConstantMask() {
        try (NDManager m = NDManager.newBaseManager();
             Sae sae = SaeLoader.gemmaScope(GEMMA, m);
             SafeTensors ref = SafeTensors.open(GEMMA.resolve("expected.safetensors"))) {
            int d = sae.dModel();
            int n = sae.dSae();
            float[] xs = ref.floats("x");
            int rows = xs.length / d;
            NDArray x = NdArrays.owned(m, xs, new Shape(rows, d));
            x.setRequiresGradient(true);
            float[] lossOurs;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = sae.reconMse(x).sum();
                lossOurs = loss.toFloatArray();
                gc.backward(loss);
            }
            float[] g = x.getGradient().toFloatArray();
            // The same gradient in double, by hand: L = Σ_rows mean_i (recon − x)²; active = pre > max(thr, 0).
            float[] we = sae.wEnc().toFloatArray();
            float[] wd = sae.wDec().toFloatArray();
            float[] be = sae.bEnc().toFloatArray();
            float[] bd = sae.bDec().toFloatArray();
            float[] th = sae.threshold().toFloatArray();
            double maxErr = 0;
            double maxG = 0;
            double lossRef = 0;
            for (int r = 0; r < rows; r++) {
                double[] pre = new double[n];
                for (int j = 0; j < n; j++) {
                    pre[j] = be[j];
                    for (int i = 0; i < d; i++) {
                        pre[j] += xs[r * d + i] * (double) we[i * n + j];
                    }
                }
                double[] res = new double[d];
                for (int i = 0; i < d; i++) {
                    res[i] = bd[i] - xs[r * d + i];
                    for (int j = 0; j < n; j++) {
                        if (pre[j] > th[j] && pre[j] > 0) {
                            res[i] += pre[j] * wd[j * d + i];
                        }
                    }
                    lossRef += res[i] * res[i] / d;
                }
                double[] dActs = new double[n];
                for (int j = 0; j < n; j++) {
                    if (pre[j] > th[j] && pre[j] > 0) {
                        for (int i = 0; i < d; i++) {
                            dActs[j] += 2.0 / d * res[i] * wd[j * d + i];
                        }
                    }
                }
                for (int i = 0; i < d; i++) {
                    double gi = -2.0 / d * res[i];
                    for (int j = 0; j < n; j++) {
                        gi += dActs[j] * we[i * n + j];
                    }
                    maxErr = Math.max(maxErr, Math.abs(gi - g[r * d + i]));
                    maxG = Math.max(maxG, Math.abs(gi));
                }
            }
            assertEquals(lossRef, lossOurs[0], 1e-5 * lossRef);
            assertTrue(maxG > 0);
            assertTrue(maxErr <= 1e-4 * maxG, "gradient error " + maxErr + " vs scale " + maxG);
        }
    }

    @Test
    void steeringWithTheErrorTermReturnsTheInputWhenUneditedAndShiftsByTheDecoderRow() {
        try (NDManager m = NDManager.newBaseManager(); Sae sae = SaeLoader.gemmaScope(GEMMA, m);
             SafeTensors ref = SafeTensors.open(GEMMA.resolve("expected.safetensors"))) {
            NDArray x = ref.toNd(m, "x");
            NDArray acts = sae.encode(x);
            float[] xs = x.toFloatArray();
            assertArrayEquals(xs, sae.steer(x, acts).toFloatArray(), 1e-4f);
            float[] edited = acts.toFloatArray();
            int j = 7;
            int rows = (int) x.getShape().get(0);
            float[] delta = new float[rows];
            for (int r = 0; r < rows; r++) {
                delta[r] = 3f - edited[r * sae.dSae() + j];
                edited[r * sae.dSae() + j] = 3f;
            }
            float[] out = sae.steer(x, NdArrays.owned(m, edited, acts.getShape())).toFloatArray();
            float[] wd = sae.wDec().toFloatArray();
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < sae.dModel(); i++) {
                    float want = xs[r * sae.dModel() + i] + delta[r] * wd[j * sae.dModel() + i];
                    assertEquals(want, out[r * sae.dModel() + i], 1e-4f);
                }
            }
        }
    }

    @Test
    void errorTermIsDetachedFromAutogradAsInSaeLens() {
        try (NDManager m = NDManager.newBaseManager(); Sae sae = SaeLoader.gemmaScope(GEMMA, m);
             SafeTensors ref = SafeTensors.open(GEMMA.resolve("expected.safetensors"))) {
            NDArray x = ref.toNd(m, "x");
            NDArray fixedActs = sae.encode(x);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = sae.steer(x, fixedActs).add(x.square()).sum();
                gc.backward(y);
            }
            // Only the x² term reaches x: d/dx = 2x. A differentiable error term would add 1 − (∂recon/∂x).
            float[] g = x.getGradient().toFloatArray();
            float[] xs = x.toFloatArray();
            for (int i = 0; i < g.length; i++) {
                assertEquals(2 * xs[i], g[i], 1e-5f);
            }
        }
    }

    @Test
    void acceptsBatchTimeInputsAndReducesOverTheLastAxis() {
        try (NDManager m = NDManager.newBaseManager(); Sae sae = SaeLoader.gemmaScope(GEMMA, m);
             SafeTensors ref = SafeTensors.open(GEMMA.resolve("expected.safetensors"))) {
            NDArray x = ref.toNd(m, "x"); // [10, 64]
            NDArray x3 = x.reshape(2, 5, 64);
            assertEquals(new Shape(2, 5, 256), sae.encode(x3).getShape());
            assertEquals(new Shape(2, 5), sae.l0(x3).getShape());
            assertArrayEquals(ref.floats("l0"), sae.l0(x3).toFloatArray());
            assertArrayEquals(ref.floats("mse"), sae.reconMse(x3).toFloatArray(), 1e-4f);
        }
    }

    @Test
    void randomSaeHasUnitDirectionsScaledToTheGivenNormsAndIsSeedDeterministic() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] norms = new float[32];
            for (int j = 0; j < 32; j++) {
                norms[j] = 0.5f + j * 0.1f;
            }
            try (Sae a = Sae.random(m, 16, 32, 5, norms, null, new float[] {0.2f});
                 Sae b = Sae.random(m, 16, 32, 5, norms, null, new float[] {0.2f});
                 Sae c = Sae.random(m, 16, 32, 6, norms, null, new float[] {0.2f})) {
                assertArrayEquals(norms, a.decoderRowNorms(), 1e-5f);
                assertArrayEquals(a.wDec().toFloatArray(), b.wDec().toFloatArray());
                assertFalse(java.util.Arrays.equals(a.wDec().toFloatArray(), c.wDec().toFloatArray()));
                float[] we = a.wEnc().toFloatArray();
                float[] wd = a.wDec().toFloatArray();
                for (int j = 0; j < 32; j++) {
                    double dot = 0;
                    for (int i = 0; i < 16; i++) {
                        dot += we[i * 32 + j] * (double) wd[j * 16 + i];
                    }
                    // encoder column · decoder row = u·u = 1: an active latent's contribution is a projection.
                    assertEquals(1.0, dot, 1e-5);
                }
                float[] th = a.threshold().toFloatArray();
                for (float t : th) {
                    assertEquals(0.2f, t);
                }
            }
        }
    }

    @Test
    void calibratedThresholdsGiveTheTargetMeanL0() {
        try (NDManager m = NDManager.newBaseManager(); Sae raw = Sae.random(m, 16, 64, 11, new float[] {1f}, null, null)) {
            Random rng = new Random(3);
            int n = 500;
            float[] xs = new float[n * 16];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = (float) rng.nextGaussian();
            }
            NDArray x = NdArrays.owned(m, xs, new Shape(n, 16));
            // Before: thresholds 0 → about half the latents fire.
            double before = raw.l0(x).mean().getFloat();
            for (double target : new double[] {3.0, 7.5}) {
                float[] thr = raw.calibrateThresholds(x, target);
                try (Sae cal = raw.withThresholds(thr)) {
                    double l0 = cal.l0(x).mean().getFloat();
                    assertEquals(target, l0, 1.0 / n, "target " + target + " (uncalibrated " + before + ")");
                    for (float t : thr) {
                        assertTrue(t >= 0);
                    }
                }
            }
            assertTrue(before > 20, "uncalibrated L0 " + before);
        }
    }
}
