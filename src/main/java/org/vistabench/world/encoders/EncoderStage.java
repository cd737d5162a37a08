package org.vistabench.world.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.model.vision.VisionEncoder;
import org.vistabench.model.vision.VisionLoader;
import org.vistabench.tensor.NdArrays;

/**
 * Trains the mini world's three vision encoders and writes them in Hugging Face formats under {@code outDir}, each
 * with {@code config.json}, {@code model.safetensors} and {@code preprocessor_config.json}:
 * <ul>
 *   <li>{@code mini-dino/} — DINOv2 format (CLS + patches, layer-scale), 4 blocks. <b>Local objective</b>: linear heads
 *   on every patch token of hidden_states[-1] (the state the probe and the specs' projector read, before the final
 *   layernorm) predict that patch's object category and colour (background is its own class); loss = CE(category) +
 *   0.5 CE(colour), background patches weighted {@link EncoderTrainer#BACKGROUND_WEIGHT}. The heads are not saved.</li>
 *   <li>The two <b>global encoders</b> are built on a <b>stem</b>: the trained mini-dino's embeddings and all its
 *   blocks, copied and frozen ({@link TrainableVit#transplant}: layer-scales folded, CLIP's pixel normalisation folded
 *   into the patch embedding), with {@link #STEM_FRESH} fresh blocks on top that only their global objective trains
 *   (6 blocks in all); CLIP's pre-layernorm starts from a fit that undoes it on the stem's embeddings and trains with
 *   the fresh blocks. Why: object
 *   identity is what the captions need, and from these pixels only the dense objective learns it within a world
 *   budget. Trained from scratch at 500 x 32 and 3000 x 32 steps (encoders-6/7) the global objectives learned
 *   colours and backgrounds but hardly any category (image-level probe 0.116 / 0.128 against a majority of 0.078)
 *   and the CE-only projectors captioned at chance (recall 0.219 / 0.188 against 0.124 / 0.112 shuffled). Starting
 *   from the stem but training all blocks (500 x 32, lr 2e-3 or 3e-4) wiped the stem's object identity instead of
 *   spreading it (object-patch probe 0.85 falls to 0.10-0.43), since the read state is the stem's last block and
 *   nothing above it could gather. Real CLIP and I-JEPA recognise objects from their own pretraining; here the stem
 *   stands in for that, and what differs between the encoders is what their last blocks were trained to put in each
 *   patch token.
 *   <ul>
 *     <li>{@code mini-clip/} — CLIP vision format (pre-layernorm, quick GELU), saved as
 *     {@code CLIPVisionModelWithProjection} ({@code vision_model.*} + {@code visual_projection.weight}). <b>Global
 *     contrastive objective</b>: symmetric InfoNCE (temperature 0.1) between the projected, post-layernormed CLS
 *     embedding and a bag-of-words MLP text tower over the caption vocabulary, plus InfoNCE between <em>every</em>
 *     patch token of hidden_states[-2] (the first fresh block's output; through an unsaved projection) and the
 *     batch's object lists: each patch must pick its own image's objects out of the batch, wherever they are.</li>
 *     <li>{@code mini-ijepa/} — I-JEPA format (no CLS). <b>Global predictive objective</b> (I-JEPA's latent
 *     prediction): the encoder sees the image with four random rectangular patch blocks replaced by a mask token; an
 *     MLP predictor on every output patch token regresses the frozen target encoder's (the stem's) image-level
 *     summary of the whole image (its read state max-pooled over patches, layer-normalised).</li>
 *   </ul></li>
 * </ul>
 * Locality is never a flag: {@link EncoderProbe} measures it after training, on the saved files read back through
 * {@link VisionLoader}, at the hidden state the specs use (mini-dino -1, mini-clip -2, mini-ijepa -1). The last
 * {@code max(1, 15%)} of the images (at most the scale's probe test size) are held out of encoder training and are
 * the probe's test set. The probe figures of each build ({@code probe_object_acc}: a patch's own object;
 * {@code probe_image_acc}: every patch asked for the image's largest object) say where each encoder's content is.
 *
 * <p>Sizes: hidden 128, 4 heads, MLP 512, patch 14 on 112-pixel scenes (8×8 grid), 4 blocks for mini-dino and 4 + 2
 * for the global encoders at scale {@code default}; hidden 64, 2 (+ 2) blocks, MLP 256 at {@code tiny}. Position
 * tables start from the 2-D sine-cosine table. Schedules (default): dino 6300×16 at {@link #DINO_LR}, then clip and
 * ijepa side by side, 500×32 at 1e-3 (about 120 and 200 CPU seconds), AdamW (wd 0.05, clip 1.0), warmup + cosine.
 * The dense objective needs its budget (object-patch probe 0.43 at 700×16, 0.74 at 2100×16, 0.84 at 6300×16;
 * mini-dino/none caption recall 0.57 with the 0.74 encoder, 0.74 with the 0.84 one: the captions are bounded by what
 * the patch tokens hold, see {@code ProbeOracleBench}). The encoders train on scenes of their own, never on the
 * dataset's splits (see {@code WorldBuilder}).
 *
 * <p>Determinism: every random number comes from {@link java.util.Random} seeded from {@code seed}; each encoder is
 * trained on its own thread with torch set to one intra-op thread, so the same data and seed give byte-identical
 * files. Returned figures (sorted names, {@code <encoder>.<figure>}): probe_patch_acc, probe_object_acc,
 * probe_image_acc, majority_baseline, feature_std, loss_initial, loss_final, steps, batch, train_images,
 * reload_max_abs_diff, train_seconds (wall, training only), cpu_seconds (that thread's CPU time, training + probe),
 * plus {@code encoders.wall_seconds}. Times vary run to run; they belong in logs and READMEs, never in tables.
 */
