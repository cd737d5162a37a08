package org.vistabench.world.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.vistabench.tensor.DType;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.SafeTensorsWriter;

/**
 * A trainable Gemma-2 written to the maths of transformers' {@code modeling_gemma2.py}, so that the HF-format loader
 * ({@code model.lm}) reproduces its forward from the saved files: embeddings × sqrt(hidden); RMSNorm with (1 + w) in
 * float32; per block input norm → attention → post-attention norm → residual, pre-feed-forward norm → gated
 * gelu_pytorch_tanh MLP → post-feed-forward norm → residual; GQA with rotate-half RoPE; scores scaled by
 * query_pre_attn_scalar^-0.5 and soft-capped (tanh) before the causal mask; final norm, tied head, final soft-cap.
 *
 * <p>Weights are in HF orientation ({@code [out, in]}) under HF names. Every op is ordered so that its first operand
 * lives in the caller's per-step manager: DJL attaches results to the first operand's manager, and anything attached
 * to the model manager would leak until the model is closed.
 */
public final class MiniGemma implements AutoCloseable {
    private static final float NEG = -1e9f;

    private final MiniGemmaConfig cfg;
    private final NDManager manager;
    private final TreeMap<String, NDArray> params = new TreeMap<>();
    private final NDArray half;
    private final NDArray one;
    private final NDArray geluC;
    private final NDArray geluK;
    private final NDArray eps;
    private final NDArray embedScale;
    private final NDArray attnScale;
    private final NDArray attnCap;
    private final NDArray finalCap;
    private final NDArray rotate;
    private final NDArray cos;
    private final NDArray sin;

    private MiniGemma(MiniGemmaConfig cfg, NDManager parent) {
        this.cfg = cfg;
        this.manager = parent.newSubManager();
        half = NdArrays.scalar(manager, 0.5f);
        one = NdArrays.scalar(manager, 1f);
        geluC = NdArrays.scalar(manager, (float) Math.sqrt(2.0 / Math.PI));
        geluK = NdArrays.scalar(manager, 0.044715f);
        eps = NdArrays.scalar(manager, (float) cfg.rmsNormEps());
        embedScale = NdArrays.scalar(manager, (float) Math.sqrt(cfg.hiddenSize()));
        attnScale = NdArrays.scalar(manager, (float) Math.pow(cfg.queryPreAttnScalar(), -0.5));
        attnCap = NdArrays.scalar(manager, (float) cfg.attnSoftcap());
        finalCap = NdArrays.scalar(manager, (float) cfg.finalSoftcap());
        int hd = cfg.headDim();
        // rotate_half(x) = cat(-x2, x1) as a fixed [hd, hd] matrix: x @ R
        float[] r = new float[hd * hd];
        for (int i = 0; i < hd / 2; i++) {
            r[(i + hd / 2) * hd + i] = -1f;   // out[i] = -x[i + hd/2]
            r[i * hd + (i + hd / 2)] = 1f;    // out[i + hd/2] = x[i]
        }
        rotate = NdArrays.owned(manager, r, new Shape(hd, hd));
        int maxT = cfg.maxPositions();
        float[] c = new float[maxT * hd];
        float[] s = new float[maxT * hd];
        for (int t = 0; t < maxT; t++) {
            for (int i = 0; i < hd / 2; i++) {
                // HF: inv_freq = 1 / theta^(2i/d) computed in float32, freqs = t * inv_freq, emb = cat(freqs, freqs)
                float invFreq = (float) (1.0 / Math.pow(cfg.ropeTheta(), (2.0 * i) / hd));
                float f = t * invFreq;
                c[t * hd + i] = (float) Math.cos(f);
                c[t * hd + i + hd / 2] = (float) Math.cos(f);
                s[t * hd + i] = (float) Math.sin(f);
                s[t * hd + i + hd / 2] = (float) Math.sin(f);
            }
        }
        cos = NdArrays.owned(manager, c, new Shape(maxT, hd));
        sin = NdArrays.owned(manager, s, new Shape(maxT, hd));
    }

