package org.vistabench.world.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vistabench.tensor.DType;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.SafeTensorsWriter;

/**
 * A ViT whose parameters carry the Hugging Face tensor names of its {@link Family}, so training and saving use one
 * table and the saved file is exactly what {@code VisionLoader} reads. The forward repeats the loader's maths op for
 * op (stacked q/k/v projection, pre-norm blocks, the family's embeddings and final norm); every constant that enters
 * an autograd graph is an owned 0-d array (DJL rule).
 */
final class TrainableVit implements AutoCloseable {
    /** Model sizes; {@code mlp} is the MLP width (DINOv2 stores it as {@code mlp_ratio = mlp / hidden}). */
    record Dims(int hidden, int layers, int heads, int mlp, int imageSize, int patch) {
        Dims {
            if (hidden % heads != 0 || imageSize % patch != 0 || mlp % hidden != 0) {
                throw new IllegalArgumentException("bad ViT sizes " + hidden + "/" + heads + ", " + imageSize + "/"
                        + patch + ", mlp " + mlp);
            }
        }

        int grid() {
            return imageSize / patch;
        }

        int patches() {
            return grid() * grid();
        }
    }

    /** Hidden states in HF layout (index 0 = embeddings output) and the family's last_hidden_state. */
    record Output(List<NDArray> hidden, NDArray last) {
    }

    private record Spec(String name, long[] shape, char init /* w trunc-normal, z zeros, o ones, s layer-scale, p positions */) {
    }

    private final Family family;
    private final Dims dims;
    private final NDManager manager;
    private final TreeMap<String, NDArray> params = new TreeMap<>();
    /** Names whose values {@link #set} replaced ({@link #transplant} freezes those it copied). */
    private final java.util.Set<String> copied = new java.util.TreeSet<>();

    private TrainableVit(Family family, Dims dims, NDManager parent) {
        this.family = family;
        this.dims = dims;
        this.manager = parent.newSubManager();
    }

    /**
     * Fresh weights drawn in Java from {@code seed}: HF-style trunc-normal 0.02 matrices, zero biases, unit norms and
     * layer-scales; position tables start from the 2-D sine-cosine table (as MAE / I-JEPA), the same for all three
     * families, and are trained from there.
     */
    static TrainableVit init(Family family, Dims dims, long seed, NDManager parent, boolean trainable) {
        TrainableVit v = new TrainableVit(family, dims, parent);
        Random r = new Random(seed);
        for (Spec s : v.specs()) {
            int n = 1;
            for (long x : s.shape()) {
                n *= (int) x;
            }
            float[] data = new float[n];
            switch (s.init()) {
                case 'w' -> {
                    for (int i = 0; i < n; i++) {
                        data[i] = truncNormal(r, 0.02);
                    }
                }
                case 'o' -> java.util.Arrays.fill(data, 1f);
                case 's' -> java.util.Arrays.fill(data, 1f); // HF layerscale_value default
                case 'p' -> sinCos2d(data, dims.grid(), dims.hidden(), family.cls ? 1 : 0);
                default -> {
                }
            }
            NDArray a = NdArrays.owned(v.manager, data, new Shape(s.shape()));
            if (trainable) {
                a.setRequiresGradient(true);
            }
            v.params.put(s.name(), a);
        }
        return v;
    }

    /**
     * A {@code family} ViT whose patch embedding, positions, class token and first {@code blocks} transformer blocks
     * are copied from a trained DINOv2-family ViT's {@code dino} values ({@link #values}); everything else is fresh as
     * {@link #init} draws it from {@code seed}. The copy keeps the maths: DINOv2's layer-scales are folded into the
     * output rows of the attention projection and the second MLP matrix, and for CLIP (no patch-embedding bias) the
     * bias is added to the patch rows of the position table. What cannot be kept exactly: CLIP's pre-layernorm
     * (normalises the embeddings DINOv2 leaves raw; see {@link #calibratePreNorm}) and its quick GELU where DINOv2 has
     * the exact one.
     */
    static TrainableVit transplant(Family family, Dims dims, long seed, NDManager parent, Map<String, float[]> dino,
                                   int blocks) {
        return transplant(family, dims, seed, parent, dino, blocks, false);
    }

