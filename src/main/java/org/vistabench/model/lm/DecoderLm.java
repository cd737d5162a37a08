package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.vistabench.tensor.Checkpoint;
import org.vistabench.tensor.NdArrays;

/**
 * What Gemma-2 and Llama share: the forward loop and the bookkeeping of one pass, embedding lookup, the attention and
 * gated-MLP sublayers, loading of the fused q/k/v and gate/up projections, the LM head, greedy decoding. A family
 * class says what differs: its decoder block (norm placement, Gemma's (1 + w) norms and soft-caps, sliding windows),
 * its embedding scale and its head.
 */
abstract class DecoderLm implements CausalLm {
    protected final LmConfig config;
    protected final NDManager weights;
    protected final Rotary rotary;
    protected final Ops.Consts consts;
    protected final NDArray embedTokens;
    private final NDArray finalNorm;
    private final NDArray lmHead;

    /** {@code finalNorm} is the final RMSNorm's scale, {@code lmHead} the [V,D] head (the embedding when tied). */
    DecoderLm(LmConfig config, NDManager weights, NDArray embedTokens, NDArray finalNorm, NDArray lmHead) {
        this.config = config;
        this.weights = weights;
        this.embedTokens = embedTokens;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.rotary = new Rotary(config, weights);
        this.consts = new Ops.Consts(weights, config.rmsNormEps());
    }

    /** Decoder block {@code layer} on the residual stream {@code x}: the new residual stream. */
    protected abstract NDArray block(int layer, NDArray x, Pass pass);

    @Override
    public LmOutput forward(NDArray inputsEmbeds, ForwardOptions options) {
        Pass pass = new Pass(inputsEmbeds, options);
        NDArray x = inputsEmbeds;
        if (pass.wantsHidden()) {
            pass.hidden.add(x);
        }
        for (int i = 0; i <= pass.lastLayer; i++) {
            x = pass.blockOutput(i, block(i, x, pass));
        }
        if (pass.lastLayer < config.numLayers() - 1) {
            return pass.finish(null); // only residuals were asked for
        }
        return pass.finish(Ops.rmsNorm(x, finalNorm, consts.eps)); // then head() unless logits are off
    }

    /** The LM head: final-norm outputs · W_headᵀ. */
    @Override
    public NDArray head(NDArray finalHidden) {
        return Ops.linear(finalHidden, lmHead);
    }

    /**
     * Grouped-query self-attention of block {@code layer} on its normed input {@code x}: one matMul for q/k/v, q and k
     * rotated together, this chunk's keys and values appended to the KV cache (if any), attention over every cached
     * key under the mask of {@code window} (0 = global), output projection.
     *
     * @param wqkv    the fused [(H + 2·Hkv)·hd, D] projection of {@link #loadQkv} (score scale folded into W_q)
     * @param softcap null, or the attention soft-cap (see {@link Ops#attention})
     */
    protected NDArray attention(int layer, NDArray wqkv, NDArray wo, NDArray x, Pass pass, int window,
                                NDArray softcap) {
        long b = pass.b, t = pass.t, hd = config.headDim();
        int h = config.numHeads(), hkv = config.numKvHeads();
        // q and k are rotated together ([B,T,H+Hkv,hd]); the score scale is already folded into W_q (see loadQkv)
        NDList qkv = Ops.splitLast(Ops.linear(x, wqkv), (h + hkv) * hd, hkv * hd);
        NDArray qk = rotary.apply(qkv.get(0).reshape(b, t, h + hkv, hd), pass.cos, pass.sin);
        NDList qAndK = qk.split(new long[] {h}, 2);
        NDArray q = qAndK.get(0).transpose(0, 2, 1, 3);
        NDArray k = qAndK.get(1).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(1).reshape(b, t, hkv, hd).transpose(0, 2, 1, 3);
        if (pass.o.cache() != null) {
            NDArray[] all = pass.o.cache().append(layer, k, v);
            k = all[0];
            v = all[1];
        }
        NDArray o = Ops.attention(q, k, v, pass.mask(window), config.groups(), softcap);
        return Ops.linear(o, wo);
    }

    /** The gated MLP down(act(gate(x)) · up(x)), gate and up as one matMul with {@link #loadGateUp}'s weight. */
    protected NDArray gatedMlp(NDArray wGateUp, NDArray wDown, NDArray x, UnaryOperator<NDArray> activation) {
        NDList gateUp = Ops.splitLast(Ops.linear(x, wGateUp), config.intermediateSize(), config.intermediateSize());
        return Ops.linear(activation.apply(gateUp.get(0)).mul(gateUp.get(1)), wDown);
    }

