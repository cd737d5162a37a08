package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.vistabench.tensor.NdArrays;

/**
 * Rotary position embedding as HF's {@code RotaryEmbedding} + {@code apply_rotary_pos_emb}: inverse frequencies in
 * float32 ({@code default} or {@code llama3} scaling), cos/sin of {@code position × inv_freq} repeated over both halves,
 * {@code x·cos + rotate_half(x)·sin}.
 */
final class Rotary {
    private final int headDim;
    private final float[] invFreq;
    /** rotate_half as a [hd,hd] signed permutation, so the rotation is one matMul instead of split/neg/concat. */
    private final NDArray rotateHalf;

    Rotary(LmConfig c, NDManager weights) {
        this.headDim = c.headDim();
        this.invFreq = inverseFrequencies(c);
        int h = headDim / 2;
        float[] r = new float[headDim * headDim];
        for (int j = 0; j < h; j++) {
            r[(j + h) * headDim + j] = -1f; // out[j] = -x[j+h]
            r[j * headDim + j + h] = 1f;    // out[j+h] = x[j]
        }
        this.rotateHalf = NdArrays.owned(weights, r, new Shape(headDim, headDim));
    }

    /** HF's {@code _compute_default_rope_parameters} / {@code _compute_llama3_parameters}, in float32. */
    static float[] inverseFrequencies(LmConfig c) {
        int dim = c.headDim();
        LmConfig.Rope rope = c.rope();
        float base = (float) rope.theta();
        float[] inv = new float[dim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / dim;
            inv[i] = 1.0f / (float) Math.pow(base, exponent);
        }
        if (rope.type().equals("llama3")) {
            double factor = rope.factor();
            double old = rope.originalMaxPositionEmbeddings();
            double lowWavelen = old / rope.lowFreqFactor();
            double highWavelen = old / rope.highFreqFactor();
            for (int i = 0; i < inv.length; i++) {
                float wavelen = (float) (2 * Math.PI / inv[i]);
                float scaled = wavelen > lowWavelen ? (float) (inv[i] / factor) : inv[i];
                boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
                if (medium) {
                    float smooth = (float) ((old / wavelen - rope.lowFreqFactor())
                            / (rope.highFreqFactor() - rope.lowFreqFactor()));
                    scaled = (float) ((1 - smooth) * scaled / factor + smooth * scaled);
                }
                inv[i] = scaled;
            }
        }
        if (c.isBf16()) {
            // HF keeps inv_freq as a buffer in the model dtype: a bf16 model (and the bf16 parity fixtures, made by
            // model.to(bfloat16) then .float()) rotates with bf16-rounded frequencies
            for (int i = 0; i < inv.length; i++) {
                inv[i] = Bf16.round(inv[i]);
            }
        }
        return inv;
    }

    /** {cos, sin}, each [len, 1, hd] (broadcasting over heads of a [B,T,heads,hd] array), for positions start .. start+len-1, in {@code m}. */
    NDArray[] cosSin(NDManager m, int start, int len) {
        int h = headDim / 2;
        float[] cos = new float[len * headDim];
        float[] sin = new float[len * headDim];
        for (int t = 0; t < len; t++) {
            float pos = start + t;
            for (int i = 0; i < h; i++) {
                float f = invFreq[i] * pos;
                float c = (float) Math.cos(f);
                float s = (float) Math.sin(f);
                cos[t * headDim + i] = c;
                cos[t * headDim + i + h] = c;
                sin[t * headDim + i] = s;
                sin[t * headDim + i + h] = s;
            }
        }
        Shape shape = new Shape(len, 1, headDim);
        return new NDArray[] {NdArrays.owned(m, cos, shape), NdArrays.owned(m, sin, shape)};
    }

    /** x [B,T,heads,hd] rotated by position. */
    NDArray apply(NDArray x, NDArray cos, NDArray sin) {
        return x.mul(cos).add(x.matMul(rotateHalf).mul(sin));
    }
}
