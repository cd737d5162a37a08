package org.vistabench.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vistabench.tensor.NdArrays;

/**
 * AdamW with torch's semantics ({@code torch.optim.AdamW}, single-tensor path, not amsgrad):
 *
 * <pre>
 *   p  ← p · (1 − lr·wd)                               decoupled weight decay, before the moments
 *   m  ← β1·m + (1 − β1)·g
 *   v  ← β2·v + (1 − β2)·g²
 *   p  ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
 * </pre>
 *
 * DJL's built-in {@code adamUpdate} puts eps outside the bias correction (MXNet's form) and is not torch's, hence
 * this class. Updates run in place, outside autograd; the moments are F32 arrays in the optimizer's own manager.
 */
public final class AdamW implements AutoCloseable {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long t;

    public AdamW(NDManager parent, Map<String, NDArray> params, double beta1, double beta2, double eps,
                 double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
        params.forEach((name, p) -> {
            m.put(name, manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            v.put(name, manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        });
    }

    /** Optimizer steps taken so far (torch's {@code state['step']}). */
    public long stepCount() {
        return t;
    }

    /**
     * One update of every parameter from its gradient (the caller has clipped them).
     *
     * @param grads name → gradient, same shapes as the parameters
     */
    public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
        t++;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / bc1;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            NDArray g = grads.get(name);
            NDArray mi = m.get(name);
            NDArray vi = v.get(name);
            if (g == null || mi == null) {
                throw new IllegalArgumentException("AdamW: no gradient or state for parameter " + name);
            }
            try (NDManager tmp = manager.newSubManager()) {
                if (weightDecay != 0) {
                    p.muli(1 - lr * weightDecay);
                }
                mi.muli(beta1).addi(attach(g.mul(1 - beta1), tmp));
                vi.muli(beta2).addi(attach(g.square().muli(1 - beta2), tmp));
                NDArray denom = attach(vi.sqrt(), tmp).divi(bc2Sqrt).addi(eps);
                p.subi(attach(mi.mul(stepSize), tmp).divi(denom));
            }
        }
    }

    private static NDArray attach(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    /** The moments as plain floats, keyed {@code m.<name>} / {@code v.<name>}, for checkpoints. */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m." + k, a.toFloatArray()));
        v.forEach((k, a) -> out.put("v." + k, a.toFloatArray()));
        return out;
    }

    /** Restores what {@link #state()} returned, and the step count. */
    public void restore(Map<String, float[]> state, long stepCount) {
        for (Map.Entry<String, NDArray> e : m.entrySet()) {
            load(e.getValue(), state.get("m." + e.getKey()), "m." + e.getKey());
        }
        for (Map.Entry<String, NDArray> e : v.entrySet()) {
            load(e.getValue(), state.get("v." + e.getKey()), "v." + e.getKey());
        }
        t = stepCount;
    }

    private void load(NDArray target, float[] data, String name) {
        if (data == null || data.length != target.size()) {
            throw new IllegalArgumentException("AdamW state " + name + ": expected " + target.size() + " values, got "
                    + (data == null ? "none" : data.length));
        }
        try (NDManager tmp = manager.newSubManager()) {
            Shape s = target.getShape();
            NDArray src = NdArrays.owned(tmp, data, s).toDevice(target.getDevice(), false);
            target.set(new ai.djl.ndarray.index.NDIndex("..."), src);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