    /**
     * The q, k and v projections of the block at {@code prefix} ({@code model.layers.<i>.}) stacked into one weight,
     * W_q multiplied by {@code queryScale}: rotation is linear, so the score scale folds into W_q at load (one op less
     * per layer).
     */
    protected static NDArray loadQkv(LmConfig c, Checkpoint ck, NDManager w, String prefix, float queryScale) {
        long d = c.hiddenSize(), q = (long) c.numHeads() * c.headDim(), kv = (long) c.numKvHeads() * c.headDim();
        return Weights.concatRows(Weights.scaled(ck.require(w, prefix + "self_attn.q_proj.weight", q, d), queryScale),
                ck.require(w, prefix + "self_attn.k_proj.weight", kv, d),
                ck.require(w, prefix + "self_attn.v_proj.weight", kv, d));
    }

    /** The gate and up projections of the block at {@code prefix} stacked into one [2·I, D] weight. */
    protected static NDArray loadGateUp(LmConfig c, Checkpoint ck, NDManager w, String prefix) {
        long d = c.hiddenSize(), inter = c.intermediateSize();
        return Weights.concatRows(ck.require(w, prefix + "mlp.gate_proj.weight", inter, d),
                ck.require(w, prefix + "mlp.up_proj.weight", inter, d));
    }

    /** The LM head weight: the embedding when {@code tie_word_embeddings}, else {@code lm_head.weight}. */
    protected static NDArray loadHead(LmConfig c, Checkpoint ck, NDManager w, NDArray embed) {
        return c.tieWordEmbeddings() ? embed : ck.require(w, "lm_head.weight", c.vocabSize(), c.hiddenSize());
    }

    @Override
    public LmConfig config() {
        return config;
    }

    /** Plain embedding lookup [B,T,D], in the ids' manager. */
    protected NDArray lookup(NDArray inputIds) {
        NDArray ids = inputIds.getDataType() == DataType.INT64 ? inputIds : inputIds.toType(DataType.INT64, false);
        NDArray e = Embedding.embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow();
        e.attach(inputIds.getManager());
        return e;
    }

    /** One forward pass in progress: positions, masks per window size, rotary tables, outputs collected. */
    final class Pass {
        final NDManager m;
        final long b;
        final int t;
        final int past;
        final long[][] keyKeep;
        final NDArray cos;
        final NDArray sin;
        final ForwardOptions o;
        final int lastLayer;
        final List<NDArray> hidden = new ArrayList<>();
        final Map<Integer, NDArray> residuals = new HashMap<>();
        private final Map<Integer, NDArray> masks = new HashMap<>();

        Pass(NDArray x, ForwardOptions o) {
            Shape s = x.getShape();
            if (s.dimension() != 3 || s.get(2) != config.hiddenSize()) {
                throw new IllegalArgumentException("inputs_embeds must be [B,T," + config.hiddenSize() + "], got " + s);
            }
            this.m = x.getManager();
            this.o = o;
            this.b = s.get(0);
            this.t = (int) s.get(1);
            KvCache cache = o.cache();
            this.past = cache == null ? 0 : cache.length();
            this.keyKeep = keyKeep(o.attentionMask(), cache);
            NDArray[] cs = rotary.cosSin(m, past, t);
            this.cos = cs[0];
            this.sin = cs[1];
            int last = config.numLayers() - 1;
            if (!o.logits() && !o.allHiddenStates() && cache == null && !o.captureLayers().isEmpty()) {
                last = Math.min(last, o.captureLayers().stream().mapToInt(Integer::intValue).max().getAsInt());
            }
            this.lastLayer = last;
        }

        private long[][] keyKeep(NDArray mask, KvCache cache) {
            int total = past + t;
            long[][] keep = new long[(int) b][total];
            long[][] old = cache == null ? new long[0][] : cache.keyKeep();
            if (past > 0 && old.length != b) {
                throw new IllegalArgumentException("batch " + b + " differs from the cache's batch " + old.length);
            }
            for (int r = 0; r < b; r++) {
                Arrays.fill(keep[r], 1L);
                if (past > 0) {
                    System.arraycopy(old[r], 0, keep[r], 0, past);
                }
            }
            if (mask != null) {
                Shape ms = mask.getShape();
                long[] v = (mask.getDataType() == DataType.INT64 ? mask : mask.toType(DataType.INT64, false))
                        .toLongArray();
                if (ms.dimension() != 2 || ms.get(0) != b || (ms.get(1) != t && ms.get(1) != total)) {
                    throw new IllegalArgumentException("attention mask must be [" + b + "," + t + "] or [" + b + ","
                            + total + "], got " + ms);
                }
                int w = (int) ms.get(1);
                int off = total - w;
                for (int r = 0; r < b; r++) {
                    for (int j = 0; j < w; j++) {
                        keep[r][off + j] = v[r * w + j];
                    }
                }
            }
            return keep;
        }