public final class EncoderStage {
    /**
     * Part of the encoder stage's cache key: bump it whenever a change here changes the encoders a seed gives, so
     * cached worlds rebuild this stage (and only this stage).
     */
    public static final String VERSION = "encoders-8";

    private static final Logger LOG = LoggerFactory.getLogger(EncoderStage.class);

    /** Names of the three output folders, in build order. */
    public static final List<String> NAMES = List.of("mini-dino", "mini-clip", "mini-ijepa");

    /** The hidden state each encoder is probed at (the specs' choice). */
    static final Map<String, Integer> PROBE_LAYER = Map.of("mini-dino", -1, "mini-clip", -2, "mini-ijepa", -1);

    /**
     * Peak learning rate of the dense objective. At 2e-3 the 700 x 16 budget underfits (loss 1.09, object-patch
     * probe 0.30 on the world's scenes); 4e-3 gives 0.43, 8e-3 0.40 (measured with the heads on hidden_states[-1]).
     */
    static final double DINO_LR = 4e-3;

    /**
     * Blocks the global encoders add, trained with their own objectives, on top of their stem: the trained mini-dino's
     * embeddings and blocks, frozen (see the class comment).
     */
    static final int STEM_FRESH = 2;

    /**
     * How many scenes of their own the encoders are pretrained on (the world's splits are not among them): 10000 at
     * default scale (6300 x 16 dense steps are then about 10 epochs; at 2100 steps 10000 scenes gave no better probe
     * than 6000, the budget was the limit), 64 at tiny.
     */
    public static int pretrainScenes(String scale) {
        return "tiny".equals(scale) ? 64 : 10000;
    }

    /**
     * How many transformer layers encoder {@code name} has at {@code scale} (known before building: for checking
     * specs): mini-dino's, plus {@link #STEM_FRESH} for the global encoders built on it.
     */
    public static int layers(String scale, String name) {
        int dino = Settings.forScale(scale, 112, 14).dims().layers();
        return "mini-dino".equals(name) ? dino : dino + STEM_FRESH;
    }

