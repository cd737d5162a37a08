package org.vistabench.world.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vistabench.optim.AdamW;
import org.vistabench.tensor.NdArrays;

/**
 * The three training objectives. Each owns its heads (kept out of the saved vision model unless HF keeps them, as CLIP's
 * {@code visual_projection}), draws every random number from a Java {@link Random} seeded by the caller, and runs
 * torch single-threaded on the calling thread, so the result is a function of data and seed.
 */
final class EncoderTrainer {
    /** How long to train: optimiser steps, images per step, peak learning rate. */
    record Schedule(int steps, int batch, double lr) {
    }

    /** A trained encoder, the tensors saved beside its weights, and its loss figures (sorted names). */
    record Trained(TrainableVit vit, SortedMap<String, NDArray> saveExtra, SortedMap<String, Double> figures) {
    }

    /**
     * Weight of a background patch in the dense loss (object patches weigh 1). Four in five patches are background
     * and easy; without down-weighting them the short training budget goes to them.
     */
    static final float BACKGROUND_WEIGHT = 0.2f;

    private interface StepLoss {
        NDArray loss(NDManager scope, int[] batch, int step);
    }

    private EncoderTrainer() {
    }

    // ---- mini-dino: dense per-patch supervision ----------------------------------------------------------------

    /**
     * DINOv2-format ViT trained with a dense objective: linear heads on every patch token of {@link #denseState} predict
     * the patch's category and colour (background its own class), loss = CE(category) + 0.5 CE(colour), averaged
     * over patches with background patches weighted {@link #BACKGROUND_WEIGHT}.
     */
    static Trained dino(EncoderTrainingData data, int[] train, TrainableVit.Dims dims, Pixels pixels, Schedule s,
                        long seed, NDManager m) {
        return dino(data, train, dims, pixels, s, seed, m, BACKGROUND_WEIGHT);
    }

    static Trained dino(EncoderTrainingData data, int[] train, TrainableVit.Dims dims, Pixels pixels, Schedule s,
                        long seed, NDManager m, float backgroundWeight) {
        Random r = new Random(seed);
        TrainableVit vit = TrainableVit.init(Family.DINOV2, dims, r.nextLong(), m, true);
        int d = dims.hidden();
        int n = dims.patches();
        int c1 = data.numCategories() + 1;
        int k1 = data.numColours() + 1;
        TreeMap<String, NDArray> heads = new TreeMap<>();
        heads.put("head.category.weight", param(m, r, new Shape(c1, d), 0.02));
        heads.put("head.category.bias", param(m, r, new Shape(c1), 0));
        heads.put("head.colour.weight", param(m, r, new Shape(k1, d), 0.02));
        heads.put("head.colour.bias", param(m, r, new Shape(k1), 0));
        StepLoss f = (scope, batch, step) -> {
            NDArray x = pixels.batch(scope, data.images(), batch);
            TrainableVit.Output o = vit.forward(x, null, null, null);
            NDArray last = denseState(o);
            NDArray tok = last.get(new NDIndex(":, 1:, :")).reshape((long) batch.length * n, d);
            NDArray lc = Linear.linear(tok, heads.get("head.category.weight"), heads.get("head.category.bias"))
                    .singletonOrThrow();
            NDArray lk = Linear.linear(tok, heads.get("head.colour.weight"), heads.get("head.colour.bias"))
                    .singletonOrThrow();
            NDArray w = patchWeights(scope, data.patchClass(), batch, n, backgroundWeight);
            NDArray cat = weightedCrossEntropy(lc, oneHot(scope, data.patchClass(), batch, n, c1), w);
            NDArray col = weightedCrossEntropy(lk, oneHot(scope, data.patchColour(), batch, n, k1), w);
            return cat.add(col.mul(NdArrays.scalar(scope, 0.5f)));
        };
        SortedMap<String, Double> figs = loop(List.of(vit), heads, f, null, train, s, r);
        TreeMap<String, NDArray> extra = new TreeMap<>();
        // HF Dinov2Model always has a mask token; we never train with masking, so it stays zero.
        extra.put("embeddings.mask_token", m.zeros(new Shape(1, d)));
        return new Trained(vit, extra, figs);
    }

