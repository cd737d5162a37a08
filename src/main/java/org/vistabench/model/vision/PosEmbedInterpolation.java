package org.vistabench.model.vision;

/**
 * {@code torch.nn.functional.interpolate(mode="bicubic", align_corners=False, antialias=False)} with an explicit
 * output size, as HF's {@code interpolate_pos_encoding} calls it (DINOv2, CLIP, I-JEPA in transformers 5): Keys'
 * cubic convolution with A = -0.75, source index {@code scale * (dst + 0.5) - 0.5} with {@code scale = in / out},
 * taps clamped at the border. Separable; weights computed in float like torch's CPU kernel.
 */
final class PosEmbedInterpolation {
    private static final float A = -0.75f;

    private PosEmbedInterpolation() {
    }

    /**
     * Resizes a channels-last grid {@code [inH, inW, dim]} to {@code [outH, outW, dim]} (both row-major, flattened).
     */
    static float[] bicubic(float[] in, int inH, int inW, int dim, int outH, int outW) {
        double[][] wy = matrix(inH, outH);
        double[][] wx = matrix(inW, outW);
        // first along x: tmp[iy][ox][d]
        double[] tmp = new double[inH * outW * dim];
        for (int iy = 0; iy < inH; iy++) {
            for (int ox = 0; ox < outW; ox++) {
                int o = (iy * outW + ox) * dim;
                for (int ix = 0; ix < inW; ix++) {
                    double w = wx[ox][ix];
                    if (w == 0) {
                        continue;
                    }
                    int s = (iy * inW + ix) * dim;
                    for (int d = 0; d < dim; d++) {
                        tmp[o + d] += w * in[s + d];
                    }
                }
            }
        }
        float[] out = new float[outH * outW * dim];
        double[] acc = new double[dim];
        for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
                java.util.Arrays.fill(acc, 0);
                for (int iy = 0; iy < inH; iy++) {
                    double w = wy[oy][iy];
                    if (w == 0) {
                        continue;
                    }
                    int s = (iy * outW + ox) * dim;
                    for (int d = 0; d < dim; d++) {
                        acc[d] += w * tmp[s + d];
                    }
                }
                int o = (oy * outW + ox) * dim;
                for (int d = 0; d < dim; d++) {
                    out[o + d] = (float) acc[d];
                }
            }
        }
        return out;
    }

    /** Dense [out][in] weights: the four cubic taps of each output index, clamped indices accumulated. */
    static double[][] matrix(int inSize, int outSize) {
        double[][] m = new double[outSize][inSize];
        float scale = (float) inSize / outSize;
        for (int o = 0; o < outSize; o++) {
            float real = scale * (o + 0.5f) - 0.5f;
            // torch guard_index_and_lambda
            int idx = Math.min((int) Math.floor(real), inSize - 1);
            float t = Math.min(Math.max(real - idx, 0f), 1f);
            float[] c = {
                cubic2(t + 1f), cubic1(t), cubic1(1f - t), cubic2(2f - t)
            };
            for (int k = 0; k < 4; k++) {
                int src = Math.max(Math.min(idx - 1 + k, inSize - 1), 0);
                m[o][src] += c[k];
            }
        }
        return m;
    }

    private static float cubic1(float x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    private static float cubic2(float x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