        /** The additive mask of a layer with this sliding window (0 = global), made once per pass. */
        NDArray mask(int window) {
            return masks.computeIfAbsent(window, w -> Ops.mask(m, keyKeep, past, t, w));
        }

        boolean wantsHidden() {
            return o.allHiddenStates();
        }

        /** Records block {@code layer}'s output and lets the hook edit it; returns what the next block sees. */
        NDArray blockOutput(int layer, NDArray h) {
            if (o.captureLayers().contains(layer)) {
                residuals.put(layer, h);
            }
            NDArray out = o.hook() == null ? h : o.hook().apply(layer, h);
            if (o.allHiddenStates() && layer < config.numLayers() - 1) {
                hidden.add(out);
            }
            return out;
        }

        /** Ends the pass after the final norm ({@code finalHidden}; null when stopped early). */
        LmOutput finish(NDArray finalHidden) {
            if (o.cache() != null) {
                o.cache().advance(t, keyKeep);
            }
            if (finalHidden != null && o.allHiddenStates()) {
                hidden.add(finalHidden);
            }
            NDArray logits = finalHidden != null && o.logits() ? head(finalHidden) : null;
            return new LmOutput(logits, hidden, residuals, finalHidden);
        }
    }

    @Override
    public long[] generateGreedy(long[] promptIds, NDArray promptEmbeds, int maxNewTokens, long[] eosIds,
                                 ResidualHook hook) {
        if (promptEmbeds == null && (promptIds == null || promptIds.length == 0)) {
            throw new IllegalArgumentException("generateGreedy needs prompt ids or prompt embeddings");
        }
        if (promptEmbeds != null && promptEmbeds.getShape().get(0) != 1) {
            throw new IllegalArgumentException("generateGreedy decodes batch 1, got " + promptEmbeds.getShape());
        }
        if (promptEmbeds != null) {
            return generateGreedyBatch(promptEmbeds, maxNewTokens, eosIds, hook)[0];
        }
        try (NDManager m = weights.newSubManager()) {
            NDArray x = embed(NdArrays.ownedLongs(m, promptIds, new Shape(1, promptIds.length)));
            return generateGreedyBatch(x, maxNewTokens, eosIds, hook)[0];
        }
    }

    @Override
    public long[][] generateGreedyBatch(NDArray promptEmbeds, int maxNewTokens, long[] eosIds, ResidualHook hook) {
        int b = (int) promptEmbeds.getShape().get(0);
        long[][] out = new long[b][maxNewTokens];
        int[] len = new int[b];
        boolean[] done = new boolean[b];
        int live = b;
        try (NDManager gen = weights.newSubManager(); KvCache cache = new KvCache(gen, config.numLayers())) {
            long[] next = null;
            for (int n = 0; n < maxNewTokens && live > 0; n++) {
                try (NDManager step = gen.newSubManager()) {
                    NDArray x;
                    if (n == 0) {
                        x = promptEmbeds.duplicate();
                        x.attach(step);
                    } else {
                        x = embed(NdArrays.ownedLongs(step, next, new Shape(b, 1)));
                    }
                    LmOutput o = forward(x, ForwardOptions.none().withCache(cache).withHook(hook));
                    long t = o.logits().getShape().get(1);
                    next = o.logits().get(new NDIndex(":, {}", t - 1)).argMax(1).toLongArray();
                }
                for (int r = 0; r < b; r++) {
                    if (!done[r]) {
                        final long tok = next[r];
                        out[r][len[r]++] = tok;
                        if (Arrays.stream(eosIds).anyMatch(e -> e == tok)) {
                            done[r] = true;
                            live--;
                        }
                    }
                }
            }
        }
        long[][] res = new long[b][];
        for (int r = 0; r < b; r++) {
            res[r] = Arrays.copyOf(out[r], len[r]);
        }
        return res;
    }

    @Override
    public void close() {
        weights.close();
    }
}
