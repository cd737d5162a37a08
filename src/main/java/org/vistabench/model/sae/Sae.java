package org.vistabench.model.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.Random;
import org.vistabench.tensor.NdArrays;

/**
 * A JumpReLU sparse autoencoder with SAELens semantics ({@code JumpReLUSAE}, {@code apply_b_dec_to_input: False},
 * no input normalization: any norm scaling is folded into the weights at load time).
 *
 * <pre>
 *   pre   = x · W_enc + b_enc                         W_enc [d_model, d_sae]  (math orientation, not nn.Linear)
 *   acts  = relu(pre) ⊙ (pre &gt; threshold)            strict &gt;, threshold [d_sae]
 *   recon = acts · W_dec + b_dec                       W_dec [d_sae, d_model]
 * </pre>
 *
 * The weights are F32 arrays owned by a sub-manager of the one given at construction and never require gradients.
 * Inputs may have any leading shape ({@code [N, d_model]} or {@code [B, T, d_model]}); results live in the input's
 * manager. {@link #encode}, {@link #decode} and {@link #reconMse} are differentiable w.r.t. their input: the gate
 * {@code pre > threshold} is a comparison, so autograd treats it as a constant mask and the gradient flows through
 * {@code relu(pre)} only, exactly as SAELens' JumpReLU forward behaves under torch autograd.
 */
public final class Sae implements AutoCloseable {
    private final NDManager manager;
    private final int dModel;
    private final int dSae;
    private final NDArray wEnc;
    private final NDArray wDec;
    private final NDArray bEnc;
    private final NDArray bDec;
    private final NDArray threshold;

    /**
     * Builds an SAE from row-major float data (math orientation). The arrays are copied into torch-owned memory.
     *
     * @param parent the manager the weights' sub-manager hangs off (a model-level manager)
     */
    public Sae(NDManager parent, int dModel, int dSae, float[] wEnc, float[] wDec, float[] bEnc, float[] bDec,
               float[] threshold) {
        check("W_enc", wEnc, (long) dModel * dSae);
        check("W_dec", wDec, (long) dSae * dModel);
        check("b_enc", bEnc, dSae);
        check("b_dec", bDec, dModel);
        check("threshold", threshold, dSae);
        this.dModel = dModel;
        this.dSae = dSae;
        this.manager = parent.newSubManager();
        this.wEnc = NdArrays.owned(manager, wEnc, new Shape(dModel, dSae));
        this.wDec = NdArrays.owned(manager, wDec, new Shape(dSae, dModel));
        this.bEnc = NdArrays.owned(manager, bEnc, new Shape(dSae));
        this.bDec = NdArrays.owned(manager, bDec, new Shape(dModel));
        this.threshold = NdArrays.owned(manager, threshold, new Shape(dSae));
    }

    private static void check(String name, float[] data, long expected) {
        if (data == null || data.length != expected) {
            throw new IllegalArgumentException(name + ": expected " + expected + " values, got "
                    + (data == null ? "null" : data.length));
        }
    }

    public int dModel() {
        return dModel;
    }

    public int dSae() {
        return dSae;
    }

    /** {@code [d_model, d_sae]}. */
    public NDArray wEnc() {
        return wEnc;
    }

    /** {@code [d_sae, d_model]}; row j is latent j's decoder direction. */
    public NDArray wDec() {
        return wDec;
    }

    public NDArray bEnc() {
        return bEnc;
    }

    public NDArray bDec() {
        return bDec;
    }

    public NDArray threshold() {
        return threshold;
    }

    /** {@code hook_sae_acts_pre}: x · W_enc + b_enc. */
    public NDArray preActivations(NDArray x) {
        requireWidth(x, dModel, "x");
        return x.matMul(wEnc).add(bEnc);
    }

    /** {@code hook_sae_acts_post}: relu(pre) ⊙ (pre &gt; threshold), strict &gt;. */
    public NDArray encode(NDArray x) {
        NDArray pre = preActivations(x);
        // A comparison has no gradient: the mask is a constant for autograd, the gradient flows through relu(pre).
        NDArray mask = pre.gt(threshold).toType(DataType.FLOAT32, false);
        return Activation.relu(pre).mul(mask);
    }

    /** acts · W_dec + b_dec (the original activation scale). */
    public NDArray decode(NDArray acts) {
        requireWidth(acts, dSae, "acts");
        return acts.matMul(wDec).add(bDec);
    }