    /**
     * The hidden state the dense heads supervise: the one {@link EncoderStage#PROBE_LAYER} names for mini-dino
     * (hidden_states[-1], the residual stream before DINOv2's final layernorm), which is also what the specs'
     * projector reads. Heads on last_hidden_state trained features the probe never sees (probe 0.22 vs 0.30 at
     * default scale, same budget).
     */
    static NDArray denseState(TrainableVit.Output o) {
        return readState(o, "mini-dino");
    }

    // ---- mini-clip: image-level contrastive ---------------------------------------------------------------------

    /**
     * CLIP-vision-format ViT trained with two InfoNCE terms (temperature 0.1): symmetric InfoNCE between the projected
     * pooled CLS embedding ({@code visual_projection(post_layernorm(CLS))}, saved as HF CLIPVisionModelWithProjection
     * saves it) and a bag-of-words text tower (word frequencies → MLP → projection space), weighted 1/2; plus, for
     * <em>every patch token</em> of the hidden state the specs read ({@link #readState}, through a patch projection
     * that is not saved), InfoNCE against the batch's object lists (the image's categories, multi-hot → linear): each
     * patch must pick its own image's objects out of the batch. The target is the whole image's object list, never the
     * patch's own object, so the patch tokens carry the image's content globally (as CLIP's patch tokens are known to)
     * and nothing asks them where in the image it is. Built on the stem ({@link #start}): its pre-layernorm starts from
     * the fit {@link TrainableVit#calibratePreNorm} makes on the stem's embeddings and trains with the fresh blocks.
     */
    static Trained clip(EncoderTrainingData data, int[] train, TrainableVit.Dims dims, int projDim, Pixels pixels,
                        Schedule s, long seed, NDManager m, Stem stem) {
        Random r = new Random(seed);
        TrainableVit vit = start(Family.CLIP, dims, r.nextLong(), m, stem);
        vit.calibratePreNorm(stemEmbeddings(data, train, dims, stem, m));
        int d = dims.hidden();
        int n = dims.patches();
        int v = data.vocabulary().size();
        float[][] bows = bagsOfWords(data.captions(), data.vocabulary());
        TreeMap<String, NDArray> heads = new TreeMap<>();
        heads.put("visual_projection.weight", param(m, r, new Shape(projDim, d), 0.02));
        heads.put("head.patch_projection.weight", param(m, r, new Shape(projDim, d), 0.02));
        heads.put("text.fc1.weight", param(m, r, new Shape(d, v), 0.02));
        heads.put("text.fc1.bias", param(m, r, new Shape(d), 0));
        heads.put("text.fc2.weight", param(m, r, new Shape(projDim, d), 0.02));
        heads.put("text.fc2.bias", param(m, r, new Shape(projDim), 0));
        int c = data.numCategories();
        float[][] sets = categoriesPresent(data);
        heads.put("objects.fc.weight", param(m, r, new Shape(projDim, c), 0.02));
        heads.put("objects.fc.bias", param(m, r, new Shape(projDim), 0));
        StepLoss f = (scope, batch, step) -> {
            int b = batch.length;
            NDArray x = pixels.batch(scope, data.images(), batch);
            TrainableVit.Output o = vit.forward(x, null, null, null);
            NDArray pooled = vit.clipPooled(o.last());
            NDArray img = pooled.matMul(heads.get("visual_projection.weight").transpose());
            float[] bow = new float[b * v];
            for (int i = 0; i < b; i++) {
                System.arraycopy(bows[batch[i]], 0, bow, i * v, v);
            }
            NDArray t = NdArrays.owned(scope, bow, new Shape(b, v));
            t = Linear.linear(t, heads.get("text.fc1.weight"), heads.get("text.fc1.bias")).singletonOrThrow();
            t = Linear.linear(Activation.gelu(t), heads.get("text.fc2.weight"), heads.get("text.fc2.bias"))
                    .singletonOrThrow();
            NDArray tn = unit(t);
            NDArray logits = unit(img).matMul(tn.transpose()).mul(NdArrays.scalar(scope, 10f));
            NDArray eye = scope.eye(b);
            NDArray global = crossEntropy(logits, eye).add(crossEntropy(logits.transpose(), eye));
            // every patch token of the read state against the batch's object lists: [B*N, B] logits, target its image
            float[] set = new float[b * c];
            for (int i = 0; i < b; i++) {
                System.arraycopy(sets[batch[i]], 0, set, i * c, c);
            }
            NDArray on = unit(Linear.linear(NdArrays.owned(scope, set, new Shape(b, c)),
                    heads.get("objects.fc.weight"), heads.get("objects.fc.bias")).singletonOrThrow());
            NDArray tok = readState(o, "mini-clip").get(new NDIndex(":, 1:, :")).reshape((long) b * n, d);
            NDArray pl = unit(tok.matMul(heads.get("head.patch_projection.weight").transpose())).matMul(on.transpose())
                    .mul(NdArrays.scalar(scope, 10f));
            NDArray patches = crossEntropy(pl, ownImage(scope, b, n));
            return global.mul(NdArrays.scalar(scope, 0.5f)).add(patches);
        };
        SortedMap<String, Double> figs = loop(List.of(vit), heads, f, null, train, s, r);
        TreeMap<String, NDArray> extra = new TreeMap<>();
        extra.put("visual_projection.weight", heads.get("visual_projection.weight"));
        return new Trained(vit, extra, figs);
    }

