package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
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
import org.vistabench.tensor.NdArrays;

/** What Gemma-2 and Llama share around their forward passes: bookkeeping of one pass, embedding, greedy decoding. */
abstract class DecoderLm implements CausalLm {
    protected final LmConfig config;
    protected final NDManager weights;
    protected final Rotary rotary;
    protected final Ops.Consts consts;
    protected final NDArray embedTokens;

    DecoderLm(LmConfig config, NDManager weights, NDArray embedTokens) {
        this.config = config;
        this.weights = weights;
        this.embedTokens = embedTokens;
        this.rotary = new Rotary(config, weights);
        this.consts = new Ops.Consts(weights, config.rmsNormEps());
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
        long[] out = new long[maxNewTokens];
        int n = 0;
        try (NDManager gen = weights.newSubManager(); KvCache cache = new KvCache(gen, config.numLayers())) {
            long next = -1;
            while (n < maxNewTokens) {
                try (NDManager step = gen.newSubManager()) {
                    NDArray x;
                    if (n == 0 && promptEmbeds != null) {
                        x = promptEmbeds.duplicate();
                        x.attach(step);
                    } else {
                        long[] ids = n == 0 ? promptIds : new long[] {next};
                        x = embed(NdArrays.ownedLongs(step, ids, new Shape(1, ids.length)));
                    }
                    LmOutput o = forward(x, ForwardOptions.none().withCache(cache).withHook(hook));
                    long t = o.logits().getShape().get(1);
                    next = o.logits().get(new NDIndex(0, t - 1)).argMax().getLong();
                }
                out[n++] = next;
                final long tok = next;
                if (Arrays.stream(eosIds).anyMatch(e -> e == tok)) {
                    break;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public void close() {
        weights.close();
    }
}
