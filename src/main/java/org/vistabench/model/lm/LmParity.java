package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.TensorDiff;

/**
 * Runs a model folder on the inputs stored in an {@code expected.safetensors} (as written by the HF parity fixture
 * script) and compares every output it knows: {@code logits}, {@code hidden_states.*}, the {@code inputs_embeds} run
 * ({@code embeds.*}), {@code greedy.output}, and cached step-by-step decoding against the full-pass logits
 * ({@code kvcache.logits}).
 */
public final class LmParity {
    /** Relative tolerance of float tensors against the HF reference: max|Δ| ≤ 1e-4 · max(1, max|ref|). */
    public static final double REL_TOL = 1e-4;

    private LmParity() {
    }

    public static List<TensorDiff> run(Path modelDir, Path expected) {
        return run(modelDir, LmConfig.read(modelDir), expected);
    }

    public static List<TensorDiff> run(Path modelDir, LmConfig config, Path expected) {
        List<TensorDiff> out = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager();
             SafeTensors ref = SafeTensors.open(expected);
             CausalLm lm = LmLoader.load(modelDir, config, root)) {
            if (ref.has("input_ids")) {
                try (NDManager m = root.newSubManager()) {
                    NDArray ids = ref.toNd(m, "input_ids");
                    LmOutput o = lm.forwardIds(ids, ForwardOptions.none().withAllHiddenStates());
                    compareAll(out, ref, "", o);
                    out.add(kvCache(lm, ids, ref));
                }
            }
            if (ref.has("inputs_embeds")) {
                try (NDManager m = root.newSubManager()) {
                    LmOutput o = lm.forward(ref.toNd(m, "inputs_embeds"), ForwardOptions.none().withAllHiddenStates());
                    compareAll(out, ref, "embeds.", o);
                }
            }
            if (ref.has("greedy.prompt") && ref.has("greedy.output")) {
                long[] prompt = ref.longs("greedy.prompt");
                long[] full = ref.longs("greedy.output");
                long[] want = Arrays.copyOfRange(full, prompt.length, full.length);
                long[] got = lm.generateGreedy(prompt, null, want.length, -1, null);
                out.add(TensorDiff.countMismatches("greedy.output", got, want));
            }
        }
        return out;
    }

    private static void compareAll(List<TensorDiff> out, SafeTensors ref, String prefix, LmOutput o) {
        if (ref.has(prefix + "logits")) {
            out.add(compareShaped(prefix + "logits", o.logits(), ref));
        }
        for (int i = 0; ref.has(prefix + "hidden_states." + i); i++) {
            String name = prefix + "hidden_states." + i;
            out.add(i < o.hiddenStates().size() ? compareShaped(name, o.hiddenStates().get(i), ref)
                    : TensorDiff.failed(name + " (not produced: the model has fewer layers)"));
        }
    }

    /**
     * Shapes first, from the reference's header: a tensor of another shape is reported as such without reading its
     * data (a multi-GB reference of the wrong model is not loaded to print an infinite error).
     */
    private static TensorDiff compareShaped(String name, NDArray ours, SafeTensors ref) {
        long[] want = ref.info(name).shape();
        if (!Arrays.equals(ours.getShape().getShape(), want)) {
            return TensorDiff.failed(name + " (shape mismatch: ours " + ours.getShape() + ", reference "
                    + Arrays.toString(want) + ")");
        }
        return compare(name, NdArrays.toFloats(ours), ref.floats(name));
    }

    /** Float outputs: bound {@link #REL_TOL} scaled by max(1, max|ref|); a non-finite difference reports NaN. */
    static TensorDiff compare(String name, float[] ours, float[] ref) {
        return TensorDiff.compare(name, ours, ref, REL_TOL, TensorDiff.Bound.MAX_ABS_SCALED, 1,
                TensorDiff.NonFinite.NAN);
    }

    /** Feeds the ids one position at a time through a KV cache; the last-position logits must match the full pass. */
    private static TensorDiff kvCache(CausalLm lm, NDArray ids, SafeTensors ref) {
        Shape s = ids.getShape();
        int b = (int) s.get(0), t = (int) s.get(1), v = lm.config().vocabSize();
        if (!ref.has("logits") || !Arrays.equals(ref.info("logits").shape(), new long[] {b, t, v})) {
            return TensorDiff.failed("kvcache.logits (no reference logits of shape [" + b + ", " + t + ", " + v
                    + "])");
        }
        float[] stepwise = new float[b * t * v];
        try (NDManager m = ids.getManager().newSubManager(); KvCache cache = new KvCache(m, lm.config().numLayers())) {
            for (int p = 0; p < t; p++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray tok = ids.get(new NDIndex(":, {}:{}", p, p + 1));
                    tok.attach(step);
                    LmOutput o = lm.forwardIds(tok, ForwardOptions.none().withCache(cache));
                    float[] l = NdArrays.toFloats(o.logits());
                    for (int r = 0; r < b; r++) {
                        System.arraycopy(l, r * v, stepwise, (r * t + p) * v, v);
                    }
                }
            }
        }
        return compare("kvcache.logits", stepwise, ref.floats("logits"));
    }
}