    /** One-hot rows [B*N, B]: patch row i*N+j belongs to image i. */
    private static NDArray ownImage(NDManager m, int b, int n) {
        float[] out = new float[b * n * b];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                out[(i * n + j) * b + i] = 1f;
            }
        }
        return NdArrays.owned(m, out, new Shape((long) b * n, b));
    }

    /** Rows scaled to unit L2 norm (epsilon 1e-6 under the root). */
    private static NDArray unit(NDArray a) {
        return a.div(a.square().sum(new int[] {-1}, true).add(NdArrays.scalar(a.getManager(), 1e-6f)).sqrt());
    }

    /** The hidden state of {@code encoder} that the specs' projector reads ({@link EncoderStage#PROBE_LAYER}). */
    static NDArray readState(TrainableVit.Output o, String encoder) {
        int layer = EncoderStage.PROBE_LAYER.get(encoder);
        return o.hidden().get(layer < 0 ? o.hidden().size() + layer : layer);
    }

    /** Word frequencies per caption over {@code vocabulary} (lower-cased, split on anything but letters). */
    static float[][] bagsOfWords(List<String> captions, List<String> vocabulary) {
        Map<String, Integer> index = new HashMap<>(); // lookup only; nothing iterates it
        for (int i = 0; i < vocabulary.size(); i++) {
            index.putIfAbsent(vocabulary.get(i).toLowerCase(Locale.ROOT), i);
        }
        float[][] out = new float[captions.size()][vocabulary.size()];
        for (int c = 0; c < captions.size(); c++) {
            int total = 0;
            for (String w : captions.get(c).toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) {
                Integer i = index.get(w);
                if (i != null) {
                    out[c][i]++;
                    total++;
                }
            }
            for (int i = 0; i < out[c].length && total > 0; i++) {
                out[c][i] /= total;
            }
        }
        return out;
    }

    // ---- mini-ijepa: masked latent prediction ----------------------------------------------------------------

    /**
     * I-JEPA-format ViT built on the stem (its embeddings and blocks frozen, {@link Stem#fresh} blocks on top),
     * trained with I-JEPA's latent prediction against a frozen target encoder. The target encoder is the stem itself
     * (frozen: I-JEPA's EMA at momentum 1) and sees the whole image; the target is an image-level summary of its read
     * state: the patch tokens of hidden_states[-1] max-pooled over the image per channel (mean pooling, measured on
     * the bench, mostly summarised the background: image-level probe 0.19 against 0.27 with max pooling, 500 x 32),
     * then layer-normalised without affine, as I-JEPA normalises its targets. The encoder sees the image with four
     * random rectangular blocks replaced by a mask token, and an MLP predictor on every output patch token regresses
     * that target (mean squared error), so every patch must carry the whole image's content from a partial view. The
     * mask token is trained with the fresh blocks and not saved (HF's IJepaModel has none).
     */
    static Trained ijepa(EncoderTrainingData data, int[] train, TrainableVit.Dims dims, Pixels pixels, Schedule s,
                         long seed, NDManager m, Stem stem) {
        Random r = new Random(seed);
        TrainableVit context = start(Family.IJEPA, dims, r.nextLong(), m, stem);
        TrainableVit.Dims stemDims = new TrainableVit.Dims(dims.hidden(), stem.blocks(), dims.heads(), dims.mlp(),
                dims.imageSize(), dims.patch());
        // every tensor of the target is the stem's, so freezing the copied ones freezes it whole
        TrainableVit target = TrainableVit.transplant(Family.DINOV2, stemDims, r.nextLong(), m, stem.dino(),
                stem.blocks(), true);
        Pixels targetPixels = new Pixels(Family.DINOV2, data.imageSize());
        int d = dims.hidden();
        int n = dims.patches();
        int g = dims.grid();
        TreeMap<String, NDArray> heads = new TreeMap<>();
        heads.put("context.mask_token", param(m, r, new Shape(1, 1, d), 0.02));
        heads.put("predictor.fc1.weight", param(m, r, new Shape(2L * d, d), 0.02));
        heads.put("predictor.fc1.bias", param(m, r, new Shape(2L * d), 0));
        heads.put("predictor.fc2.weight", param(m, r, new Shape(d, 2L * d), 0.02));
        heads.put("predictor.fc2.bias", param(m, r, new Shape(d), 0));
        Random masks = new Random(r.nextLong());
        StepLoss f = (scope, batch, step) -> {
            int b = batch.length;
            float[] mask = blockMasks(masks, b, g);
            float[] keep = new float[b * n];
            for (int i = 0; i < mask.length; i++) {
                keep[i] = 1f - mask[i];
            }
            NDArray want;
            NDArray full = targetPixels.batch(scope, data.images(), batch);
            TrainableVit.Output t = target.forward(full, null, null, null);
            NDArray tp = t.hidden().get(t.hidden().size() - 1).get(new NDIndex(":, 1:, :"));
            want = tp.max(new int[] {1}, true).stopGradient();
            want = want.sub(want.mean(new int[] {-1}, true));
            want = want.div(want.square().mean(new int[] {-1}, true).add(NdArrays.scalar(scope, 1e-6f)).sqrt());
            NDArray x = pixels.batch(scope, data.images(), batch);
            NDArray mk = NdArrays.owned(scope, mask, new Shape(b, n, 1));
            NDArray kp = NdArrays.owned(scope, keep, new Shape(b, n, 1));
            NDArray h = context.forward(x, mk, kp, heads.get("context.mask_token")).last();
            NDArray p = Linear.linear(h, heads.get("predictor.fc1.weight"), heads.get("predictor.fc1.bias"))
                    .singletonOrThrow();
            p = Linear.linear(Activation.gelu(p), heads.get("predictor.fc2.weight"), heads.get("predictor.fc2.bias"))
                    .singletonOrThrow();
            return p.sub(want).square().mean();
        };
        SortedMap<String, Double> figs = loop(List.of(context, target), heads, f, null, train, s, r);
        target.close();
        return new Trained(context, new TreeMap<>(), figs);
    }

    /** Four random rectangular blocks (2-3 rows x 2-4 columns) per image on a {@code g x g} grid, 1 = masked. */
    private static float[] blockMasks(Random masks, int b, int g) {
        int n = g * g;
        float[] mask = new float[b * n];
        for (int i = 0; i < b; i++) {
            for (int blk = 0; blk < 4; blk++) {
                int h = 2 + masks.nextInt(2);
                int w = 2 + masks.nextInt(3);
                int y0 = masks.nextInt(g - h + 1);
                int x0 = masks.nextInt(g - w + 1);
                for (int y = y0; y < y0 + h; y++) {
                    for (int x = x0; x < x0 + w; x++) {
                        mask[i * n + y * g + x] = 1f;
                    }
                }
            }
        }
        return mask;
    }

    /** Per image, 1 for each object category that owns a patch of it, else 0 ({@code numCategories} columns). */
    static float[][] categoriesPresent(EncoderTrainingData data) {
        float[][] out = new float[data.patchClass().size()][data.numCategories()];
        for (int i = 0; i < out.length; i++) {
            for (int c : data.patchClass().get(i)) {
                if (c >= 0) {
                    out[i][c] = 1f;
                }
            }
        }
        return out;
    }

    // ---- shared ------------------------------------------------------------------------------------------------

    /** A trained DINOv2-family ViT's values ({@link TrainableVit#values}) and how many of its blocks to start from. */
    record Stem(Map<String, float[]> dino, int blocks, int fresh) {
    }

    /** The stem's raw embeddings (patch rows and CLS) of the first 64 training images, [tokens x hidden] floats. */
    private static float[] stemEmbeddings(EncoderTrainingData data, int[] train, TrainableVit.Dims dims, Stem stem,
                                          NDManager m) {
        TrainableVit.Dims none = new TrainableVit.Dims(dims.hidden(), 0, dims.heads(), dims.mlp(), dims.imageSize(),
                dims.patch());
        int[] idx = java.util.Arrays.copyOf(train, Math.min(64, train.length));
        try (NDManager scope = m.newSubManager();
             TrainableVit emb = TrainableVit.transplant(Family.DINOV2, none, 0, scope, stem.dino(), 0)) {
            emb.tempAttach(scope);
            NDArray x = new Pixels(Family.DINOV2, data.imageSize()).batch(scope, data.images(), idx);
            return NdArrays.toFloats(emb.forward(x, null, null, null).hidden().get(0));
        }
    }

    /** A global encoder's ViT: the stem's tensors copied and frozen, the rest fresh ({@link TrainableVit#transplant}). */
    private static TrainableVit start(Family family, TrainableVit.Dims dims, long seed, NDManager m, Stem stem) {
        return TrainableVit.transplant(family, dims, seed, m, stem.dino(), stem.blocks(), true);
    }

    /** The training loop: epoch-shuffled batches, AdamW with warmup + cosine, clip 1.0; the first model is trained. */
    private static SortedMap<String, Double> loop(List<TrainableVit> models, SortedMap<String, NDArray> heads,
                                                  StepLoss f, Runnable afterStep, int[] train, Schedule s, Random r) {
        TrainableVit trained = models.get(0);
        NDManager parent = heads.isEmpty() ? null : heads.values().iterator().next().getManager();
        double[] losses = new double[s.steps()];
        int[] order = train.clone();
        int pos = order.length;
        Map<String, NDArray> params = merged(trained.trainable(), heads);
        try (AdamW opt = new AdamW(parent, params, AdamW.decayMatricesExcept(params, Set.of()),
                new AdamW.Settings(AdamW.Form.WORLD, 0.9, 0.99, 1e-8, 0.05))) {
            for (int step = 0; step < s.steps(); step++) {
                int[] batch = new int[Math.min(s.batch(), order.length)];
                for (int i = 0; i < batch.length; i++) {
                    if (pos == order.length) {
                        shuffle(order, r);
                        pos = 0;
                    }
                    batch[i] = order[pos++];
                }
                final int st = step;
                try (NDManager scope = parent.newSubManager()) {
                    for (TrainableVit v : models) {
                        v.tempAttach(scope);
                    }
                    for (NDArray h : heads.values()) {
                        h.tempAttach(scope);
                    }
                    float loss = Autograd.lossAndBackward(() -> f.loss(scope, batch, st));
                    if (!Float.isFinite(loss)) {
                        throw new IllegalStateException(trained.family() + " training loss is " + loss
                                + " at step " + step);
                    }
                    losses[step] = loss;
                }
                opt.step(schedule(step, s.steps(), s.lr()), 1.0);
                if (afterStep != null) {
                    afterStep.run();
                }
            }
        }
        int w = Math.max(1, s.steps() / 10);
        TreeMap<String, Double> out = new TreeMap<>();
        out.put("loss_initial", mean(losses, 0, w));
        out.put("loss_final", mean(losses, s.steps() - w, s.steps()));
        out.put("steps", (double) s.steps());
        out.put("batch", (double) s.batch());
        return out;
    }

    private static double mean(double[] a, int from, int to) {
        double t = 0;
        for (int i = from; i < to; i++) {
            t += a[i];
        }
        return t / Math.max(1, to - from);
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Mean cross-entropy of {@code logits} [R, C] against one-hot rows. */
    static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        long rows = logits.getShape().get(0);
        NDArray k = NdArrays.scalar(logits.getManager(), -1f / rows);
        return logits.logSoftmax(-1).mul(oneHot).sum().mul(k);
    }

    /** Weighted mean cross-entropy; {@code w} [R] already sums to one. */
    static NDArray weightedCrossEntropy(NDArray logits, NDArray oneHot, NDArray w) {
        NDArray k = NdArrays.scalar(logits.getManager(), -1f);
        return logits.logSoftmax(-1).mul(oneHot).sum(new int[] {-1}).mul(w).sum().mul(k);
    }

    /** Per-patch loss weights: 1 for object patches, {@code bg} for background ones, normalised to sum one. */
    private static NDArray patchWeights(NDManager m, List<int[]> labels, int[] batch, int n, float bg) {
        float[] w = new float[batch.length * n];
        double total = 0;
        for (int i = 0; i < batch.length; i++) {
            int[] l = labels.get(batch[i]);
            for (int j = 0; j < n; j++) {
                w[i * n + j] = l[j] < 0 ? bg : 1f;
                total += w[i * n + j];
            }
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (w[i] / total);
        }
        return NdArrays.owned(m, w, new Shape(w.length));
    }

    /** One-hot rows [B*N, classes] for per-patch labels shifted by one (-1 = background becomes class 0). */
    private static NDArray oneHot(NDManager m, List<int[]> labels, int[] batch, int n, int classes) {
        float[] out = new float[batch.length * n * classes];
        for (int i = 0; i < batch.length; i++) {
            int[] l = labels.get(batch[i]);
            for (int j = 0; j < n; j++) {
                out[(i * n + j) * classes + l[j] + 1] = 1f;
            }
        }
        return NdArrays.owned(m, out, new Shape((long) batch.length * n, classes));
    }

    private static NDArray param(NDManager m, Random r, Shape shape, double std) {
        float[] v = new float[(int) shape.size()];
        if (std > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = TrainableVit.truncNormal(r, std);
            }
        }
        NDArray a = NdArrays.owned(m, v, shape);
        a.setRequiresGradient(true);
        return a;
    }

    /** Adds more parameters (heads, predictors) in the given name order. */
    static SortedMap<String, NDArray> merged(Map<String, NDArray> a, Map<String, NDArray> b) {
        TreeMap<String, NDArray> out = new TreeMap<>(a);
        for (Map.Entry<String, NDArray> e : b.entrySet()) {
            if (out.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " given twice");
            }
        }
        return out;
    }

    /** Warmup then cosine decay to 10% of {@code peak}. */
    static double schedule(int step, int total, double peak) {
        int warm = Math.max(1, total / 10);
        if (step < warm) {
            return peak * (step + 1) / warm;
        }
        double t = (step - warm) / (double) Math.max(1, total - warm);
        return peak * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
    }
}
