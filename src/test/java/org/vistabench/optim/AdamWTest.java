package org.vistabench.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vistabench.tensor.NdArrays;

class AdamWTest {
    private static final double LR = 0.01;
    private static final double WD = 0.1;
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;
    private static final float[][] GRADS = {{0.1f, -0.2f, 0.3f, 0.05f}, {0.05f, 0.0f, -0.4f, 0.2f},
        {1.0f, 2.0f, -3.0f, 0.5f}};

    /** Gives every parameter the gradient {@code grads[name]} (through a backward pass, as training does). */
    private static void backward(NDManager m, Map<String, NDArray> params, Map<String, float[]> grads) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray p = e.getValue();
                NDArray term = p.mul(NdArrays.owned(m, grads.get(e.getKey()), p.getShape())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
        JniUtils.setGradMode(false);
    }

    private static NDArray param(NDManager m, float[] values, Shape shape) {
        NDArray p = NdArrays.owned(m, values, shape);
        p.setRequiresGradient(true);
        return p;
    }

    @Test
    void torchFormFollowsTorchsFormulaWithDecoupledDecayAndBiasCorrection() {
        float[] p0 = {0.5f, -1.0f, 2.0f, 0.25f};
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = Map.of("p", param(m, p0, new Shape(4)));
            AdamW opt = new AdamW(m, params, AdamW.decayAll(params), new AdamW.Settings(AdamW.Form.TORCH, B1, B2, EPS,
                    WD));
            double[] ref = {p0[0], p0[1], p0[2], p0[3]};
            double[] mm = new double[4];
            double[] vv = new double[4];
            for (int t = 1; t <= GRADS.length; t++) {
                backward(m, params, Map.of("p", GRADS[t - 1]));
                opt.step(LR, 0);
                for (int i = 0; i < 4; i++) {
                    double g = GRADS[t - 1][i];
                    ref[i] *= 1 - LR * WD;
                    mm[i] = B1 * mm[i] + (1 - B1) * g;
                    vv[i] = B2 * vv[i] + (1 - B2) * g * g;
                    double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(B2, t)) + EPS;
                    ref[i] -= LR / (1 - Math.pow(B1, t)) * mm[i] / denom;
                }
            }
            float[] got = params.get("p").toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(ref[i], got[i], 1e-6, "param " + i);
            }
            assertEquals(3, opt.stepCount());
        }
    }

    @Test
    void worldFormFollowsItsFormulaAndDecaysOnlyTheChosenMatrices() {
        float[] w0 = {0.5f, -1.0f, 2.0f, 0.25f};
        float[] b0 = {0.5f, -1.0f, 2.0f, 0.25f};
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("w", param(m, w0, new Shape(2, 2)));
            params.put("b", param(m, b0, new Shape(4)));
            AdamW opt = new AdamW(m, params, AdamW.decayMatricesExcept(params, Set.of()),
                    new AdamW.Settings(AdamW.Form.WORLD, B1, B2, EPS, WD));
            double[][] ref = {{w0[0], w0[1], w0[2], w0[3]}, {b0[0], b0[1], b0[2], b0[3]}};
            double[] mm = new double[4];
            double[] vv = new double[4];
            for (int t = 1; t <= GRADS.length; t++) {
                backward(m, params, Map.of("w", GRADS[t - 1], "b", GRADS[t - 1]));
                opt.step(LR, 0);
                for (int i = 0; i < 4; i++) {
                    double g = GRADS[t - 1][i];
                    mm[i] = B1 * mm[i] + (1 - B1) * g;
                    vv[i] = B2 * vv[i] + (1 - B2) * g * g;
                    double upd = mm[i] / (1 - Math.pow(B1, t)) / (Math.sqrt(vv[i] / (1 - Math.pow(B2, t))) + EPS) * LR;
                    ref[0][i] = ref[0][i] * (1 - LR * WD) - upd;
                    ref[1][i] -= upd;
                }
            }
            assertArrayEquals(toFloats(ref[0]), params.get("w").toFloatArray(), 1e-6f, "the matrix decays");
            assertArrayEquals(toFloats(ref[1]), params.get("b").toFloatArray(), 1e-6f, "the vector does not");
        }
    }

    @Test
    void clipsToTheGlobalNormAsEachFormDoesAndZeroesGradients() {
        for (AdamW.Form form : AdamW.Form.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> params = new LinkedHashMap<>();
                params.put("a", param(m, new float[] {1, 1}, new Shape(2)));
                params.put("b", param(m, new float[] {1}, new Shape(1)));
                AdamW opt = new AdamW(m, params, Set.of(), new AdamW.Settings(form, B1, B2, EPS, 0));
                backward(m, params, Map.of("a", new float[] {3, 0}, "b", new float[] {4}));
                double norm = opt.step(LR, 1.0);
                assertEquals(5.0, norm, 1e-6);
                // m after one step is (1 - β1)·g with g clipped: torch divides by norm + 1e-6, the world by norm
                double coef = form == AdamW.Form.TORCH ? 1 / (5 + 1e-6) : 1 / 5.0;
                Map<String, float[]> st = opt.state();
                assertArrayEquals(new float[] {(float) (0.1 * 3 * coef), 0f}, st.get("m.a"), 1e-7f, form.name());
                assertArrayEquals(new float[] {(float) (0.1 * 4 * coef)}, st.get("m.b"), 1e-7f, form.name());
                assertArrayEquals(new float[] {0, 0}, params.get("a").getGradient().toFloatArray(), form.name());
            }
        }
    }

    @Test
    void stateRoundTripsExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> pa = Map.of("p", param(m, new float[] {1, 2}, new Shape(2)));
            AdamW.Settings s = new AdamW.Settings(AdamW.Form.TORCH, B1, B2, EPS, 0);
            AdamW a = new AdamW(m, pa, AdamW.decayAll(pa), s);
            backward(m, pa, Map.of("p", new float[] {0.3f, -0.7f}));
            a.step(0.1, 0);
            Map<String, NDArray> pb = Map.of("p", param(m, pa.get("p").toFloatArray(), new Shape(2)));
            AdamW b = new AdamW(m, pb, AdamW.decayAll(pb), s);
            b.restore(a.state(), a.stepCount());
            backward(m, pa, Map.of("p", new float[] {0.2f, 0.1f}));
            backward(m, pb, Map.of("p", new float[] {0.2f, 0.1f}));
            a.step(0.1, 0);
            b.step(0.1, 0);
            assertArrayEquals(pa.get("p").toFloatArray(), pb.get("p").toFloatArray());
        }
    }

    @Test
    void decayMatricesExceptSkipsVectorsAndTheNamedParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("embed", m.zeros(new Shape(3, 2)));
            params.put("proj", m.zeros(new Shape(2, 2)));
            params.put("norm", m.zeros(new Shape(2)));
            assertEquals(Set.of("proj"), AdamW.decayMatricesExcept(params, Set.of("embed")));
            assertEquals(Set.of("embed", "proj", "norm"), AdamW.decayAll(params));
        }
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
