package org.vistabench.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.vistabench.tensor.NdArrays;

/**
 * AdamW (decoupled weight decay, bias-corrected moments) over named DJL parameters, with global-norm gradient
 * clipping; the arithmetic follows one of two {@link Form}s.
 *
 * <p>After a backward pass, {@link #gradients} reads every parameter's gradient and their global 2-norm (check it
 * before updating); {@link #step(Gradients, double, double)} clips, updates the parameters in place and zeroes their
 * gradients (DJL's collector does not). {@link #step(double, double)} does both. Updates run outside autograd (grad
 * mode off). The moments are arrays in the optimizer's own manager, in each parameter's dtype and device;
 * {@link #state()} and {@link #restore} checkpoint them. DJL's built-in {@code adamUpdate} puts eps outside the bias
 * correction (MXNet's form), which is neither form here, hence this class.
 */
public final class AdamW implements AutoCloseable {
    /**
     * The update's arithmetic. The two forms compute the same algorithm with different roundings; each is kept
     * op for op, because results made with it are compared bit for bit.
     */
    public enum Form {
        /**
         * {@code torch.optim.AdamW} (single-tensor path, not amsgrad) after {@code clip_grad_norm_}, double scalars:
         * <pre>
         *   n  = √(Σ ‖g‖²);   g ← g · c/(n + 1e-6)  when that factor is &lt; 1
         *   p  ← p · (1 − lr·wd)
         *   m  ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
         *   p  ← p − m·(lr / (1 − β1ᵗ)) / (√v / √(1 − β2ᵗ) + eps)
         * </pre>
         * Used for projector training, whose results are compared with PyTorch's.
         */
        TORCH,
        /**
         * The mini world's form, float scalars:
         * <pre>
         *   n  = √(Σ sum(g²));   g ← g · c/n  when n &gt; c
         *   m  ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
         *   p  ← p · (1 − lr·wd)
         *   p  ← p − (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + eps) · lr
         * </pre>
         * Kept because the shipped world's files depend on its roundings: a world's cache is keyed by version
         * constants, not by code, so a cold build with another rounding would silently differ from a cached one.
         */
        WORLD
    }

    /**
     * The hyperparameters.
     *
     * @param weightDecay decoupled weight decay of the parameters chosen to decay (see {@link #decayAll},
     *                    {@link #decayMatricesExcept})
     */
    public record Settings(Form form, double beta1, double beta2, double eps, double weightDecay) {
    }

    /**
     * Every parameter's gradient (attached to the scope given to {@link #gradients}) and their global 2-norm before
     * clipping, computed as the {@link Form} does.
     */
    public record Gradients(Map<String, NDArray> byName, double norm) {
    }

    private final Settings s;
    private final NDManager manager;
    private final Map<String, NDArray> params;
    private final Set<String> decayed;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long t;

    /**
     * @param params  name → parameter, updated in place; its iteration order is the order of every sum over them
     * @param decayed the names that get weight decay
     */
    public AdamW(NDManager parent, Map<String, NDArray> params, Set<String> decayed, Settings settings) {
        this.s = settings;
        this.manager = parent.newSubManager();
        this.params = new LinkedHashMap<>(params);
        this.decayed = Set.copyOf(decayed);
        params.forEach((name, p) -> {
            m.put(name, manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
            v.put(name, manager.zeros(p.getShape(), p.getDataType(), p.getDevice()));
        });
    }

    /** Every parameter decays (torch's AdamW over one parameter group). */
    public static Set<String> decayAll(Map<String, NDArray> params) {
        return params.keySet();
    }

    /** Matrices decay; vectors (biases, norm scales) and the parameters named in {@code except} do not. */
    public static Set<String> decayMatricesExcept(Map<String, NDArray> params, Set<String> except) {
        Set<String> out = new LinkedHashSet<>();
        params.forEach((name, p) -> {
            if (!except.contains(name) && p.getShape().dimension() > 1) {
                out.add(name);
            }
        });
        return out;
    }

    /** Optimizer steps taken so far (torch's {@code state['step']}). */
    public long stepCount() {
        return t;
    }

    /** Reads every parameter's gradient into {@code scope} and their global norm. */
    public Gradients gradients(NDManager scope) {
        Map<String, NDArray> grads = new LinkedHashMap<>();
        double sq = 0;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray g = e.getValue().getGradient();
            g.attach(scope);
            grads.put(e.getKey(), g);
            if (s.form() == Form.TORCH) {
                // torch's clip_grad_norm_: the 2-norm of the per-parameter 2-norms
                double n = g.norm().getFloat();
                sq += n * n;
            } else {
                try (NDArray sum = g.square().sum()) {
                    sq += sum.getFloat();
                }
            }
        }
        return new Gradients(grads, Math.sqrt(sq));
    }