    /** decode(encode(x)). */
    public NDArray reconstruct(NDArray x) {
        return decode(encode(x));
    }

    /**
     * x − decode(encode(x)), detached from the autograd graph: SAELens recomputes {@code sae_error} under
     * {@code torch.no_grad()} with the SAE's hooks off, so edits made to the latents never leak into it.
     */
    public NDArray errorTerm(NDArray x) {
        NDArray xd = x.stopGradient();
        return xd.sub(reconstruct(xd));
    }

    /**
     * Steering with the error term ({@code use_error_term=True}): decode(editedActs) + errorTerm(x). With unedited
     * acts this returns x (up to rounding); an edit changes the output by exactly (acts' − acts) · W_dec.
     */
    public NDArray steer(NDArray x, NDArray editedActs) {
        return decode(editedActs).add(errorTerm(x));
    }

    /** The number of active latents per input row, as F32 with the input's leading shape. Not differentiable. */
    public NDArray l0(NDArray x) {
        NDArray acts = encode(x.stopGradient());
        return acts.gt(0f).toType(DataType.FLOAT32, false).sum(new int[] {acts.getShape().dimension() - 1});
    }

    /**
     * Mean over d_model of (decode(encode(x)) − x)², per input row (the leading shape of x). Differentiable w.r.t.
     * x: this is the projector's SAE loss term.
     */
    public NDArray reconMse(NDArray x) {
        NDArray r = reconstruct(x).sub(x);
        return r.square().mean(new int[] {x.getShape().dimension() - 1});
    }

    /** The same weights with other thresholds (e.g. from {@link #calibrateThresholds}). */
    public Sae withThresholds(float[] thresholds) {
        return new Sae(manager.getParentManager(), dModel, dSae, wEnc.toFloatArray(), wDec.toFloatArray(),
                bEnc.toFloatArray(), bDec.toFloatArray(), thresholds.clone());
    }

