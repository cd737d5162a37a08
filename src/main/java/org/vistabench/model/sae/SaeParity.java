package org.vistabench.model.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.TensorDiff;
import org.vistabench.tensor.TensorFormatException;

/**
 * Checks our SAE maths against reference outputs (an {@code expected.safetensors} made with SAELens semantics).
 *
 * <p>The expected file must hold {@code x [N, d_model]}; every other tensor it holds among {@code hidden_pre, acts,
 * recon, sae_error, l0, mse, norm_scaling_factor, x_normalized, sae_lens.{W_enc,W_dec,b_enc,b_dec,threshold},
 * steer.out, steer.out_no_error} (the last two need {@code steer.index} and {@code steer.value}: latent j clamped to
 * the value in every row) is compared. Floats: norm-wise relative error ≤ 1e-5; {@code l0}: exact.
 */
public final class SaeParity {
    /** Relative bound for float tensors: f32 arithmetic against a float64 reference stored as f32. */
    public static final double REL_BOUND = 1e-5;

    private static final Pattern LLAMA_DIR = Pattern.compile(".*-L(\\d+)(R|A|M|TC)-(\\d+)x");

    private SaeParity() {
    }

    /**
     * @param saeFolderOrFile a Gemma Scope params.npz (or its folder), a Llama Scope SAE folder, or a folder holding
     *     exactly one Llama Scope SAE folder (the fixture layout); the format is detected from the content
     * @param expected the reference safetensors
     */
    public static List<TensorDiff> run(Path saeFolderOrFile, Path expected) {
        String format = SaeLoader.detectFormat(saeFolderOrFile);
        Path saePath = SaeLoader.LLAMA_SCOPE.equals(format) ? llamaFolder(saeFolderOrFile) : saeFolderOrFile;
        List<TensorDiff> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
             SafeTensors ref = SafeTensors.open(expected)) {
            Sae sae = SaeLoader.GEMMA_SCOPE.equals(format) ? SaeLoader.gemmaScope(saePath, m)
                    : SaeLoader.llamaScope(saePath, m);
            if (!ref.has("x")) {
                throw new TensorFormatException(expected + ": tensor 'x' is missing (the SAE inputs)");
            }
            NDArray x = ref.toNd(m, "x");
            if (x.getShape().dimension() != 2 || x.getShape().get(1) != sae.dModel()) {
                throw new TensorFormatException(expected + ": tensor 'x' has shape " + x.getShape() + ", expected [N, "
                        + sae.dModel() + "] (d_model of " + saePath + ")");
            }
            NDArray acts = sae.encode(x);
            NDArray recon = sae.decode(acts);
            compare(out, ref, "hidden_pre", REL_BOUND, () -> sae.preActivations(x));
            compare(out, ref, "acts", REL_BOUND, () -> acts);
            compare(out, ref, "recon", REL_BOUND, () -> recon);
            compare(out, ref, "sae_error", REL_BOUND, () -> sae.errorTerm(x));
            compare(out, ref, "l0", 0, () -> sae.l0(x));
            compare(out, ref, "mse", REL_BOUND, () -> sae.reconMse(x));
            if (SaeLoader.LLAMA_SCOPE.equals(format)) {
                double s = SaeLoader.llamaScopeNormScalingFactor(saePath);
                compare(out, ref, "norm_scaling_factor", REL_BOUND,
                        () -> NdArrays.owned(m, new float[] {(float) s}, new Shape(1)));
                compare(out, ref, "x_normalized", REL_BOUND, () -> x.mul((float) s));
            }
            compare(out, ref, "sae_lens.W_enc", REL_BOUND, sae::wEnc);
            compare(out, ref, "sae_lens.W_dec", REL_BOUND, sae::wDec);
            compare(out, ref, "sae_lens.b_enc", REL_BOUND, sae::bEnc);
            compare(out, ref, "sae_lens.b_dec", REL_BOUND, sae::bDec);
            compare(out, ref, "sae_lens.threshold", REL_BOUND, sae::threshold);
            if (ref.has("steer.index") && ref.has("steer.value")) {
                int j = Math.toIntExact(ref.longs("steer.index")[0]);
                float v = ref.floats("steer.value")[0];
                if (j < 0 || j >= sae.dSae()) {
                    throw new TensorFormatException(expected + ": steer.index " + j + " is outside [0, " + sae.dSae()
                            + ")");
                }
                NDArray edited = clamp(m, acts, j, v);
                compare(out, ref, "steer.out", REL_BOUND, () -> sae.steer(x, edited));
                compare(out, ref, "steer.out_no_error", REL_BOUND, () -> sae.decode(edited));
            }
            if (out.isEmpty()) {
                throw new TensorFormatException(expected + ": no reference tensor to compare (expected some of acts,"
                        + " recon, l0, mse, ...; found " + ref.names() + ")");
            }
            sae.close();
        }
        return out;
    }

    /** acts with column j set to v in every row. */
    private static NDArray clamp(NDManager m, NDArray acts, int j, float v) {
        float[] a = acts.toFloatArray();
        int n = (int) acts.getShape().get(1);
        for (int r = 0; r < a.length / n; r++) {
            a[r * n + j] = v;
        }
        return NdArrays.owned(m, a, acts.getShape());
    }

    private interface Compute {
        NDArray get();
    }

    private static void compare(List<TensorDiff> out, SafeTensors ref, String name, double bound, Compute ours) {
        if (!ref.has(name)) {
            return;
        }
        NDArray got = ours.get();
        // shapes from the header first: a tensor of another shape is not read
        if (!Arrays.equals(got.getShape().getShape(), ref.info(name).shape())) {
            throw new TensorFormatException(ref.file() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(ref.info(name).shape()) + ", ours is " + got.getShape());
        }
        out.add(measure(name, NdArrays.toFloats(got), ref.floats(name), bound));
    }

    /**
     * Norm-wise comparison: maxRel = maxAbs / max|expected| (floor {@link Float#MIN_NORMAL}) ≤ {@code bound}, so
     * {@code bound == 0} means exact; a non-finite difference reports the IEEE max of |Δ|.
     */
    public static TensorDiff measure(String name, float[] ours, float[] expected, double bound) {
        return TensorDiff.compare(name, ours, expected, bound, TensorDiff.Bound.MAX_REL, Float.MIN_NORMAL,
                TensorDiff.NonFinite.PROPAGATE);
    }

    private static Path llamaFolder(Path p) {
        if (Files.isRegularFile(p.resolve("hyperparams.json"))) {
            return p;
        }
        List<Path> subs;
        try (Stream<Path> s = Files.list(p)) {
            subs = s.filter(d -> Files.isDirectory(d) && LLAMA_DIR.matcher(d.getFileName().toString()).matches()
                    && Files.isRegularFile(d.resolve("hyperparams.json"))).sorted().toList();
        } catch (java.io.IOException e) {
            throw new TensorFormatException(p + ": cannot list: " + e.getMessage());
        }
        if (subs.size() != 1) {
            throw new TensorFormatException(p + ": expected one Llama Scope SAE folder, found "
                    + subs.stream().map(d -> d.getFileName().toString()).toList() + "; name the SAE folder itself");
        }
        return subs.get(0);
    }
}