    /** As above; {@code freeze}: the copied tensors are not trained ({@link #trainable} leaves them out). */
    static TrainableVit transplant(Family family, Dims dims, long seed, NDManager parent, Map<String, float[]> dino,
                                   int blocks, boolean freeze) {
        if (blocks < 0 || blocks > dims.layers()) {
            throw new IllegalArgumentException("blocks " + blocks + " outside 0.." + dims.layers());
        }
        TrainableVit v = init(family, dims, seed, parent, false);
        TrainableVit src = new TrainableVit(Family.DINOV2, new Dims(dims.hidden(), blocks, dims.heads(), dims.mlp(),
                dims.imageSize(), dims.patch()), parent);
        int d = dims.hidden();
        int n = dims.patches();
        float[] bias = need(dino, src.patchB());
        float[] pos = need(dino, src.posName()).clone(); // [1, n + 1, d]
        switch (family) {
            case DINOV2 -> {
                v.set(v.patchW(), need(dino, src.patchW()));
                v.set(v.patchB(), bias);
                v.set(v.clsName(), need(dino, src.clsName()));
                v.set(v.posName(), pos);
            }
            case CLIP -> {
                // CLIP normalises pixels with its own mean and std: fold the change into the patch embedding, so the
                // raw embeddings equal DINOv2's exactly, and move the (then shifted) bias into the patch positions
                float[] w = need(dino, src.patchW()).clone();
                float[] b = bias.clone();
                int per = w.length / d / 3;
                float[] cm = org.vistabench.model.vision.ImageProcessor.CLIP_MEAN;
                float[] cs = org.vistabench.model.vision.ImageProcessor.CLIP_STD;
                float[] im = org.vistabench.model.vision.ImageProcessor.IMAGENET_MEAN;
                float[] is = org.vistabench.model.vision.ImageProcessor.IMAGENET_STD;
                for (int o = 0; o < d; o++) {
                    for (int ch = 0; ch < 3; ch++) {
                        for (int k = 0; k < per; k++) {
                            int at = (o * 3 + ch) * per + k;
                            b[o] += w[at] * (cm[ch] - im[ch]) / is[ch];
                            w[at] *= cs[ch] / is[ch];
                        }
                    }
                }
                for (int j = 1; j <= n; j++) {
                    for (int c = 0; c < d; c++) {
                        pos[j * d + c] += b[c];
                    }
                }
                v.set(v.patchW(), w);
                v.set(v.clsName(), need(dino, src.clsName()));
                v.set(v.posName(), pos);
            }
            case IJEPA -> {
                v.set(v.patchW(), need(dino, src.patchW()));
                v.set(v.patchB(), bias);
                v.set(v.posName(), java.util.Arrays.copyOfRange(pos, d, (n + 1) * d));
            }
        }
        for (int i = 0; i < blocks; i++) {
            String[] from = src.blockNames(i);
            String[] to = v.blockNames(i);
            for (int j : new int[] {0, 1, 2, 3, 6, 7}) {
                v.set(to[j] + ".weight", need(dino, from[j] + ".weight"));
                v.set(to[j] + ".bias", need(dino, from[j] + ".bias"));
            }
            for (int[] pair : new int[][] {{4, 5}, {8, 9}}) {
                float[] w = need(dino, from[pair[0]] + ".weight").clone();
                float[] b = need(dino, from[pair[0]] + ".bias").clone();
                float[] ls = need(dino, from[pair[1]]);
                int cols = w.length / d;
                for (int r = 0; r < d; r++) {
                    for (int c = 0; c < cols; c++) {
                        w[r * cols + c] *= ls[r];
                    }
                    b[r] *= ls[r];
                }
                if (to[pair[1]] != null) {
                    v.set(to[pair[1]], ones(d));
                }
                v.set(to[pair[0]] + ".weight", w);
                v.set(to[pair[0]] + ".bias", b);
            }
        }
        if (blocks == dims.layers() && dino.containsKey("layernorm.weight")) {
            String fin = family == Family.CLIP ? "post_layernorm" : "layernorm";
            v.set(fin + ".weight", need(dino, "layernorm.weight"));
            v.set(fin + ".bias", need(dino, "layernorm.bias"));
        }
        src.close();
        for (Map.Entry<String, NDArray> e : v.params.entrySet()) {
            e.getValue().setRequiresGradient(!(freeze && v.copied.contains(e.getKey())));
        }
        return v;
    }

