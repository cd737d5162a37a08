package org.vistabench.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.TensorDiff;

/**
 * Runs a vision model folder on the inputs of an HF reference file ({@code <size>.pixel_values}) and compares every
 * {@code <size>.hidden_states.i}, {@code <size>.last_hidden_state} and {@code <size>.pooler_output} it holds.
 */
public final class VisionParity {
    /** Bound on max|Δ| relative to max(1, max|ref|). */
    public static final double REL_BOUND = 1e-4;

    private VisionParity() {
    }

    public static List<TensorDiff> run(Path modelDir, Path expected) {
        List<TensorDiff> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
             VisionEncoder enc = VisionLoader.load(modelDir, m);
             SafeTensors ref = SafeTensors.open(expected)) {
            TreeSet<Integer> sizes = new TreeSet<>();
            for (String n : ref.names()) {
                if (n.endsWith(".pixel_values")) {
                    sizes.add(Integer.parseInt(n.substring(0, n.indexOf('.'))));
                }
            }
            if (sizes.isEmpty()) {
                throw new VisionFormatException(expected + ": no '<size>.pixel_values' tensor to run the model on");
            }
            for (int size : sizes) {
                try (NDManager step = m.newSubManager()) {
                    String key = size + ".pixel_values";
                    NDArray px = NdArrays.owned(step, ref.floats(key), new Shape(ref.info(key).shape()));
                    VisionOutput o = enc.forward(px);
                    for (int i = 0; i < o.hiddenStates().size(); i++) {
                        compare(out, ref, size + ".hidden_states." + i, o.hiddenStates().get(i));
                    }
                    compare(out, ref, size + ".last_hidden_state", o.lastHiddenState());
                    compare(out, ref, size + ".pooler_output", o.poolerOutput());
                    String extra = size + ".hidden_states." + o.hiddenStates().size();
                    if (ref.has(extra)) {
                        out.add(TensorDiff.failed(extra + " (reference has more hidden states)"));
                    }
                }
            }
        }
        return out;
    }

    private static void compare(List<TensorDiff> out, SafeTensors ref, String name, NDArray ours) {
        if (!ref.has(name)) {
            if (ours != null && !name.endsWith("pooler_output") && !name.endsWith("last_hidden_state")) {
                out.add(TensorDiff.failed(name + " (missing from reference)"));
            }
            return;
        }
        if (ours == null) {
            out.add(TensorDiff.failed(name + " (not produced)"));
            return;
        }
        long[] shape = ref.info(name).shape();
        if (!new Shape(shape).equals(ours.getShape())) {
            out.add(TensorDiff.failed(name + " (shape " + ours.getShape() + " vs reference " + new Shape(shape) + ")"));
            return;
        }
        out.add(compare(name, NdArrays.toFloats(ours), ref.floats(name), REL_BOUND, TensorDiff.Bound.MAX_ABS_SCALED));
    }

    /** maxRel = maxAbs / max|ref| (floor 1e-30); a non-finite difference reports maxAbs = +∞. */
    static TensorDiff compare(String name, float[] ours, float[] ref, double tol, TensorDiff.Bound boundOn) {
        return TensorDiff.compare(name, ours, ref, tol, boundOn, 1e-30, TensorDiff.NonFinite.INFINITY);
    }

    /** True when the folder holds a vision model this package can load (for the parity command's dispatch). */
    public static boolean isVisionModel(Path dir) {
        try {
            VisionConfig.read(dir);
            return Files.isRegularFile(dir.resolve("config.json"));
        } catch (VisionFormatException e) {
            return false;
        }
    }
}
