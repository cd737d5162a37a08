package org.vistabench.world.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * AdamW (decoupled weight decay on matrices only, bias-corrected) with global-norm clipping. Runs with grad mode off,
 * in place, and zeroes each gradient after use because nothing else does. Parameters are kept in name order.
 */
final class AdamW implements AutoCloseable {
    private final NDManager manager;
    private final List<NDArray> params = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final List<Boolean> decay = new ArrayList<>();
    private final double beta1 = 0.9;
    private final double beta2 = 0.99;
    private final double weightDecay;
    private int step;

    AdamW(NDManager parent, SortedMap<String, NDArray> parameters, double weightDecay) {
        this.manager = parent.newSubManager();
        this.weightDecay = weightDecay;
        for (NDArray p : new TreeMap<>(parameters).values()) {
            params.add(p);
            m.add(manager.zeros(p.getShape()));
            v.add(manager.zeros(p.getShape()));
            decay.add(p.getShape().dimension() > 1);
        }
    }

    /** Adds more parameters (heads, predictors) in the given name order. */
    static SortedMap<String, NDArray> merged(Map<String, NDArray> a, Map<String, NDArray> b) {
        TreeMap<String, NDArray> out = new TreeMap<>(a);
        for (Map.Entry<String, NDArray> e : b.entrySet()) {
            if (out.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " given twice");
            }
        }
        return out;
    }

    /** One update; returns the gradient norm before clipping. */
    double step(double lr, double clipNorm) {
        step++;
        try (NDManager scope = manager.newSubManager()) {
            List<NDArray> grads = new ArrayList<>();
            double sq = 0;
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                g.attach(scope);
                grads.add(g);
                try (NDArray s = g.square().sum()) {
                    sq += s.getFloat();
                }
            }
            double norm = Math.sqrt(sq);
            double clip = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1.0;
            double bc1 = 1 - Math.pow(beta1, step);
            double bc2 = 1 - Math.pow(beta2, step);
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = grads.get(i).mul((float) clip);
                g.attach(scope);
                NDArray g1 = g.mul((float) (1 - beta1));
                g1.attach(scope);
                m.get(i).muli((float) beta1).addi(g1);
                NDArray g2 = g.square().muli((float) (1 - beta2));
                g2.attach(scope);
                v.get(i).muli((float) beta2).addi(g2);
                if (decay.get(i)) {
                    p.muli((float) (1 - lr * weightDecay));
                }
                NDArray vHat = v.get(i).div((float) bc2);
                vHat.attach(scope);
                NDArray denom = vHat.sqrt().addi(1e-8f);
                NDArray upd = m.get(i).div((float) bc1);
                upd.attach(scope);
                upd.divi(denom).muli((float) lr);
                p.subi(upd);
                JniUtils.zeroGrad((PtNDArray) p);
            }
            return norm;
        }
    }

    /** Warmup then cosine decay to 10% of {@code peak}. */
    static double schedule(int step, int total, double peak) {
        int warm = Math.max(1, total / 10);
        if (step < warm) {
            return peak * (step + 1) / warm;
        }
        double t = (step - warm) / (double) Math.max(1, total - warm);
        return peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
    }

    @Override
    public void close() {
        manager.close();
    }
}