    /**
     * CLIP only: sets {@code pre_layrnorm} to the per-channel affine map that best undoes the layer norm on these raw
     * embeddings {@code raw} [tokens x d] (least squares per channel), so a transplanted stem starts from nearly the
     * embeddings it was trained on. The tensors keep whether they are trained: after a {@link #transplant} (where
     * they are fresh, not copied) they train with the fresh blocks.
     */
    void calibratePreNorm(float[] raw) {
        int d = dims.hidden();
        int t = raw.length / d;
        double[] sz = new double[d];
        double[] sx = new double[d];
        double[] szz = new double[d];
        double[] szx = new double[d];
        for (int i = 0; i < t; i++) {
            double mu = 0;
            for (int c = 0; c < d; c++) {
                mu += raw[i * d + c];
            }
            mu /= d;
            double var = 0;
            for (int c = 0; c < d; c++) {
                double e = raw[i * d + c] - mu;
                var += e * e;
            }
            double inv = 1 / Math.sqrt(var / d + family.eps);
            for (int c = 0; c < d; c++) {
                double z = (raw[i * d + c] - mu) * inv;
                double x = raw[i * d + c];
                sz[c] += z;
                sx[c] += x;
                szz[c] += z * z;
                szx[c] += z * x;
            }
        }
        float[] w = new float[d];
        float[] b = new float[d];
        for (int c = 0; c < d; c++) {
            double mz = sz[c] / t;
            double mx = sx[c] / t;
            double vz = szz[c] / t - mz * mz;
            double cov = szx[c] / t - mz * mx;
            w[c] = (float) (vz > 1e-12 ? cov / vz : 1);
            b[c] = (float) (mx - w[c] * mz);
        }
        boolean grad = p("pre_layrnorm.weight").hasGradient();
        set("pre_layrnorm.weight", w);
        set("pre_layrnorm.bias", b);
        p("pre_layrnorm.weight").setRequiresGradient(grad);
        p("pre_layrnorm.bias").setRequiresGradient(grad);
    }

    private static float[] ones(int d) {
        float[] o = new float[d];
        java.util.Arrays.fill(o, 1f);
        return o;
    }

    private static float[] need(Map<String, float[]> values, String name) {
        float[] a = values.get(name);
        if (a == null) {
            throw new IllegalArgumentException("transplant: the source has no tensor " + name);
        }
        return a;
    }

    /** Replaces parameter {@code name}'s values (same shape). */
    private void set(String name, float[] data) {
        NDArray old = p(name);
        if (old.getShape().size() != data.length) {
            throw new IllegalArgumentException("transplant: " + name + " has " + old.getShape().size()
                    + " values, the source " + data.length);
        }
        params.put(name, NdArrays.owned(manager, data, old.getShape()));
        copied.add(name);
        old.close();
    }

