package org.vistabench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vistabench.tensor.NdArrays;

class OptimTest {
    @Test
    void adamWFollowsTorchFormulaWithDecoupledDecayAndBiasCorrection() {
        double lr = 0.01;
        double wd = 0.1;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        float[] p0 = {0.5f, -1.0f, 2.0f};
        float[][] gs = {{0.1f, -0.2f, 0.3f}, {0.05f, 0.0f, -0.4f}, {1.0f, 2.0f, -3.0f}};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = NdArrays.owned(m, p0, new Shape(3));
            AdamW opt = new AdamW(m, Map.of("p", p), b1, b2, eps, wd);
            double[] ref = {p0[0], p0[1], p0[2]};
            double[] mm = new double[3];
            double[] vv = new double[3];
            for (int t = 1; t <= gs.length; t++) {
                opt.step(Map.of("p", p), Map.of("p", NdArrays.owned(m, gs[t - 1], new Shape(3))), lr);
                for (int i = 0; i < 3; i++) {
                    double g = gs[t - 1][i];
                    ref[i] *= 1 - lr * wd;
                    mm[i] = b1 * mm[i] + (1 - b1) * g;
                    vv[i] = b2 * vv[i] + (1 - b2) * g * g;
                    double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                    ref[i] -= lr / (1 - Math.pow(b1, t)) * mm[i] / denom;
                }
            }
            float[] got = p.toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(ref[i], got[i], 1e-6, "param " + i);
            }
            // The very first step of Adam moves every coordinate by about lr (sign of g), a classic sanity check.
            assertEquals(3, opt.stepCount());
        }
    }

    @Test
    void adamWStateRoundTripsExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = NdArrays.owned(m, new float[] {1, 2}, new Shape(2));
            AdamW a = new AdamW(m, Map.of("p", p), 0.9, 0.999, 1e-8, 0);
            a.step(Map.of("p", p), Map.of("p", NdArrays.owned(m, new float[] {0.3f, -0.7f}, new Shape(2))), 0.1);
            NDArray q = NdArrays.owned(m, p.toFloatArray(), new Shape(2));
            AdamW b = new AdamW(m, Map.of("p", q), 0.9, 0.999, 1e-8, 0);
            b.restore(a.state(), a.stepCount());
            NDArray g = NdArrays.owned(m, new float[] {0.2f, 0.1f}, new Shape(2));
            a.step(Map.of("p", p), Map.of("p", g), 0.1);
            b.step(Map.of("p", q), Map.of("p", g), 0.1);
            assertArrayEquals(p.toFloatArray(), q.toFloatArray());
        }
    }

    @Test
    void scheduleWarmsUpLinearlyThenDecaysByCosineToZero() {
        LrSchedule s = new LrSchedule(1.0, 4, 14);
        assertEquals(0.0, s.at(0));
        assertEquals(0.5, s.at(2), 1e-12);
        assertEquals(1.0, s.at(4), 1e-12);
        assertEquals(0.5, s.at(9), 1e-12);
        assertEquals(0.0, s.at(14), 1e-12);
        LrSchedule noWarm = new LrSchedule(2.0, 0, 10);
        assertEquals(2.0, noWarm.at(0), 1e-12);
    }

    @Test
    void dataOrderVisitsEveryExampleOncePerEpochAndRestores() {
        DataOrder d = new DataOrder(10, 3);
        int[] first = d.next(10);
        java.util.Arrays.sort(first);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, first);
        d.next(3);
        DataOrder r = DataOrder.restore(10, 3, d.epoch(), d.position());
        assertArrayEquals(d.next(15), r.next(15));
        assertNotEquals(java.util.Arrays.toString(DataOrder.permutation(10, 3, 0)),
                java.util.Arrays.toString(DataOrder.permutation(10, 3, 1)));
    }
}