    /** Sizes and budgets of one scale. */
    record Settings(TrainableVit.Dims dims, int projDim, EncoderTrainer.Schedule dino, EncoderTrainer.Schedule clip,
                    EncoderTrainer.Schedule ijepa, int probeTrainImages, int probeTestImages) {
        static Settings forScale(String scale, int imageSize, int patch) {
            TrainableVit.Dims dims = new TrainableVit.Dims(128, 4, 4, 512, imageSize, patch);
            // the tiny world (a few dozen scenes, a 32-wide LM) is for smoke runs: a smaller ViT keeps it fast
            TrainableVit.Dims small = new TrainableVit.Dims(64, 2, 4, 256, imageSize, patch);
            // Batch sizes follow each objective's needs: contrastive and masked prediction want more images per step,
            // the dense loss more steps.
            switch (scale == null ? "" : scale) {
                case "tiny":
                    return new Settings(small, 32, new EncoderTrainer.Schedule(60, 16, DINO_LR),
                            new EncoderTrainer.Schedule(30, 32, 2e-3), new EncoderTrainer.Schedule(24, 32, 2e-3),
                            96, 48);
                case "default":
                    return new Settings(dims, 64, new EncoderTrainer.Schedule(6300, 16, DINO_LR),
                            new EncoderTrainer.Schedule(500, 32, 1e-3), new EncoderTrainer.Schedule(500, 32, 1e-3),
                            384, 192);
                default:
                    throw new VistaException(ExitCodes.USAGE, "world.scale: expected tiny or default, got '" + scale
                            + "'");
            }
        }
    }

    private EncoderStage() {
    }

    /**
     * Trains and writes the three encoders; see the class comment. Each folder is built beside its target and moved
     * into place only when complete.
     *
     * @param scale {@code tiny} (≤ 20 s on two idle cores) or {@code default} (766 s measured on two cores, beside
     *     the LM stage)
     */
    public static Map<String, Double> build(EncoderTrainingData data, Path outDir, long seed, String scale) {
        Settings s = Settings.forScale(scale, data.imageSize(), data.patch());
        return build(data, outDir, seed, s);
    }

    static Map<String, Double> build(EncoderTrainingData data, Path outDir, long seed, Settings s) {
        return build(data, outDir, seed, s, null);
    }

