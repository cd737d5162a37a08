package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import org.vistabench.tensor.NdArrays;

/**
 * The small pieces both families share. Every op keeps the activation as the first operand, so results land in the
 * activation's manager (the caller's unit of work), never in the weights' manager; constants are owned 0-d arrays
 * (DJL rule: no Java scalars inside an autograd graph).
 */
final class Ops {
    /** HF masks with torch.finfo(float32).min rather than -inf, so a fully masked row stays finite. */
    static final float MASKED = -Float.MAX_VALUE;

    private Ops() {
    }

    /** x·Wᵀ with W [out,in] as stored by HF (torch.nn.functional.linear). */
    static NDArray linear(NDArray x, NDArray w) {
        return Linear.linear(x, w).singletonOrThrow();
    }

    /**
     * RMSNorm in float32: x / sqrt(mean(x²) + eps) · scale. Gemma-2 passes (1 + w) as {@code scale}, Llama w; in
     * float32 both equal HF (Gemma's (x·(1+w)).to(dtype) and Llama's w·x.to(dtype) only differ in other dtypes).
     */
    static NDArray rmsNorm(NDArray x, NDArray scale, NDArray eps) {
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return x.div(rms).mul(scale);
    }

    /**
     * gelu_pytorch_tanh: 0.5·x·(1 + tanh(β·(x + κ·x³))), β = sqrt(2/π), κ = 0.044715, written as the identical
     * x·sigmoid(2β·x·(1 + κ·x²)) because 0.5·(1 + tanh(z)) = sigmoid(2z): 6 ops instead of 8.
     */
    static NDArray geluTanh(NDArray x, Consts c) {
        NDArray z = x.square().mul(c.geluB).add(c.geluA).mul(x);
        return x.mul(Activation.sigmoid(z));
    }

    /** silu(x) = x·sigmoid(x). */
    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /**
     * Grouped-query attention, all heads at once.
     *
     * @param q       [B,H,T,hd], rotated and already multiplied by the score scale (÷ soft-cap when capped)
     * @param k       [B,Hkv,S,hd] (rotated), v [B,Hkv,S,hd]
     * @param mask    additive [B,1,1,T,S] (0 keep, {@link #MASKED} hide)
     * @param softcap null, or the cap: scores become tanh(scores)·cap before the mask, as HF's eager attention
     * @return [B,T,H·hd]
     */
    static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, int groups, NDArray softcap) {
        Shape qs = q.getShape();
        long b = qs.get(0), h = qs.get(1), t = qs.get(2), hd = qs.get(3);
        long hkv = h / groups;
        long s = k.getShape().get(2);
        // head h uses kv head h / groups (HF repeat_kv): folding the group into the query axis needs no kv copies
        NDArray scores = q.reshape(b, hkv, groups * t, hd).matMul(k.swapAxes(2, 3)).reshape(b, hkv, groups, t, s);
        if (softcap != null) {
            scores = scores.tanh().mul(softcap);
        }
        NDArray p = scores.add(mask).softmax(-1);
        NDArray o = p.reshape(b, hkv, groups * t, s).matMul(v);
        return o.reshape(b, h, t, hd).transpose(0, 2, 1, 3).reshape(b, t, h * hd);
    }

    /**
     * Additive mask [B,1,1,T,S] for queries at positions past..past+T-1 over keys 0..S-1: causal, pad keys hidden,
     * and with {@code window > 0} only keys with q - k < window (HF's sliding_window_overlay).
     */
    static NDArray mask(NDManager m, long[][] keyKeep, int past, int t, int window) {
        int b = keyKeep.length;
        int s = past + t;
        float[] out = new float[b * t * s];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                int qpos = past + i;
                int base = (r * t + i) * s;
                for (int j = 0; j < s; j++) {
                    boolean keep = keyKeep[r][j] != 0 && j <= qpos && (window <= 0 || qpos - j < window);
                    out[base + j] = keep ? 0f : MASKED;
                }
            }
        }
        return NdArrays.owned(m, out, new Shape(b, 1, 1, t, s));
    }

    /** Splits the last axis into pieces of the given widths. */
    static NDList splitLast(NDArray x, long... widths) {
        long[] at = new long[widths.length - 1];
        long acc = 0;
        for (int i = 0; i < at.length; i++) {
            acc += widths[i];
            at[i] = acc;
        }
        return x.split(at, x.getShape().dimension() - 1);
    }

    /** The constants of a forward pass, made once per model in its weights' manager. */
    static final class Consts {
        final NDArray eps;
        /** 2β and 2βκ of {@link #geluTanh}. */
        final NDArray geluA;
        final NDArray geluB;

        Consts(NDManager weights, double eps) {
            double beta = Math.sqrt(2.0 / Math.PI);
            this.eps = NdArrays.scalar(weights, (float) eps);
            this.geluA = NdArrays.scalar(weights, (float) (2 * beta));
            this.geluB = NdArrays.scalar(weights, (float) (2 * beta * 0.044715));
        }
    }
}