    /** Random init as HF's {@code _init_weights}: normal(0, std) for linear and embedding weights, zeros for norms. */
    public static MiniGemma init(MiniGemmaConfig cfg, NDManager parent, long seed, double std) {
        MiniGemma m = new MiniGemma(cfg, parent);
        Random rnd = new Random(seed);
        int d = cfg.hiddenSize();
        int q = cfg.numHeads() * cfg.headDim();
        int kv = cfg.numKvHeads() * cfg.headDim();
        int ff = cfg.intermediateSize();
        m.put("model.embed_tokens.weight", normal(rnd, cfg.vocabSize(), d, std));
        for (int l = 0; l < cfg.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            m.put(p + "self_attn.q_proj.weight", normal(rnd, q, d, std));
            m.put(p + "self_attn.k_proj.weight", normal(rnd, kv, d, std));
            m.put(p + "self_attn.v_proj.weight", normal(rnd, kv, d, std));
            m.put(p + "self_attn.o_proj.weight", normal(rnd, d, q, std));
            m.put(p + "mlp.gate_proj.weight", normal(rnd, ff, d, std));
            m.put(p + "mlp.up_proj.weight", normal(rnd, ff, d, std));
            m.put(p + "mlp.down_proj.weight", normal(rnd, d, ff, std));
            for (String n : List.of("input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm",
                    "post_feedforward_layernorm")) {
                m.put(p + n + ".weight", new Tensor(new float[d], new long[] {d}));
            }
        }
        m.put("model.norm.weight", new Tensor(new float[d], new long[] {d}));
        return m;
    }

    /** Loads weights saved by {@link #save} (used to verify a cached LM and by the oracle test). */
    public static MiniGemma load(MiniGemmaConfig cfg, Path safetensors, NDManager parent) {
        MiniGemma m = new MiniGemma(cfg, parent);
        try (SafeTensors st = SafeTensors.open(safetensors)) {
            for (String name : st.names()) {
                m.put(name, new Tensor(st.floats(name), st.info(name).shape()));
            }
        }
        return m;
    }

    private record Tensor(float[] data, long[] shape) {
    }