    /**
     * As above; {@code presetDino} (the values of a trained mini-dino, for benches) skips training and writing
     * mini-dino and builds the global encoders on it.
     */
    static Map<String, Double> build(EncoderTrainingData data, Path outDir, long seed, Settings s,
                                     Map<String, float[]> presetDino) {
        check(data, s.dims());
        long t0 = System.nanoTime();
        int n = data.images().size();
        int nTest = Math.max(1, Math.min(s.probeTestImages(), (int) Math.round(n * 0.15)));
        if (n - nTest < 2) {
            throw new VistaException(ExitCodes.INTERNAL, "encoder stage: need at least 3 training scenes, got " + n);
        }
        int[] train = new int[n - nTest];
        for (int i = 0; i < train.length; i++) {
            train[i] = i;
        }
        ai.djl.engine.Engine.getInstance(); // loads the torch natives before any JniUtils call
        int previousThreads = JniUtils.getNumThreads();
        // one thread per encoder: on two cores the three jobs share the machine evenly, whatever their lengths
        ExecutorService pool = Executors.newFixedThreadPool(NAMES.size(), r -> {
            Thread t = new Thread(r, "encoder-stage");
            t.setDaemon(true);
            return t;
        });
        TreeMap<String, Double> out = new TreeMap<>();
        try {
            List<Future<SortedMap<String, Double>>> jobs = new ArrayList<>();
            CompletableFuture<Map<String, float[]>> dino = new CompletableFuture<>();
            if (presetDino != null) {
                dino.complete(presetDino);
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < NAMES.size(); i++) {
                String name = NAMES.get(i);
                long jobSeed = seed * 1_000_003L + 7919L * (i + 1);
                if (name.equals("mini-dino")) {
                    if (presetDino == null) {
                        names.add(name);
                        jobs.add(pool.submit(() -> one(name, data, train, nTest, outDir, jobSeed, s, null, dino)));
                    }
                } else {
                    names.add(name);
                    // the global encoders start once mini-dino, their stem, is trained
                    jobs.add(pool.submit(() -> one(name, data, train, nTest, outDir, jobSeed, s,
                            new EncoderTrainer.Stem(dino.get(), s.dims().layers(), STEM_FRESH), null)));
                }
            }
            for (int i = 0; i < jobs.size(); i++) {
                for (Map.Entry<String, Double> e : jobs.get(i).get().entrySet()) {
                    out.put(names.get(i) + "." + e.getKey(), e.getValue());
                }
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new VistaException(ExitCodes.INTERNAL, "encoder stage failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VistaException(ExitCodes.INTERNAL, "encoder stage interrupted", e);
        } finally {
            pool.shutdownNow();
            JniUtils.setNumThreads(previousThreads);
        }
        out.put("encoders.wall_seconds", (System.nanoTime() - t0) / 1e9);
        for (String name : NAMES) {
            if (!out.containsKey(name + ".steps")) {
                continue;
            }
            LOG.info(String.format(Locale.ROOT, "encoders: %s probe(layer %d) patch %.3f object %.3f majority %.3f,"
                            + " image %.3f (majority %.3f), loss %.3f -> %.3f, %d steps x %d, train %.1f s wall,"
                            + " %.1f s cpu", name,
                    PROBE_LAYER.get(name), out.get(name + ".probe_patch_acc"), out.get(name + ".probe_object_acc"),
                    out.get(name + ".majority_baseline"), out.get(name + ".probe_image_acc"),
                    out.get(name + ".probe_image_majority"), out.get(name + ".loss_initial"),
                    out.get(name + ".loss_final"), out.get(name + ".steps").intValue(),
                    out.get(name + ".batch").intValue(), out.get(name + ".train_seconds"),
                    out.get(name + ".cpu_seconds")));
        }
        LOG.info(String.format(Locale.ROOT, "encoders: stage %.1f s wall", out.get("encoders.wall_seconds")));
        return out;
    }

    /** Trains, writes, reloads and probes one encoder on the calling (worker) thread. */
    private static SortedMap<String, Double> one(String name, EncoderTrainingData data, int[] train, int nTest,
                                                 Path outDir, long seed, Settings s, EncoderTrainer.Stem stem,
                                                 CompletableFuture<Map<String, float[]>> values) {
        try {
            return trainOne(name, data, train, nTest, outDir, seed, s, stem, values);
        } catch (RuntimeException | Error e) {
            if (values != null) {
                values.completeExceptionally(e);
            }
            throw e;
        }
    }

    private static SortedMap<String, Double> trainOne(String name, EncoderTrainingData data, int[] train, int nTest,
                                                      Path outDir, long seed, Settings s, EncoderTrainer.Stem stem,
                                                      CompletableFuture<Map<String, float[]>> values) {
        // torch reads its intra-op thread count per thread; one thread keeps every reduction in a fixed order
        JniUtils.setNumThreads(1);
        JniUtils.setGradMode(false);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : 0;
        long t0 = System.nanoTime();
        Family family = switch (name) {
            case "mini-dino" -> Family.DINOV2;
            case "mini-clip" -> Family.CLIP;
            default -> Family.IJEPA;
        };
        Pixels pixels = new Pixels(family, data.imageSize());
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderTrainer.Trained t = switch (family) {
                case DINOV2 -> EncoderTrainer.dino(data, train, s.dims(), pixels, s.dino(), seed, m);
                case CLIP -> EncoderTrainer.clip(data, train, globalDims(s, stem), s.projDim(), pixels, s.clip(), seed,
                        m, stem);
                case IJEPA -> EncoderTrainer.ijepa(data, train, globalDims(s, stem), pixels, s.ijepa(), seed, m, stem);
            };
            if (values != null) {
                values.complete(t.vit().values());
            }
            double trainSeconds = (System.nanoTime() - t0) / 1e9;
            TreeMap<String, Double> figs = new TreeMap<>(t.figures());
            figs.put("train_seconds", trainSeconds);
            figs.put("train_images", (double) train.length);
            Path target = outDir.resolve(name);
            Path tmp = AtomicFiles.tempDirectoryBeside(target);
            try {
                write(t, family, s, seed, pixels, tmp);
                int n = data.images().size();
                List<float[]> testImages = data.images().subList(n - nTest, n);
                List<int[]> testLabels = data.patchClass().subList(n - nTest, n);
                int probeTrain = Math.min(train.length, s.probeTrainImages());
                try (VisionEncoder enc = VisionLoader.load(tmp, m)) {
                    double diff = reloadDifference(t.vit(), enc, pixels, data.images(), Math.min(4, nTest), n - nTest, m);
                    figs.put("reload_max_abs_diff", diff);
                    if (!(diff <= 1e-4)) {
                        throw new VistaException(ExitCodes.INTERNAL, tmp + ": reloaded " + name
                                + " differs from the trained model by " + diff + " (> 1e-4)");
                    }
                    int layer = PROBE_LAYER.get(name);
                    int d = enc.config().hiddenSize();
                    float[] xTrain = EncoderProbe.features(enc, layer, pixels.processor(),
                            data.images().subList(0, probeTrain), m);
                    float[] xTest = EncoderProbe.features(enc, layer, pixels.processor(), testImages, m);
                    EncoderProbe.Result p = EncoderProbe.run(xTrain, data.patchClass().subList(0, probeTrain), xTest,
                            testLabels, d, data.numCategories(), m);
                    figs.put("probe_patch_acc", p.patchAcc());
                    figs.put("probe_object_acc", p.objectAcc());
                    figs.put("majority_baseline", p.majorityBaseline());
                    figs.put("feature_std", p.featureStd());
                    // global content: every patch (background included) asked for the image's largest object
                    EncoderProbe.Result g = EncoderProbe.run(xTrain,
                            mainObject(data.patchClass().subList(0, probeTrain)), xTest, mainObject(testLabels), d,
                            data.numCategories(), m);
                    figs.put("probe_image_acc", g.patchAcc());
                    figs.put("probe_image_majority", g.majorityBaseline());
                }
                t.vit().close();
                AtomicFiles.replaceDirectory(tmp, target);
            } catch (RuntimeException e) {
                deleteQuietly(tmp);
                throw e;
            }
            figs.put("cpu_seconds", mx.isCurrentThreadCpuTimeSupported()
                    ? (mx.getCurrentThreadCpuTime() - cpu0) / 1e9 : Double.NaN);
            return figs;
        }
    }

    /** A global encoder's sizes: mini-dino's, with the stem's fresh blocks on top. */
    static TrainableVit.Dims globalDims(Settings s, EncoderTrainer.Stem stem) {
        TrainableVit.Dims d = s.dims();
        return new TrainableVit.Dims(d.hidden(), stem.blocks() + stem.fresh(), d.heads(), d.mlp(), d.imageSize(),
                d.patch());
    }

    /** Per image, every patch labelled with the category owning most of the image's patches (ties: lowest). */
    static List<int[]> mainObject(List<int[]> patchClass) {
        List<int[]> out = new ArrayList<>();
        for (int[] l : patchClass) {
            Map<Integer, Integer> counts = new TreeMap<>();
            for (int c : l) {
                if (c >= 0) {
                    counts.merge(c, 1, Integer::sum);
                }
            }
            int best = -1;
            for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
                if (best < 0 || e.getValue() > counts.get(best)) {
                    best = e.getKey();
                }
            }
            int[] row = new int[l.length];
            Arrays.fill(row, best);
            out.add(row);
        }
        return out;
    }

