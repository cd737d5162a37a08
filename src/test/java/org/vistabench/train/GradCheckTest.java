package org.vistabench.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.sae.Sae;

/**
 * Analytic projector gradients of the full objective (CE + λ·SAE term at two layers) against central finite
 * differences. DJL's projector and SAEs are float32, so: step h = 1e-2 (the loss is smooth at that scale: SAE
 * thresholds are 0, so no JumpReLU gate jumps), and a tolerance of 2e-3 + 3% (float32 rounding of a loss near 3
 * contributes ~1e-5 / h).
 */
class GradCheckTest {
    @Test
    void analyticGradientsMatchFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager(); ToySetup s = new ToySetup(m, 11, 8, 4, 5, 8, 2)) {
            SortedMap<Integer, SaeConstraint> cons = new TreeMap<>();
            for (int l = 0; l < 2; l++) {
                Sae sae = Sae.random(m, 8, 24, 100 + l, new float[] {1f}, null, new float[] {0f});
                cons.put(l, new SaeConstraint(l, sae, 3.0 + l));
            }
            VistaObjective obj = new VistaObjective(s.lm, cons, 0.7, null);
            Projector p = Projector.init(org.vistabench.model.projector.ProjectorKind.MLP2X_GELU, 5, 8, 3, m);
            int[] picks = {0, 1, 2, 3, 4, 5};
            Map<String, float[]> analytic = new LinkedHashMap<>();
            JniUtils.setGradMode(false);
            try (NDManager sm = m.newSubManager()) {
                Batch b = Batch.build(sm, s.prompt, s.features, s.examples, picks);
                try (GradientCollector gc = sm.getEngine().newGradientCollector()) {
                    gc.backward(obj.loss(p, b).total());
                }
                p.parameters().forEach((k, v) -> analytic.put(k, v.getGradient().toFloatArray()));
            }
            Map<String, float[]> base = p.values();
            double h = 1e-2;
            int checked = 0;
            double worst = 0;
            for (String name : p.names()) {
                float[] g = analytic.get(name);
                // The 4 largest-|g| coordinates of each tensor plus 2 fixed ones.
                Integer[] idx = new Integer[g.length];
                for (int i = 0; i < g.length; i++) {
                    idx[i] = i;
                }
                java.util.Arrays.sort(idx, (a, c) -> Float.compare(Math.abs(g[c]), Math.abs(g[a])));
                int[] coords = {idx[0], idx[1], idx[2], idx[3], 0, g.length - 1};
                for (int i : coords) {
                    double plus = lossWith(m, obj, p, s, picks, base, name, i, h);
                    double minus = lossWith(m, obj, p, s, picks, base, name, i, -h);
                    double fd = (plus - minus) / (2 * h);
                    double err = Math.abs(fd - g[i]);
                    worst = Math.max(worst, err / (2e-3 + 0.03 * Math.abs(fd)));
                    assertTrue(err <= 2e-3 + 0.03 * Math.abs(fd), name + "[" + i + "]: analytic " + g[i] + " vs FD " + fd);
                    checked++;
                }
            }
            p.assign(base);
            assertTrue(checked == 24 && worst < 1, "checked " + checked + " coordinates, worst ratio " + worst);
        }
    }

    private static double lossWith(NDManager m, VistaObjective obj, Projector p, ToySetup s, int[] picks,
                                   Map<String, float[]> base, String name, int i, double delta) {
        Map<String, float[]> v = new LinkedHashMap<>();
        base.forEach((k, a) -> v.put(k, a.clone()));
        v.get(name)[i] += (float) delta;
        p.assign(v);
        try (NDManager sm = m.newSubManager()) {
            Batch b = Batch.build(sm, s.prompt, s.features, s.examples, picks);
            return obj.loss(p, b).total().getFloat();
        }
    }
}