    private static Tensor normal(Random rnd, int rows, int cols, double std) {
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * std);
        }
        return new Tensor(w, new long[] {rows, cols});
    }

    private void put(String name, Tensor t) {
        NDArray a = NdArrays.owned(manager, t.data(), new Shape(t.shape()));
        params.put(name, a);
    }

    public MiniGemmaConfig config() {
        return cfg;
    }

    /** Parameters by HF name (sorted). */
    public Map<String, NDArray> parameters() {
        return params;
    }

    public void setTrainable(boolean trainable) {
        for (NDArray p : params.values()) {
            p.setRequiresGradient(trainable);
        }
    }

    /** Writes {@code model.safetensors} in HF layout (tied head: no lm_head.weight, as save_pretrained does). */
    public void save(Path file) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        w.metadata(Map.of("format", "pt"));
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            w.putF32(e.getKey(), e.getValue().getShape().getShape(), NdArrays.toFloats(e.getValue()));
        }
        w.write(file);
    }

    /** The scaled token embeddings [B, T, D] (Gemma: × sqrt(hidden)), attached to {@code scope}. */
    public NDArray embed(NDManager scope, long[] ids, int batch, int len) {
        NDArray idx = NdArrays.ownedLongs(scope, ids, new Shape(batch, len));
        NDArray oneHot = idx.oneHot(cfg.vocabSize());
        return oneHot.matMul(params.get("model.embed_tokens.weight")).mul(embedScale);
    }

    /** Raw embedding rows (unscaled) for the given ids, [n, D] as Java floats. */
    public float[] embeddingRows(long[] ids) {
        float[] e = NdArrays.toFloats(params.get("model.embed_tokens.weight"));
        int d = cfg.hiddenSize();
        float[] out = new float[ids.length * d];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(e, (int) ids[i] * d, out, i * d, d);
        }
        return out;
    }

    /**
     * Runs the blocks on {@code inputsEmbeds} [B, T, D] (already scaled) and returns soft-capped logits [B, T, V].
     *
     * @param residuals when not null, receives each block's output ("resid_post") by block index
     */
    public NDArray forward(NDManager scope, NDArray inputsEmbeds, Map<Integer, NDArray> residuals) {
        NDArray h = hidden(scope, inputsEmbeds, residuals, cfg.numLayers());
        NDArray normed = rms(scope, h, "model.norm.weight");
        NDArray logits = normed.matMul(scoped(scope, params.get("model.embed_tokens.weight").transpose()));
        return softcap(logits, finalCap);
    }

    /** Runs only the first {@code upTo} blocks; returns the last block's output (used for SAE activations). */
    public NDArray hidden(NDManager scope, NDArray inputsEmbeds, Map<Integer, NDArray> residuals, int upTo) {
        Shape s = inputsEmbeds.getShape();
        int b = (int) s.get(0);
        int t = (int) s.get(1);
        int nH = cfg.numHeads();
        int nKv = cfg.numKvHeads();
        int g = nH / nKv;
        int hd = cfg.headDim();
        NDArray cosT = scoped(scope, cos.get("0:" + t));
        NDArray sinT = scoped(scope, sin.get("0:" + t));
        NDArray rot = rotate;
        // Gemma-2 layer_types: even layers slide (window), odd layers see everything before them
        NDArray slidingMask = NdArrays.owned(scope, causalMask(t, g, cfg.slidingWindow()), new Shape(g * t, t));
        NDArray fullMask = NdArrays.owned(scope, causalMask(t, g, Integer.MAX_VALUE), new Shape(g * t, t));
        NDArray x = inputsEmbeds;
        for (int l = 0; l < upTo; l++) {
            String p = "model.layers." + l + ".";
            NDArray a = rms(scope, x, p + "input_layernorm.weight");
            NDArray q = a.matMul(w(scope, p + "self_attn.q_proj.weight")).reshape(b, t, nH, hd).transpose(0, 2, 1, 3);
            NDArray k = a.matMul(w(scope, p + "self_attn.k_proj.weight")).reshape(b, t, nKv, hd).transpose(0, 2, 1, 3);
            NDArray v = a.matMul(w(scope, p + "self_attn.v_proj.weight")).reshape(b, t, nKv, hd).transpose(0, 2, 1, 3);
            q = q.mul(cosT).add(q.matMul(rot).mul(sinT));
            k = k.mul(cosT).add(k.matMul(rot).mul(sinT));
            // GQA without repeat_kv: query heads h = kv*g + j share kv head `kv`, so fold the g query heads of a kv
            // group into the time axis: [B, kv, g*T, hd] x [B, kv, hd, T]
            NDArray qg = q.reshape(b, nKv, g * t, hd);
            NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2)).mul(attnScale);
            scores = softcap(scores, attnCap).add(l % 2 == 0 ? slidingMask : fullMask);
            NDArray probs = scores.softmax(-1);
            NDArray o = probs.matMul(v).reshape(b, nH, t, hd).transpose(0, 2, 1, 3).reshape(b, t, nH * hd);
            o = o.matMul(w(scope, p + "self_attn.o_proj.weight"));
            x = x.add(rms(scope, o, p + "post_attention_layernorm.weight"));
            NDArray f = rms(scope, x, p + "pre_feedforward_layernorm.weight");
            NDArray gate = f.matMul(w(scope, p + "mlp.gate_proj.weight"));
            NDArray up = f.matMul(w(scope, p + "mlp.up_proj.weight"));
            NDArray m = geluTanh(gate).mul(up).matMul(w(scope, p + "mlp.down_proj.weight"));
            x = x.add(rms(scope, m, p + "post_feedforward_layernorm.weight"));
            if (residuals != null) {
                residuals.put(l, x);
            }
        }
        return x;
    }

    private static float[] causalMask(int t, int g, int window) {
        float[] m = new float[g * t * t];
        for (int j = 0; j < g; j++) {
            for (int i = 0; i < t; i++) {
                int row = (j * t + i) * t;
                for (int k = 0; k < t; k++) {
                    boolean keep = k <= i && i - k < window;
                    m[row + k] = keep ? 0f : NEG;
                }
            }
        }
        return m;
    }

    private NDArray w(NDManager scope, String name) {
        return scoped(scope, params.get(name).transpose());
    }

    private NDArray rms(NDManager scope, NDArray x, String weight) {
        NDArray var = x.square().mean(new int[] {-1}, true);
        NDArray scale = scoped(scope, params.get(weight).add(one));
        return x.div(var.add(eps).sqrt()).mul(scale);
    }

    private NDArray geluTanh(NDArray x) {
        NDArray inner = x.mul(x).mul(x).mul(geluK).add(x).mul(geluC).tanh();
        return x.mul(half).mul(inner.add(one));
    }

    private static NDArray softcap(NDArray x, NDArray cap) {
        return x.div(cap).tanh().mul(cap);
    }

    private static NDArray scoped(NDManager scope, NDArray a) {
        a.attach(scope);
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
