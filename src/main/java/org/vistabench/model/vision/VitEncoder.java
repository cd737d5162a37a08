package org.vistabench.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vistabench.tensor.Checkpoint;

/**
 * The part of a ViT the three families share: patch embedding (a stride-p convolution), pre-norm transformer blocks
 * (attention + MLP, optional layer-scale), layer norm. Families say how tokens are embedded and what follows the
 * last block. All compute is batched torch ops; no per-element Java loops in the forward pass.
 */
abstract class VitEncoder implements VisionEncoder {
    /** One pre-norm block: {@code x += ls1 * attn(ln1(x)); x += ls2 * mlp(ln2(x))}. */
    record Block(NDArray ln1W, NDArray ln1B, NDArray qkvW, NDArray qkvB /*nullable*/, NDArray outW, NDArray outB,
                 NDArray ls1 /*nullable*/, NDArray ln2W, NDArray ln2B, NDArray fc1W, NDArray fc1B, NDArray fc2W,
                 NDArray fc2B, NDArray ls2 /*nullable*/) {
    }

    protected final VisionConfig cfg;
    protected final NDManager weights;
    /** Read only while the constructors run; the loader closes it afterwards. */
    protected final Checkpoint ckpt;
    protected final String prefix;
    private final java.nio.file.Path location;
    private final List<Block> blocks = new ArrayList<>();
    private final NDArray patchW;
    private final NDArray patchB; // CLIP's patch conv has no bias
    /** Interpolated position tables per patch grid ("gh x gw"), made once; guarded by itself. */
    private final Map<String, NDArray> posCache = new HashMap<>();

    protected VitEncoder(VisionConfig cfg, Checkpoint ckpt, String prefix, NDManager parent, String patchWeight,
                         String patchBias) {
        this.cfg = cfg;
        this.ckpt = ckpt;
        this.prefix = prefix;
        this.location = ckpt.location();
        this.weights = parent.newSubManager();
        try {
            int d = cfg.hiddenSize();
            int p = cfg.patchSize();
            patchW = req(patchWeight, d, cfg.numChannels(), p, p);
            patchB = patchBias == null ? null : req(patchBias, d);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** Loads every block; called by the family constructor once its own names are known. */
    protected final void loadBlocks(java.util.function.IntFunction<Block> loader) {
        try {
            for (int i = 0; i < cfg.numLayers(); i++) {
                blocks.add(loader.apply(i));
            }
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** A tensor by its name under the checkpoint prefix, shape-checked against the config. */
    protected final NDArray req(String name, long... shape) {
        NDArray a = ckpt.require(weights, prefix + name, shape);
        a.attach(weights);
        return a;
    }

    protected final boolean has(String name) {
        return ckpt.has(prefix + name);
    }

    /** q, k, v weights stacked into one [3D, D] projection so attention needs one matmul. */
    protected final NDArray stack(NDArray... parts) {
        NDArray s = NDArrays.concat(new NDList(parts), 0);
        s.attach(weights);
        for (NDArray a : parts) {
            a.close();
        }
        return s;
    }

    /** Token embeddings before block 0, {@code [B, T, D]}; {@code gh × gw} is the patch grid. */
    protected abstract NDArray embed(NDArray patches, int height, int width);

    /** HF's last_hidden_state from the last block's output. */
    protected abstract NDArray finish(NDArray last);

    /** HF's pooler_output from last_hidden_state, or null. */
    protected abstract NDArray pool(NDArray lastHiddenState);

    @Override
    public VisionConfig config() {
        return cfg;
    }

    @Override
    public List<NDArray> hiddenStates(NDArray pixelValues) {
        return run(pixelValues, cfg.numLayers(), true, false).hiddenStates();
    }

    @Override
    public NDArray hiddenState(NDArray pixelValues, int index) {
        int n = cfg.numLayers();
        int i = index < 0 ? n + 1 + index : index;
        if (i < 0 || i > n) {
            throw new IllegalArgumentException("hidden state index " + index + " out of range for " + n + " layers");
        }
        return run(pixelValues, i, false, false).hiddenStates().get(0);
    }

    @Override
    public VisionOutput forward(NDArray pixelValues) {
        return run(pixelValues, cfg.numLayers(), true, true);
    }

    /**
     * Runs embeddings and the first {@code upTo} blocks inside a scratch manager; keeps all hidden states or only the
     * last one, and the family's last-hidden-state / pooler when asked. Results move to the input's manager.
     */
    private VisionOutput run(NDArray px, int upTo, boolean keepAll, boolean heads) {
        Shape s = px.getShape();
        if (s.dimension() != 4 || s.get(1) != cfg.numChannels()) {
            throw new IllegalArgumentException("pixel values must be [B, " + cfg.numChannels() + ", H, W], got " + s);
        }
        int height = (int) s.get(2);
        int width = (int) s.get(3);
        if (height < cfg.patchSize() || width < cfg.patchSize()) {
            throw new IllegalArgumentException("image " + height + "x" + width + " is smaller than one patch");
        }
        NDManager out = px.getManager();
        try (NDManager scratch = out.newSubManager()) {
            px.tempAttach(scratch);
            NDArray x = px.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32 ? px
                    : px.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            NDArray patches = Conv2d.conv2d(x, patchW, patchB, new Shape(cfg.patchSize(), cfg.patchSize()))
                    .singletonOrThrow();
            long b = s.get(0);
            patches = patches.reshape(b, cfg.hiddenSize(), -1).transpose(0, 2, 1);
            NDArray h = embed(patches, height, width);
            List<NDArray> states = new ArrayList<>();
            if (keepAll) {
                states.add(h);
            }
            for (int i = 0; i < upTo; i++) {
                h = block(blocks.get(i), h);
                if (keepAll) {
                    states.add(h);
                }
            }
            if (!keepAll) {
                states.add(h);
            }
            NDArray last = null;
            NDArray pooled = null;
            if (heads) {
                last = finish(h);
                pooled = pool(last);
                last.attach(out);
                if (pooled != null) {
                    pooled.attach(out);
                }
            }
            for (NDArray a : states) {
                a.attach(out);
            }
            return new VisionOutput(List.copyOf(states), last, pooled);
        }
    }

    private NDArray block(Block w, NDArray x) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = cfg.numHeads();
        int hd = cfg.headDim();
        int d = cfg.hiddenSize();
        NDArray n = layerNorm(x, w.ln1W(), w.ln1B());
        NDArray qkv = Linear.linear(n, w.qkvW(), w.qkvB()).singletonOrThrow()
                .reshape(b, t, 3, heads, hd).transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).mul((float) Math.pow(hd, -0.5)).softmax(-1);
        NDArray o = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
        o = Linear.linear(o, w.outW(), w.outB()).singletonOrThrow();
        if (w.ls1() != null) {
            o = o.mul(w.ls1());
        }
        x = x.add(o);
        NDArray m = layerNorm(x, w.ln2W(), w.ln2B());
        m = Linear.linear(m, w.fc1W(), w.fc1B()).singletonOrThrow();
        m = cfg.swiglu() ? swiglu(m) : activation(m);
        m = Linear.linear(m, w.fc2W(), w.fc2B()).singletonOrThrow();
        if (w.ls2() != null) {
            m = m.mul(w.ls2());
        }
        return x.add(m);
    }

    protected final NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
        return LayerNorm.layerNorm(x, new Shape(cfg.hiddenSize()), gamma, beta, (float) cfg.layerNormEps())
                .singletonOrThrow();
    }

    private static NDArray swiglu(NDArray m) {
        NDList halves = m.split(2, -1);
        return halves.get(0).mul(Activation.sigmoid(halves.get(0))).mul(halves.get(1));
    }

    private NDArray activation(NDArray m) {
        switch (cfg.hiddenAct()) {
            case "gelu":
                return Activation.gelu(m);
            case "quick_gelu":
                return m.mul(Activation.sigmoid(m.mul(1.702f)));
            case "gelu_new":
            case "gelu_pytorch_tanh":
            case "gelu_fast": {
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                NDArray inner = m.add(m.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2.0 / Math.PI));
                return m.mul(inner.tanh().add(1f)).mul(0.5f);
            }
            case "relu":
                return Activation.relu(m);
            case "silu":
            case "swish":
                return m.mul(Activation.sigmoid(m));
            default:
                throw new VisionFormatException(cfg.source() + ": hidden_act '" + cfg.hiddenAct()
                        + "' is not supported (gelu, quick_gelu, gelu_new, gelu_pytorch_tanh, relu, silu)");
        }
    }

