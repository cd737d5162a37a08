package org.vistabench.world.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AdamW (decoupled weight decay, bias-corrected) with global-norm gradient clipping, over DJL parameters. Updates run
 * outside any GradientCollector (grad mode off), in place; gradients are zeroed after each step because DJL's
 * collector does not do it.
 */
public final class AdamW implements AutoCloseable {
    private final NDManager manager;
    private final List<String> names;
    private final List<NDArray> params;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final List<Boolean> decay = new ArrayList<>();
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private int step;

    /**
     * @param noDecay parameter names that get no weight decay (norm weights, embeddings)
     */
    public AdamW(NDManager parent, Map<String, NDArray> parameters, Set<String> noDecay, double beta1, double beta2,
                 double epsilon, double weightDecay) {
        this.manager = parent.newSubManager();
        this.names = new ArrayList<>(parameters.keySet());
        this.params = new ArrayList<>(parameters.values());
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            m.add(manager.zeros(p.getShape()));
            v.add(manager.zeros(p.getShape()));
            decay.add(!noDecay.contains(names.get(i)) && p.getShape().dimension() > 1);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    /** One update with learning rate {@code lr}; returns the gradient norm before clipping. */
    public double step(double lr, double clipNorm) {
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
                NDArray g = grads.get(i);
                NDArray gs = g.mul((float) clip);
                gs.attach(scope);
                m.get(i).muli((float) beta1).addi(gs.mul((float) (1 - beta1)));
                NDArray g2 = gs.square().muli((float) (1 - beta2));
                v.get(i).muli((float) beta2).addi(g2);
                if (decay.get(i)) {
                    p.muli((float) (1 - lr * weightDecay));
                }
                NDArray vHat = v.get(i).div((float) bc2);
                vHat.attach(scope);
                NDArray denom = vHat.sqrt().addi((float) epsilon);
                NDArray upd = m.get(i).div((float) bc1);
                upd.attach(scope);
                upd.divi(denom).muli((float) lr);
                p.subi(upd);
                JniUtils.zeroGrad((PtNDArray) p);
            }
            return norm;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