    /** {@link #gradients} and {@link #step(Gradients, double, double)} in a scope of their own; returns the norm. */
    public double step(double lr, double clipNorm) {
        try (NDManager scope = manager.newSubManager()) {
            Gradients g = gradients(scope);
            step(g, lr, clipNorm);
            return g.norm();
        }
    }

    /**
     * One update of every parameter: clips the gradients (in place) to global norm {@code clipNorm} (0: no clipping),
     * updates, then zeroes the parameters' gradients.
     */
    public void step(Gradients grads, double lr, double clipNorm) {
        if (clipNorm > 0) {
            double norm = grads.norm();
            double coef = s.form() == Form.TORCH ? clipNorm / (norm + 1e-6) : norm > clipNorm ? clipNorm / norm : 1.0;
            if (coef < 1) {
                float c = (float) coef;
                grads.byName().values().forEach(g -> g.muli(c));
            }
        }
        t++;
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray g = grads.byName().get(name);
            if (g == null) {
                throw new IllegalArgumentException("AdamW: no gradient for parameter " + name);
            }
            boolean decay = s.weightDecay() != 0 && decayed.contains(name);
            try (NDManager tmp = manager.newSubManager()) {
                if (s.form() == Form.TORCH) {
                    torchUpdate(e.getValue(), g, m.get(name), v.get(name), decay, lr, tmp);
                } else {
                    worldUpdate(e.getValue(), g, m.get(name), v.get(name), decay, lr, tmp);
                }
            }
        }
        for (NDArray p : params.values()) {
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }

    private void torchUpdate(NDArray p, NDArray g, NDArray mi, NDArray vi, boolean decay, double lr, NDManager tmp) {
        double bc1 = 1 - Math.pow(s.beta1(), t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(s.beta2(), t));
        double stepSize = lr / bc1;
        if (decay) {
            p.muli(1 - lr * s.weightDecay());
        }
        mi.muli(s.beta1()).addi(attach(g.mul(1 - s.beta1()), tmp));
        vi.muli(s.beta2()).addi(attach(g.square().muli(1 - s.beta2()), tmp));
        NDArray denom = attach(vi.sqrt(), tmp).divi(bc2Sqrt).addi(s.eps());
        p.subi(attach(mi.mul(stepSize), tmp).divi(denom));
    }

    private void worldUpdate(NDArray p, NDArray g, NDArray mi, NDArray vi, boolean decay, double lr, NDManager tmp) {
        double bc1 = 1 - Math.pow(s.beta1(), t);
        double bc2 = 1 - Math.pow(s.beta2(), t);
        mi.muli((float) s.beta1()).addi(attach(g.mul((float) (1 - s.beta1())), tmp));
        vi.muli((float) s.beta2()).addi(attach(g.square().muli((float) (1 - s.beta2())), tmp));
        if (decay) {
            p.muli((float) (1 - lr * s.weightDecay()));
        }
        NDArray denom = attach(vi.div((float) bc2), tmp).sqrt().addi((float) s.eps());
        NDArray upd = attach(mi.div((float) bc1), tmp);
        upd.divi(denom).muli((float) lr);
        p.subi(upd);
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
            NDArray src = NdArrays.owned(tmp, data, target.getShape()).toDevice(target.getDevice(), false);
            target.set(new NDIndex("..."), src);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