    private static void deleteQuietly(Path dir) {
        try {
            AtomicFiles.deleteTree(dir);
        } catch (java.io.IOException e) {
            LOG.warn("encoders: could not remove the unfinished folder {}: {}", dir, e.getMessage());
        }
    }

    /** Largest |training forward - loader forward| over all hidden states and last_hidden_state of a few images. */
    static double reloadDifference(TrainableVit vit, VisionEncoder enc, Pixels pixels, List<float[]> images, int count,
                                   int from, NDManager manager) {
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = from + i;
        }
        double worst = 0;
        try (NDManager m = manager.newSubManager()) {
            vit.tempAttach(m);
            NDArray x = pixels.batch(m, images, idx);
            TrainableVit.Output mine = vit.forward(x, null, null, null);
            var theirs = enc.forward(x);
            for (int i = 0; i < mine.hidden().size(); i++) {
                worst = Math.max(worst, maxAbs(mine.hidden().get(i), theirs.hiddenStates().get(i)));
            }
            worst = Math.max(worst, maxAbs(mine.last(), theirs.lastHiddenState()));
        }
        return worst;
    }

    private static double maxAbs(NDArray a, NDArray b) {
        float[] x = NdArrays.toFloats(a);
        float[] y = NdArrays.toFloats(b);
        if (x.length != y.length) {
            return Double.POSITIVE_INFINITY;
        }
        double w = 0;
        for (int i = 0; i < x.length; i++) {
            w = Math.max(w, Math.abs(x[i] - y[i]));
        }
        return w;
    }

    static void write(EncoderTrainer.Trained t, Family family, Settings s, long seed, Pixels pixels,
                              Path dir) {
        t.vit().save(dir.resolve("model.safetensors"), t.saveExtra());
        TrainableVit.Dims d = t.vit().dims();
        TreeMap<String, Object> c = new TreeMap<>();
        c.put("model_type", family.modelType);
        c.put("hidden_size", d.hidden());
        c.put("num_hidden_layers", d.layers());
        c.put("num_attention_heads", d.heads());
        c.put("image_size", d.imageSize());
        c.put("patch_size", d.patch());
        c.put("num_channels", 3);
        c.put("hidden_act", family.act);
        c.put("layer_norm_eps", family.eps);
        c.put("initializer_range", 0.02);
        c.put("torch_dtype", "float32");
        switch (family) {
            case DINOV2 -> {
                c.put("architectures", List.of("Dinov2Model"));
                c.put("mlp_ratio", d.mlp() / d.hidden());
                c.put("layerscale_value", 1.0);
                c.put("qkv_bias", true);
                c.put("use_swiglu_ffn", false);
                c.put("use_mask_token", true);
                c.put("attention_probs_dropout_prob", 0.0);
                c.put("hidden_dropout_prob", 0.0);
                c.put("drop_path_rate", 0.0);
                c.put("vistabench_objective", "dense per-patch category + colour classification");
            }
            case CLIP -> {
                c.put("architectures", List.of("CLIPVisionModelWithProjection"));
                c.put("intermediate_size", d.mlp());
                c.put("projection_dim", s.projDim());
                c.put("attention_dropout", 0.0);
                c.put("initializer_factor", 1.0);
                c.put("vistabench_objective", "InfoNCE: CLS against a bag-of-words caption tower, every patch against"
                        + " the image's object list");
            }
            case IJEPA -> {
                c.put("architectures", List.of("IJepaModel"));
                c.put("intermediate_size", d.mlp());
                c.put("qkv_bias", true);
                c.put("attention_probs_dropout_prob", 0.0);
                c.put("hidden_dropout_prob", 0.0);
                c.put("vistabench_objective", "from a block-masked view, every patch predicts the categories and"
                        + " colours the image holds");
            }
        }
        c.put("vistabench_seed", seed);
        try {
            AtomicFiles.writeString(dir.resolve("config.json"), Json.MAPPER.writeValueAsString(c) + "\n");
            AtomicFiles.writeString(dir.resolve("preprocessor_config.json"),
                    Json.MAPPER.writeValueAsString(pixels.json()) + "\n");
        } catch (JsonProcessingException e) {
            throw new VistaException(ExitCodes.INTERNAL, dir + ": cannot write config: " + e.getMessage(), e);
        }
    }

    private static void check(EncoderTrainingData data, TrainableVit.Dims dims) {
        int n = data.images().size();
        int per = 3 * data.imageSize() * data.imageSize();
        int patches = dims.patches();
        if (data.patchClass().size() != n || data.patchColour().size() != n || data.captions().size() != n) {
            throw new VistaException(ExitCodes.INTERNAL, "encoder data: " + n + " images but "
                    + data.patchClass().size() + " patchClass, " + data.patchColour().size() + " patchColour and "
                    + data.captions().size() + " captions");
        }
        for (int i = 0; i < n; i++) {
            if (data.images().get(i).length != per) {
                throw new VistaException(ExitCodes.INTERNAL, "encoder data: image " + i + " has "
                        + data.images().get(i).length + " values, expected 3x" + data.imageSize() + "x"
                        + data.imageSize() + " = " + per);
            }
            checkLabels("patchClass", i, data.patchClass().get(i), patches, data.numCategories());
            checkLabels("patchColour", i, data.patchColour().get(i), patches, data.numColours());
        }
    }

    private static void checkLabels(String what, int image, int[] l, int patches, int classes) {
        if (l.length != patches) {
            throw new VistaException(ExitCodes.INTERNAL, "encoder data: " + what + " of image " + image + " has "
                    + l.length + " entries, expected " + patches);
        }
        for (int v : l) {
            if (v < -1 || v >= classes) {
                throw new VistaException(ExitCodes.INTERNAL, "encoder data: " + what + " of image " + image
                        + " holds " + v + ", expected -1.." + (classes - 1));
            }
        }
    }
}