    /** Validated at load time so a bad activation fails before any image is encoded. */
    protected final void checkActivation() {
        switch (cfg.hiddenAct()) {
            case "gelu": case "quick_gelu": case "gelu_new": case "gelu_pytorch_tanh": case "gelu_fast":
            case "relu": case "silu": case "swish":
                return;
            default:
                weights.close();
                throw new VisionFormatException(cfg.source() + ": hidden_act '" + cfg.hiddenAct()
                        + "' is not supported (gelu, quick_gelu, gelu_new, gelu_pytorch_tanh, relu, silu)");
        }
    }

    /**
     * The position table for a {@code gh × gw} grid as HF's {@code interpolate_pos_encoding} makes it: the CLS row
     * (if any) unchanged, then the patch rows resized bicubically. {@code table} is [positions, D] without the CLS
     * row. Returns [1, (cls ? 1 : 0) + gh*gw, D], cached per grid in the model's manager.
     */
    protected final NDArray interpolatedPositions(float[] clsRow /*nullable*/, float[] table, int positions,
                                                  int height, int width) {
        int gh = height / cfg.patchSize();
        int gw = width / cfg.patchSize();
        String key = gh + "x" + gw;
        synchronized (posCache) {
            NDArray cached = posCache.get(key);
            if (cached == null) {
                int side = (int) Math.sqrt(positions);
                if (side * side != positions) {
                    throw new VisionFormatException(location + ": " + positions
                            + " position embeddings are not a square grid; cannot interpolate to " + key);
                }
                float[] resized = PosEmbedInterpolation.bicubic(table, side, side, cfg.hiddenSize(), gh, gw);
                int extra = clsRow == null ? 0 : 1;
                float[] full = new float[(extra + gh * gw) * cfg.hiddenSize()];
                if (clsRow != null) {
                    System.arraycopy(clsRow, 0, full, 0, clsRow.length);
                }
                System.arraycopy(resized, 0, full, extra * cfg.hiddenSize(), resized.length);
                cached = org.vistabench.tensor.NdArrays.owned(weights, full,
                        new Shape(1, extra + (long) gh * gw, cfg.hiddenSize()));
                posCache.put(key, cached);
            }
            return cached;
        }
    }

    /** HF's test for using the stored table as is: same number of patches and a square image. */
    protected static boolean storedTableFits(int patches, int positions, int height, int width) {
        return patches == positions && height == width;
    }

    @Override
    public void close() {
        weights.close();
    }
}
