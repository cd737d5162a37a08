package org.vistabench.world.sae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntConsumer;
import org.vistabench.optim.AdamW;
import org.vistabench.tensor.NdArrays;

/**
 * Trains one TopK sparse autoencoder per layer, all layers at once as batched matrices (one op covers every layer,
 * which matters on a CPU where per-op overhead dominates at this size), then turns each into a JumpReLU SAE in
 * Gemma Scope's layout: {@code pre = x W_enc + b_enc}, {@code acts = pre * (pre > threshold)}, {@code recon =
 * acts W_dec + b_dec}, no input normalization, raw residuals in.
 *
 * <p>Inputs are divided by one scale per layer (their RMS norm) while training, and the scale is folded back into
 * W_enc, W_dec and b_dec afterwards, so the saved SAE takes raw residuals. The per-latent threshold is set so that the
 * latent fires on the same share of training tokens as under TopK (its TopK firing rate is the quantile of its
 * pre-activations); the encoder bias stays. Decoder rows are kept at unit norm.
 */
public final class SaeTrainer {
    /** Training settings (part of the SAE stage's cache key). */
    public record Settings(int width, int k, int steps, int batch, double lr, int warmup) {
    }

    /** A trained JumpReLU SAE in math orientation: W_enc [d, w], W_dec [w, d], b_enc [w], b_dec [d], threshold [w]. */
    public record JumpRelu(int dModel, int width, float[] wEnc, float[] bEnc, float[] wDec, float[] bDec,
                           float[] threshold) {
        /** JumpReLU activations of one input row (strict {@code >} as SAELens). */
        public float[] encode(float[] x, int off) {
            float[] acts = new float[width];
            for (int j = 0; j < width; j++) {
                double s = bEnc[j];
                for (int i = 0; i < dModel; i++) {
                    s += x[off + i] * wEnc[i * width + j];
                }
                acts[j] = s > threshold[j] ? (float) s : 0f;
            }
            return acts;
        }
    }

    private SaeTrainer() {
    }