    private static void requireWidth(NDArray a, int width, String what) {
        Shape s = a.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != width) {
            throw new IllegalArgumentException(what + " has shape " + s + ", its last dimension must be " + width);
        }
    }

    /**
     * A random SAE of a given shape for the {@code random-sae} control: decoder row j is a uniformly random unit
     * direction u_j (a normalized Gaussian vector) scaled to {@code decoderRowNorms[j]}; encoder column j is
     * u_j / norm_j, i.e. the decoder transpose scaled so that an active latent's decoded contribution is the
     * orthogonal projection (x · u_j) u_j; b_enc = 0. Deterministic in {@code seed} (java.util.Random).
     *
     * @param decoderRowNorms d_sae values, or one value for all rows (e.g. the real SAE's decoder-row norms)
     * @param bDec d_model values, or null for zeros
     * @param thresholds d_sae values, one value for all, or null for zeros (see {@link #calibrateThresholds})
     */
    public static Sae random(NDManager manager, int dModel, int dSae, long seed, float[] decoderRowNorms,
                             float[] bDec, float[] thresholds) {
        float[] norms = broadcast("decoderRowNorms", decoderRowNorms, dSae, 1f);
        float[] thr = broadcast("thresholds", thresholds, dSae, 0f);
        float[] bd = bDec == null ? new float[dModel] : bDec.clone();
        check("bDec", bd, dModel);
        Random rng = new Random(seed);
        float[] wDec = new float[dSae * dModel];
        float[] wEnc = new float[dModel * dSae];
        double[] u = new double[dModel];
        for (int j = 0; j < dSae; j++) {
            if (!(norms[j] > 0) || !Float.isFinite(norms[j])) {
                throw new IllegalArgumentException("decoderRowNorms[" + j + "] = " + norms[j] + " must be > 0");
            }
            double ss = 0;
            for (int i = 0; i < dModel; i++) {
                u[i] = rng.nextGaussian();
                ss += u[i] * u[i];
            }
            double inv = 1.0 / Math.sqrt(ss);
            for (int i = 0; i < dModel; i++) {
                double ui = u[i] * inv;
                wDec[j * dModel + i] = (float) (ui * norms[j]);
                wEnc[i * dSae + j] = (float) (ui / norms[j]);
            }
        }
        return new Sae(manager, dModel, dSae, wEnc, wDec, new float[dSae], bd, thr);
    }

    private static float[] broadcast(String name, float[] v, int n, float dflt) {
        if (v == null) {
            float[] out = new float[n];
            Arrays.fill(out, dflt);
            return out;
        }
        if (v.length == 1) {
            float[] out = new float[n];
            Arrays.fill(out, v[0]);
            return out;
        }
        check(name, v, n);
        return v.clone();
    }

    /** The L2 norm of each decoder row (d_sae values), e.g. to give a random SAE the real one's scale. */
    public float[] decoderRowNorms() {
        try (NDArray n = wDec.square().sum(new int[] {1}).sqrt()) {
            return n.toFloatArray();
        }
    }

    /**
     * Per-latent thresholds that make this SAE's mean L0 on {@code activations} equal {@code targetL0}.
     *
     * <p>Method: the wanted number of firings is C = round(targetL0 × N) over the N rows; it is split evenly
     * over the latents (latent j gets k_j = ⌊C / d_sae⌋, plus one for the first C mod d_sae latents), so every latent
     * fires at the same rate, as a real SAE's latents roughly do after training. Latent j's threshold lies between
     * its k_j-th and (k_j+1)-th largest pre-activation (the midpoint, so that the strict {@code >} gate admits exactly
     * k_j rows when there are no ties), and is never below 0: relu(pre) is 0 there anyway, so a latent whose
     * k_j-th largest pre-activation is ≤ 0 fires less often and the mean L0 falls short of the target. Only the
     * encoder side matters (W_enc, b_enc); the current thresholds are ignored.
     *
     * @param activations {@code [N, d_model]} (or any leading shape), the inputs the SAE will see
     * @return d_sae thresholds, for {@link #withThresholds} or {@link #random}
     */
    public float[] calibrateThresholds(NDArray activations, double targetL0) {
        if (!(targetL0 >= 0) || targetL0 > dSae) {
            throw new IllegalArgumentException("targetL0 " + targetL0 + " must be in [0, " + dSae + "]");
        }
        requireWidth(activations, dModel, "activations");
        long rows = activations.getShape().size() / dModel;
        if (rows < 1 || rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("activations: need 1.." + Integer.MAX_VALUE + " rows, got " + rows);
        }
        int n = (int) rows;
        long total = Math.round(targetL0 * n);
        float[] out = new float[dSae];
        // Latents in column blocks so that one block of pre-activations stays small (~16M floats).
        int block = (int) Math.max(1, Math.min(dSae, 16_000_000L / n));
        try (NDManager tmp = activations.getManager().newSubManager()) {
            NDArray detached = activations.stopGradient();
            detached.attach(tmp);
            NDArray x = detached.reshape(n, dModel);
            x.attach(tmp);
            for (int j0 = 0; j0 < dSae; j0 += block) {
                int j1 = Math.min(dSae, j0 + block);
                // Slices of the weights would otherwise live in the SAE's own manager until it closes.
                NDArray w = wEnc.get(":, " + j0 + ":" + j1);
                w.attach(tmp);
                NDArray b = bEnc.get(j0 + ":" + j1);
                b.attach(tmp);
                NDArray pre = x.matMul(w).add(b);
                pre.attach(tmp);
                float[] p = pre.toFloatArray();
                int width = j1 - j0;
                float[] col = new float[n];
                for (int c = 0; c < width; c++) {
                    int j = j0 + c;
                    for (int r = 0; r < n; r++) {
                        col[r] = p[r * width + c];
                    }
                    Arrays.sort(col);
                    long k = total / dSae + (j < total % dSae ? 1 : 0);
                    out[j] = thresholdAdmitting(col, (int) Math.min(k, n));
                }
            }
        }
        return out;
    }

    /** A threshold t ≥ 0 with exactly k values of the ascending {@code sorted} strictly above it (ties aside). */
    private static float thresholdAdmitting(float[] sorted, int k) {
        int n = sorted.length;
        float t;
        if (k <= 0) {
            t = sorted[n - 1];
        } else if (k >= n) {
            t = Math.nextDown(sorted[0]);
        } else {
            float below = sorted[n - k - 1];
            float above = sorted[n - k];
            t = (float) ((below + (double) above) / 2);
            if (!(t < above)) {
                t = below;
            }
        }
        return Math.max(t, 0f);
    }

    @Override
    public void close() {
        manager.close();
    }
}