    /** Every parameter's values, copied out of torch (sorted names). */
    SortedMap<String, float[]> values() {
        TreeMap<String, float[]> out = new TreeMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            out.put(e.getKey(), NdArrays.toFloats(e.getValue()));
        }
        return out;
    }

    Family family() {
        return family;
    }

    Dims dims() {
        return dims;
    }

    /** Parameters by HF name (sorted, so optimiser state and saved files never depend on hash order). */
    SortedMap<String, NDArray> parameters() {
        return Collections.unmodifiableSortedMap(params);
    }

    /** The parameters training updates: all but a frozen transplant's copied ones (sorted). */
    SortedMap<String, NDArray> trainable() {
        TreeMap<String, NDArray> out = new TreeMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            if (e.getValue().hasGradient()) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Moves the weights into {@code scope} for one step, so ops whose first operand is a weight free with it. */
    void tempAttach(NDManager scope) {
        for (NDArray a : params.values()) {
            a.tempAttach(scope);
        }
    }

    private NDArray p(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalStateException(family + ": no parameter " + name);
        }
        return a;
    }

    // ---- names -------------------------------------------------------------------------------------------------

    private String patchW() {
        return family == Family.CLIP ? "embeddings.patch_embedding.weight"
                : "embeddings.patch_embeddings.projection.weight";
    }

    private String patchB() {
        return family == Family.CLIP ? null : "embeddings.patch_embeddings.projection.bias";
    }

    private String clsName() {
        return family == Family.CLIP ? "embeddings.class_embedding" : "embeddings.cls_token";
    }

    private String posName() {
        return family == Family.CLIP ? "embeddings.position_embedding.weight" : "embeddings.position_embeddings";
    }

    /** Block tensor names: ln1, q, k, v, out, ls1, ln2, fc1, fc2, ls2 (ls* null without layer-scale). */
    private String[] blockNames(int i) {
        return switch (family) {
            case DINOV2 -> prefixed("encoder.layer." + i + ".", "norm1", "attention.attention.query",
                    "attention.attention.key", "attention.attention.value", "attention.output.dense",
                    "layer_scale1.lambda1", "norm2", "mlp.fc1", "mlp.fc2", "layer_scale2.lambda1");
            case CLIP -> prefixed("encoder.layers." + i + ".", "layer_norm1", "self_attn.q_proj", "self_attn.k_proj",
                    "self_attn.v_proj", "self_attn.out_proj", null, "layer_norm2", "mlp.fc1", "mlp.fc2", null);
            case IJEPA -> prefixed("encoder.layer." + i + ".", "layernorm_before", "attention.attention.query",
                    "attention.attention.key", "attention.attention.value", "attention.output.dense", null,
                    "layernorm_after", "intermediate.dense", "output.dense", null);
        };
    }

    private static String[] prefixed(String p, String... names) {
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = names[i] == null ? null : p + names[i];
        }
        return out;
    }

    private List<Spec> specs() {
        int d = dims.hidden();
        int f = dims.mlp();
        int pz = dims.patch();
        int n = dims.patches();
        List<Spec> s = new ArrayList<>();
        s.add(new Spec(patchW(), new long[] {d, 3, pz, pz}, 'w'));
        if (patchB() != null) {
            s.add(new Spec(patchB(), new long[] {d}, 'z'));
        }
        switch (family) {
            case DINOV2 -> {
                s.add(new Spec(clsName(), new long[] {1, 1, d}, 'w'));
                s.add(new Spec(posName(), new long[] {1, n + 1, d}, 'p'));
            }
            case CLIP -> {
                s.add(new Spec(clsName(), new long[] {d}, 'w'));
                s.add(new Spec(posName(), new long[] {n + 1, d}, 'p'));
                s.add(new Spec("pre_layrnorm.weight", new long[] {d}, 'o'));
                s.add(new Spec("pre_layrnorm.bias", new long[] {d}, 'z'));
            }
            case IJEPA -> s.add(new Spec(posName(), new long[] {1, n, d}, 'p'));
        }
        for (int i = 0; i < dims.layers(); i++) {
            String[] b = blockNames(i);
            s.add(new Spec(b[0] + ".weight", new long[] {d}, 'o'));
            s.add(new Spec(b[0] + ".bias", new long[] {d}, 'z'));
            for (int j = 1; j <= 4; j++) {
                s.add(new Spec(b[j] + ".weight", new long[] {d, d}, 'w'));
                s.add(new Spec(b[j] + ".bias", new long[] {d}, 'z'));
            }
            if (b[5] != null) {
                s.add(new Spec(b[5], new long[] {d}, 's'));
            }
            s.add(new Spec(b[6] + ".weight", new long[] {d}, 'o'));
            s.add(new Spec(b[6] + ".bias", new long[] {d}, 'z'));
            s.add(new Spec(b[7] + ".weight", new long[] {f, d}, 'w'));
            s.add(new Spec(b[7] + ".bias", new long[] {f}, 'z'));
            s.add(new Spec(b[8] + ".weight", new long[] {d, f}, 'w'));
            s.add(new Spec(b[8] + ".bias", new long[] {d}, 'z'));
            if (b[9] != null) {
                s.add(new Spec(b[9], new long[] {d}, 's'));
            }
        }
        String fin = family == Family.CLIP ? "post_layernorm" : "layernorm";
        s.add(new Spec(fin + ".weight", new long[] {d}, 'o'));
        s.add(new Spec(fin + ".bias", new long[] {d}, 'z'));
        return s;
    }

    // ---- forward -----------------------------------------------------------------------------------------------

    /**
     * The encoder on {@code px} [B, 3, H, W] (H = W = image size). {@code mask} [B, N, 1] (1 = replace the patch
     * embedding by {@code maskToken} [1, 1, D] before positions are added, as HF's {@code bool_masked_pos}) and
     * {@code keep} = 1 - mask are null for a plain forward. Results live in {@code px}'s manager.
     */
    Output forward(NDArray px, NDArray mask, NDArray keep, NDArray maskToken) {
        NDManager m = px.getManager();
        int d = dims.hidden();
        long b = px.getShape().get(0);
        NDArray x = Conv2d.conv2d(px, p(patchW()), patchB() == null ? null : p(patchB()),
                new Shape(dims.patch(), dims.patch())).singletonOrThrow();
        x = x.reshape(b, d, -1).transpose(0, 2, 1);
        if (mask != null) {
            x = x.mul(keep).add(mask.mul(maskToken));
        }
        if (family.cls) {
            NDArray cls = m.zeros(new Shape(b, 1, d)).add(p(clsName()));
            x = NDArrays.concat(new NDList(cls, x), 1);
        }
        x = x.add(p(posName()));
        if (family == Family.CLIP) {
            x = layerNorm(x, "pre_layrnorm");
        }
        NDArray scale = NdArrays.scalar(m, (float) Math.pow(d / (double) dims.heads(), -0.5));
        NDArray quick = NdArrays.scalar(m, 1.702f);
        List<NDArray> hidden = new ArrayList<>();
        hidden.add(x);
        for (int i = 0; i < dims.layers(); i++) {
            x = block(blockNames(i), x, scale, quick);
            hidden.add(x);
        }
        NDArray last = family == Family.CLIP ? x : layerNorm(x, "layernorm");
        return new Output(List.copyOf(hidden), last);
    }

    /** CLIP's pooler_output: post_layernorm of the CLS row of last_hidden_state. */
    NDArray clipPooled(NDArray last) {
        return layerNorm(last.get(new NDIndex(":, 0, :")), "post_layernorm");
    }

    private NDArray block(String[] n, NDArray x, NDArray scale, NDArray quick) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int heads = dims.heads();
        int d = dims.hidden();
        int hd = d / heads;
        NDArray h = layerNorm(x, n[0]);
        NDArray qkvW = NDArrays.concat(new NDList(p(n[1] + ".weight"), p(n[2] + ".weight"), p(n[3] + ".weight")), 0);
        NDArray qkvB = NDArrays.concat(new NDList(p(n[1] + ".bias"), p(n[2] + ".bias"), p(n[3] + ".bias")), 0);
        NDArray qkv = Linear.linear(h, qkvW, qkvB).singletonOrThrow().reshape(b, t, 3, heads, hd)
                .transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray att = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).softmax(-1);
        NDArray o = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
        o = Linear.linear(o, p(n[4] + ".weight"), p(n[4] + ".bias")).singletonOrThrow();
        if (n[5] != null) {
            o = o.mul(p(n[5]));
        }
        x = x.add(o);
        NDArray mm = layerNorm(x, n[6]);
        mm = Linear.linear(mm, p(n[7] + ".weight"), p(n[7] + ".bias")).singletonOrThrow();
        mm = family == Family.CLIP ? mm.mul(Activation.sigmoid(mm.mul(quick))) : Activation.gelu(mm);
        mm = Linear.linear(mm, p(n[8] + ".weight"), p(n[8] + ".bias")).singletonOrThrow();
        if (n[9] != null) {
            mm = mm.mul(p(n[9]));
        }
        return x.add(mm);
    }

    private NDArray layerNorm(NDArray x, String name) {
        return LayerNorm.layerNorm(x, new Shape(dims.hidden()), p(name + ".weight"), p(name + ".bias"),
                (float) family.eps).singletonOrThrow();
    }

    // ---- saving ------------------------------------------------------------------------------------------------

    /**
     * Writes {@code model.safetensors} in HF layout: CLIP under {@code vision_model.} (as
     * {@code CLIPVisionModelWithProjection} saves it), the others unprefixed; {@code extra} tensors (e.g. CLIP's
     * {@code visual_projection.weight}, DINOv2's unused {@code embeddings.mask_token}) are written as given.
     */
    void save(Path file, Map<String, NDArray> extra) {
        SafeTensorsWriter w = new SafeTensorsWriter().metadata(Map.of("format", "pt"));
        String prefix = family == Family.CLIP ? "vision_model." : "";
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            put(w, prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, NDArray> e : new TreeMap<>(extra).entrySet()) {
            put(w, e.getKey(), e.getValue());
        }
        w.write(file);
    }

    private static void put(SafeTensorsWriter w, String name, NDArray a) {
        w.put(name, DType.F32, a.getShape().getShape(), NdArrays.toFloats(a));
    }

    /**
     * MAE / I-JEPA's fixed 2-D sine-cosine table (here only the starting point; it is trained like any weight):
     * the first half of the channels encode the row, the second half the column; {@code extra} leading rows (CLS) stay 0.
     */
    static void sinCos2d(float[] out, int grid, int d, int extra) {
        int quarter = d / 4;
        for (int y = 0; y < grid; y++) {
            for (int x = 0; x < grid; x++) {
                int row = (extra + y * grid + x) * d;
                for (int k = 0; k < quarter; k++) {
                    double omega = 1.0 / Math.pow(10000, k / (double) quarter);
                    out[row + k] = (float) Math.sin(y * omega);
                    out[row + quarter + k] = (float) Math.cos(y * omega);
                    out[row + 2 * quarter + k] = (float) Math.sin(x * omega);
                    out[row + 3 * quarter + k] = (float) Math.cos(x * omega);
                }
            }
        }
    }

    /** Standard normal truncated to ±2σ, times {@code std} (timm/HF trunc_normal_). */
    static float truncNormal(Random r, double std) {
        double g;
        do {
            g = r.nextGaussian();
        } while (Math.abs(g) > 2.0);
        return (float) (g * std);
    }

    @Override
    public void close() {
        manager.close();
    }
}