    /**
     * @param acts per layer, {@code n * d} activations (same n for all layers)
     */
    public static JumpRelu[] train(float[][] acts, int n, int d, Settings s, long seed, NDManager parent,
                                   IntConsumer progress) {
        int layers = acts.length;
        int w = s.width();
        // scale = RMS distance from the mean, so the part of the residual the latents must explain is ~unit norm
        float[] scale = new float[layers];
        for (int l = 0; l < layers; l++) {
            double[] mean = new double[d];
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < d; i++) {
                    mean[i] += acts[l][t * d + i] / (double) n;
                }
            }
            double sq = 0;
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < d; i++) {
                    double v = acts[l][t * d + i] - mean[i];
                    sq += v * v;
                }
            }
            scale[l] = (float) Math.sqrt(sq / n);
        }
        Random r = new Random(seed);
        float[] wDec = new float[layers * w * d];
        for (int i = 0; i < wDec.length; i++) {
            wDec[i] = (float) r.nextGaussian();
        }
        normalizeRows(wDec, layers * w, d);
        float[] wEnc = new float[layers * d * w];
        for (int l = 0; l < layers; l++) {
            for (int j = 0; j < w; j++) {
                for (int i = 0; i < d; i++) {
                    wEnc[(l * d + i) * w + j] = wDec[(l * w + j) * d + i];
                }
            }
        }
        float[] bDec = new float[layers * d];
        for (int l = 0; l < layers; l++) {
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < d; i++) {
                    bDec[l * d + i] += acts[l][t * d + i] / scale[l] / n;
                }
            }
        }
        float[][] outWEnc = new float[layers][];
        float[][] outBEnc = new float[layers][];
        float[][] outWDec = new float[layers][];
        float[][] outBDec = new float[layers][];
        float[][] outThr = new float[layers][];
        try (NDManager m = parent.newSubManager()) {
            Map<String, NDArray> p = new LinkedHashMap<>();
            p.put("W_enc", NdArrays.owned(m, wEnc, new Shape(layers, d, w)));
            p.put("b_enc", NdArrays.owned(m, new float[layers * w], new Shape(layers, 1, w)));
            p.put("W_dec", NdArrays.owned(m, wDec, new Shape(layers, w, d)));
            p.put("b_dec", NdArrays.owned(m, bDec, new Shape(layers, 1, d)));
            for (NDArray a : p.values()) {
                a.setRequiresGradient(true);
            }
            try (AdamW opt = new AdamW(m, p, Set.of(), new AdamW.Settings(AdamW.Form.WORLD, 0.9, 0.999, 1e-8, 0.0))) {
                float[] batch = new float[layers * s.batch() * d];
                for (int step = 1; step <= s.steps(); step++) {
                    for (int b = 0; b < s.batch(); b++) {
                        int t = r.nextInt(n);
                        for (int l = 0; l < layers; l++) {
                            for (int i = 0; i < d; i++) {
                                batch[(l * s.batch() + b) * d + i] = acts[l][t * d + i] / scale[l];
                            }
                        }
                    }
                    try (NDManager sc = m.newSubManager()) {
                        NDArray x = NdArrays.owned(sc, batch, new Shape(layers, s.batch(), d));
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            // encoder sees x - b_dec (folded into b_enc when saved: Gemma Scope has no input shift)
                            NDArray pre = x.sub(p.get("b_dec")).matMul(p.get("W_enc")).add(p.get("b_enc"));
                            NDArray mask = topMask(pre, s.k());
                            NDArray a = pre.mul(mask);
                            NDArray recon = a.matMul(p.get("W_dec")).add(p.get("b_dec"));
                            NDArray loss = recon.sub(x).square().mean();
                            gc.backward(loss);
                        }
                        double lr = step <= s.warmup() ? s.lr() * step / s.warmup()
                                : s.lr() * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * (step - s.warmup())
                                        / Math.max(1, s.steps() - s.warmup()))));
                        opt.step(lr, 0);
                    }
                    renormalize(p.get("W_dec"));
                    progress.accept(step);
                }
            }
            float[] we = NdArrays.toFloats(p.get("W_enc"));
            float[] be = NdArrays.toFloats(p.get("b_enc"));
            float[] wd = NdArrays.toFloats(p.get("W_dec"));
            float[] bd = NdArrays.toFloats(p.get("b_dec"));
            for (int l = 0; l < layers; l++) {
                outWEnc[l] = Arrays.copyOfRange(we, l * d * w, (l + 1) * d * w);
                outBEnc[l] = Arrays.copyOfRange(be, l * w, (l + 1) * w);
                outWDec[l] = Arrays.copyOfRange(wd, l * w * d, (l + 1) * w * d);
                outBDec[l] = Arrays.copyOfRange(bd, l * d, (l + 1) * d);
                // fold the input shift: (x - b_dec) W + b = x W + (b - b_dec W)
                for (int j = 0; j < w; j++) {
                    double shift = 0;
                    for (int i = 0; i < d; i++) {
                        shift += outBDec[l][i] * outWEnc[l][i * w + j];
                    }
                    outBEnc[l][j] -= (float) shift;
                }
                outThr[l] = thresholds(acts[l], n, d, scale[l], outWEnc[l], outBEnc[l], w, s.k(), m);
            }
        }
        JumpRelu[] out = new JumpRelu[layers];
        for (int l = 0; l < layers; l++) {
            // fold the training scale: pre = (x/s) W + b = x (W/s) + b; recon_raw = s * (acts W_dec + b_dec)
            float[] we = outWEnc[l];
            for (int i = 0; i < we.length; i++) {
                we[i] /= scale[l];
            }
            float[] wd = outWDec[l];
            for (int i = 0; i < wd.length; i++) {
                wd[i] *= scale[l];
            }
            float[] bd = outBDec[l];
            for (int i = 0; i < bd.length; i++) {
                bd[i] *= scale[l];
            }
            out[l] = new JumpRelu(d, w, we, outBEnc[l], wd, bd, outThr[l]);
        }
        return out;
    }

    /** 1 where {@code pre} is among the row's k largest and positive, else 0 (no gradient through the mask). */
    private static NDArray topMask(NDArray pre, int k) {
        NDArray detached = pre.stopGradient();
        NDList top = detached.topK(k, -1, true, true);
        NDArray kth = top.get(0).get("..., " + (k - 1) + ":" + k);
        NDArray keep = detached.gte(kth).logicalAnd(detached.gt(0f));
        return keep.toType(DataType.FLOAT32, false);
    }

    private static void renormalize(NDArray wDec) {
        try (NDManager sc = wDec.getManager().newSubManager()) {
            NDArray sq = wDec.square();
            sq.attach(sc);
            wDec.divi(sq.sum(new int[] {-1}, true).sqrt().add(1e-8f));
        }
    }

    private static void normalizeRows(float[] a, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += a[r * cols + c] * a[r * cols + c];
            }
            float inv = (float) (1 / Math.sqrt(s));
            for (int c = 0; c < cols; c++) {
                a[r * cols + c] *= inv;
            }
        }
    }

    /** Per-latent JumpReLU threshold: the pre-activation quantile that reproduces the latent's TopK firing rate. */
    private static float[] thresholds(float[] acts, int n, int d, float scale, float[] wEnc, float[] bEnc, int w, int k,
                                      NDManager m) {
        float[][] pre = new float[w][n];
        int[] fired = new int[w];
        try (NDManager sc = m.newSubManager()) {
            float[] xs = new float[n * d];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = acts[i] / scale;
            }
            NDArray x = NdArrays.owned(sc, xs, new Shape(n, d));
            NDArray p = x.matMul(NdArrays.owned(sc, wEnc, new Shape(d, w))).add(NdArrays.owned(sc, bEnc, new Shape(w)));
            float[] pv = p.toFloatArray();
            float[] mv = topMask(p, k).toFloatArray();
            for (int t = 0; t < n; t++) {
                for (int j = 0; j < w; j++) {
                    pre[j][t] = pv[t * w + j];
                    if (mv[t * w + j] > 0) {
                        fired[j]++;
                    }
                }
            }
        }
        float[] thr = new float[w];
        for (int j = 0; j < w; j++) {
            float[] col = pre[j];
            Arrays.sort(col);
            if (fired[j] == 0) {
                thr[j] = Math.max(0f, col[n - 1]) + 1f; // never fires on the training set: keep it silent
                continue;
            }
            // fires on the top `fired` values: threshold just below the smallest of them (strict >)
            int idx = n - fired[j];
            float lo = idx > 0 ? col[idx - 1] : col[0] - 1f;
            thr[j] = Math.max(0f, lo);
        }
        return thr;
    }
}
