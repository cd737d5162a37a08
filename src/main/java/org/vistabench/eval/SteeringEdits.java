package org.vistabench.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.vistabench.model.sae.Sae;
import org.vistabench.tensor.NdArrays;

/**
 * The residual edits of the steering task, each a function of one block's output {@code x} ({@code [1,T,D]}) whose
 * result {@link org.vistabench.model.vlm.ImageEdit} takes at the chosen patches only.
 */
final class SteeringEdits {
    private SteeringEdits() {
    }

    /**
     * Ours: {@code x + (codes' − codes) · W_dec}, where {@code codes = sae.encode(x)} and {@code codes'} has the
     * {@code zero} latents set to 0 and the {@code set} latents set to {@code values}. This is
     * {@code decode(codes') + (x − decode(codes))}: the SAE's error term is added back, so nothing but the edited
     * latents changes, and an edit of no latent returns {@code x} bit for bit.
     */
    static NDArray saeDelta(Sae sae, NDArray x, int[] zero, int[] set, float[] values) {
        int w = sae.dSae();
        float[] zeroMask = new float[w];
        float[] setMask = new float[w];
        float[] setVal = new float[w];
        for (int l : zero) {
            zeroMask[l] = 1f;
        }
        for (int i = 0; i < set.length; i++) {
            zeroMask[set[i]] = 0f;
            setMask[set[i]] = 1f;
            setVal[set[i]] = values[i];
        }
        NDArray codes = sae.encode(x);
        Shape s = new Shape(w);
        NDArray dz = codes.mul(NdArrays.owned(x.getManager(), zeroMask, s)).neg();
        NDArray ds = NdArrays.owned(x.getManager(), setVal, s).sub(codes).mul(NdArrays.owned(x.getManager(), setMask, s));
        return dz.add(ds).matMul(sae.wDec());
    }

    static NDArray saeEdit(Sae sae, NDArray x, int[] zero, int[] set, float[] values) {
        if (zero.length == 0 && set.length == 0) {
            return x;
        }
        return x.add(saeDelta(sae, x, zero, set, values));
    }

    /** The authors': {@code x + coefficient · (Σ_add unit(W_dec[a]) − Σ_remove unit(W_dec[r]))}, no encode/decode. */
    static float[] additiveDirection(Sae sae, int[] remove, int[] add, double coefficient) {
        float[] rows = sae.wDec().toFloatArray();
        int d = sae.dModel();
        double[] dir = new double[d];
        accumulate(rows, d, remove, -coefficient, dir);
        accumulate(rows, d, add, coefficient, dir);
        float[] out = new float[d];
        for (int i = 0; i < d; i++) {
            out[i] = (float) dir[i];
        }
        return out;
    }

    private static void accumulate(float[] rows, int d, int[] latents, double coef, double[] dir) {
        for (int l : latents) {
            double n = 0;
            for (int i = 0; i < d; i++) {
                n += (double) rows[l * d + i] * rows[l * d + i];
            }
            double scale = n > 0 ? coef / Math.sqrt(n) : 0;
            for (int i = 0; i < d; i++) {
                dir[i] += scale * rows[l * d + i];
            }
        }
    }

    static NDArray add(NDArray x, float[] direction) {
        return x.add(NdArrays.owned(x.getManager(), direction, new Shape(direction.length)));
    }

    /**
     * A control with the real edit's strength: {@code x + ‖Δ‖ · unit(direction)} per position, where {@code Δ} is
     * the real SAE edit's change at that position (so where the real edit does nothing, neither does the control).
     */
    static NDArray matchedNorm(NDArray x, NDArray realDelta, float[] direction) {
        double n = 0;
        for (float v : direction) {
            n += (double) v * v;
        }
        float[] unit = new float[direction.length];
        for (int i = 0; i < unit.length; i++) {
            unit[i] = n > 0 ? (float) (direction[i] / Math.sqrt(n)) : 0f;
        }
        NDArray norm = realDelta.square().sum(new int[] {2}, true).sqrt();
        return x.add(norm.mul(NdArrays.owned(x.getManager(), unit, new Shape(unit.length))));
    }

    /** Patch mean-ablation: every position becomes the mean image-patch residual. */
    static NDArray meanAblation(NDArray x, float[] mean) {
        return x.mul(0f).add(NdArrays.owned(x.getManager(), mean, new Shape(mean.length)));
    }
}
