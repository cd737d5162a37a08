package org.vistabench.cell;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.data.feature.CachedFeatures;
import org.vistabench.data.feature.FeatureCache;
import org.vistabench.data.feature.FeatureKey;
import org.vistabench.data.feature.FeatureSource;
import org.vistabench.data.feature.StreamingFeatures;
import org.vistabench.hf.ModelResolver;
import org.vistabench.model.projector.VisualPrompt;
import org.vistabench.model.sae.Sae;
import org.vistabench.model.sae.SaeLabels;
import org.vistabench.spec.EncoderSpec;
import org.vistabench.spec.LlmSpec;
import org.vistabench.spec.Spec;
import org.vistabench.tensor.DjlRuntime;
import org.vistabench.tensor.Precision;
import org.vistabench.train.PromptedExamples;
import org.vistabench.train.TextStats;
import org.vistabench.train.TrainExample;

/**
 * The run-wide objects the providers share through {@link CellContext#shared}: the dataset, each LM (with its
 * SAEs), each encoder, the feature cache per encoder and split, and each LM's text statistics. Keys:
 * {@code data}, {@code lm:<id>}, {@code encoder:<id>}, {@code features:<encoder>:<split>}, {@code textstats:<llm>}.
 */
public final class Resources {
    private static final Logger LOG = LoggerFactory.getLogger(Resources.class);
    public static final String DEFAULT_QUESTION = "What is shown in this image?";
    /** Text-only prompts used for the normalisers and the random SAE's calibration. */
    static final int TEXT_STATS_PROMPTS = 256;
    static final int TEXT_STATS_ROWS = 4096;

    private Resources() {
    }

    public static Device device(Spec spec) {
        String choice = spec.train() == null || spec.train().device() == null ? "auto" : spec.train().device();
        String precision = spec.train() == null || spec.train().precision() == null ? "fp32" : spec.train().precision();
        return DjlRuntime.device(choice, Precision.parse(precision));
    }

    public static DataBundle data(CellContext ctx) {
        return ctx.shared("data", () -> DataBundles.open(ctx.spec(), ctx));
    }

    /** A spec path: {@code world:...} inside the built world, {@code hf:org/name}, or relative to the spec file. */
    public static Path resolve(CellContext ctx, String ref) {
        if (ref.startsWith("world:")) {
            return DataBundles.resolveWorldPath(ctx, ref);
        }
        Path specDir = ctx.spec().file() == null ? Path.of(".") : ctx.spec().file().toAbsolutePath().getParent();
        return ModelResolver.resolve(ref, specDir);
    }

    public static LmBundle lm(CellContext ctx) {
        LlmSpec s = ctx.spec().llm(ctx.cell().llm());
        return ctx.shared("lm:" + s.id(), () -> LmBundle.load(s.id(), resolve(ctx, s.path()),
                s.saes() == null ? null : resolve(ctx, s.saes().path()), s.saes() == null ? null : s.saes().format(),
                s.saes() == null ? org.vistabench.model.sae.SaeChoice.defaults() : LmBundle.choice(s.saes()),
                device(ctx.spec())));
    }

    public static EncoderBundle encoder(CellContext ctx) {
        EncoderSpec e = ctx.spec().encoder(ctx.cell().encoder());
        return ctx.shared("encoder:" + e.id(), () -> EncoderBundle.load(e.id(), resolve(ctx, e.path()), e.layer(),
                e.tokens(), device(ctx.spec())));
    }

    /** Where feature caches live: param {@code feature_cache}, else {@code $VISTABENCH_HOME/features}, else {@code ~/.vistabench/features}. */
    public static Path featureCacheRoot(CellContext ctx) {
        Object p = ctx.params().get("feature_cache");
        if (p != null) {
            return Path.of(p.toString());
        }
        String home = System.getenv("VISTABENCH_HOME");
        return home != null && !home.isBlank() ? Path.of(home, "features")
                : Path.of(System.getProperty("user.home"), ".vistabench", "features");
    }

    /** Features of every image of a split, from the cache (computed on first use, with a progress bar). */
    public static CachedFeatures features(CellContext ctx, String split) {
        EncoderBundle enc = encoder(ctx);
        DataBundle data = data(ctx);
        return ctx.shared("features:" + enc.id() + ":" + split, () -> {
            ImageSplit s = data.split(split);
            long[] ids = s.imageIds().stream().mapToLong(Long::longValue).toArray();
            FeatureKey key = new FeatureKey(enc.id(), enc.weightsHash(), enc.layer(), enc.tokens(), data.id() + "/"
                    + split, "ImageProcessor.forModel/v1", FeatureCache.hashIds(ids));
            FeatureCache cache = new FeatureCache(featureCacheRoot(ctx), ctx.progress());
            long t0 = System.nanoTime();
            CachedFeatures f = cache.getOrCompute(key, ids, (from, to) -> {
                List<java.awt.image.BufferedImage> imgs = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    imgs.add(s.image(ids[i]));
                }
                return enc.features(imgs);
            }, "features " + enc.id() + "/" + split);
            ctx.partSeconds("setup.features", (System.nanoTime() - t0) / 1e9);
            return f;
        });
    }

    /** Above this many bytes of features a training split is streamed under {@code features: auto}. */
    static final double DEFAULT_FEATURE_CACHE_MAX_GB = 16;

    /**
     * The features a training split feeds the trainer. Param {@code features} of {@code metrics.train}: {@code cache}
     * (stored once per encoder and split, {@link #features}), {@code stream} (encoded per batch,
     * {@link StreamingFeatures}), or {@code auto} (the default): cache unless the split's features would take more than
     * {@code feature_cache_max_gb} (default {@value #DEFAULT_FEATURE_CACHE_MAX_GB}) GB, measured from one image's
     * shape. The mini world's splits are a few hundred MB: cached.
     */
    public static FeatureSource trainingFeatures(CellContext ctx, String split) {
        String mode = param(ctx.params(), "features", "auto");
        if (!List.of("auto", "cache", "stream").contains(mode)) {
            throw new VistaException(ExitCodes.USAGE, ctx.spec().file() + ": metrics.train.features: expected auto,"
                    + " cache or stream, got '" + mode + "'");
        }
        if (mode.equals("cache")) {
            return features(ctx, split);
        }
        EncoderBundle enc = encoder(ctx);
        ImageSplit s = data(ctx).split(split);
        long[] ids = s.imageIds().stream().mapToLong(Long::longValue).toArray();
        StreamingFeatures streaming = ctx.shared("streamed:" + enc.id() + ":" + split,
                () -> new StreamingFeatures(ids, rows -> {
                    List<java.awt.image.BufferedImage> imgs = new ArrayList<>(rows.length);
                    for (int r : rows) {
                        imgs.add(s.image(ids[r]));
                    }
                    return enc.features(imgs);
                }));
        if (mode.equals("stream")) {
            return streaming;
        }
        double gb = (double) ids.length * streaming.tokens() * streaming.dim() * Float.BYTES / 1e9;
        double max = doubleParam(ctx.params(), "feature_cache_max_gb", DEFAULT_FEATURE_CACHE_MAX_GB);
        if (gb <= max) {
            return features(ctx, split);
        }
        LOG.info("{}/{}: {} images x {} x {} floats = {} GB of features, over feature_cache_max_gb {}: encoded per"
                + " batch instead of cached", enc.id(), split, ids.length, streaming.tokens(), streaming.dim(),
                String.format(java.util.Locale.ROOT, "%.1f", gb), max);
        return streaming;
    }

    /** The visual prompt of an LM for a question, with {@code imageTokens} visual tokens. */
    public static VisualPrompt prompt(LmBundle lm, String question, int imageTokens) {
        String ph = lm.template().imagePlaceholder();
        return VisualPrompt.split(lm.template().userTurn(ph + " " + question), ph, imageTokens, lm.encode(),
                lm.padId());
    }

    /** Feature row {@code row} must be the split's image {@code id} (the features were made in the split's order). */
    private static void requireRow(FeatureSource feats, int row, long id) {
        if (feats.imageId(row) != id) {
            throw new IllegalStateException("feature row " + row + " is image " + feats.imageId(row) + ", expected "
                    + id);
        }
    }

    /** Examples for the first {@code limit} images of a split (feature row i = split image i). */
    public static List<TrainExample> examples(LmBundle lm, ImageSplit split, FeatureSource feats, String question,
                                              int limit) {
        List<Long> ids = split.imageIds();
        int n = Math.min(limit, ids.size());
        List<TrainExample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long id = ids.get(i);
            requireRow(feats, i, id);
            out.add(new TrainExample(i, lm.encode().apply(split.answer(id, question) + lm.template().endOfTurn())));
        }
        return out;
    }

    /**
     * A training stage's prompt and examples from a split. A split without questions of its own
     * ({@link ImageSplit#question} gives the fallback for every image) trains exactly as {@link #prompt} and
     * {@link #examples} with {@code question}. A split with its own questions (a LLaVA conversation set) gets the
     * prompt {@code userTurn("<image>\n" + q)} cut right after the image and its newline, the part every example
     * shares; each example's ids are then {@code q + end-of-turn + model header} (its context: fed, no loss) followed
     * by its answer and end-of-turn. An image of such a split without its own question uses {@code question} there.
     *
     * <p>Tokenization: the shared newline, the context and the answer are tokenized separately (as the prompt and
     * the answer always were), not as one string. LLaVA splits at the image the same way and tokenizes the text after
     * it as one chunk; the extra cut after the newline changes nothing for a tokenizer that never merges a newline
     * into the following word (Llama 3's pre-tokenizer splits newlines off) and may differ for one that does (not
     * checked against Gemma's real tokenizer: the tests use word-level ones).
     */
    public static PromptedExamples promptedExamples(LmBundle lm, ImageSplit split, FeatureSource feats,
                                                    String question, int limit) {
        List<Long> ids = split.imageIds();
        int n = Math.min(limit, ids.size());
        boolean own = false;
        for (int i = 0; i < n && !own; i++) {
            own = split.question(ids.get(i), null) != null;
        }
        if (!own) {
            return new PromptedExamples(prompt(lm, question, feats.tokens()), examples(lm, split, feats, question,
                    limit));
        }
        String ph = lm.template().imagePlaceholder();
        String sep = "\n";
        String probe = lm.template().userTurn(ph + sep + "x");
        int at = probe.indexOf(ph);
        // A tokenizer may give no id for the newline (a word-level one): the prompt then ends at the image.
        VisualPrompt prompt = new VisualPrompt(lm.encode().apply(probe.substring(0, at)), feats.tokens(),
                lm.encode().apply(sep), lm.padId(), true);
        List<TrainExample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long id = ids.get(i);
            requireRow(feats, i, id);
            String q = split.question(id, question).strip();
            String turn = lm.template().userTurn(ph + sep + q);
            long[] context = lm.encode().apply(turn.substring(turn.indexOf(ph) + ph.length() + sep.length()));
            long[] answer = lm.encode().apply(split.answer(id, q) + lm.template().endOfTurn());
            long[] all = new long[context.length + answer.length];
            System.arraycopy(context, 0, all, 0, context.length);
            System.arraycopy(answer, 0, all, context.length, answer.length);
            out.add(new TrainExample(i, all, context.length));
        }
        return new PromptedExamples(prompt, out);
    }

    /**
     * The frozen LM's text statistics at the SAE layers (residual mean squared norm, SAE L0), from up to
     * {@value #TEXT_STATS_PROMPTS} question + answer sequences of the train split: once per LM per run.
     */
    public static TextStats textStats(CellContext ctx, LmBundle lm, DataBundle data, String question,
                                      SortedMap<Integer, Sae> saes) {
        return ctx.shared("textstats:" + lm.id(), () -> {
            ImageSplit s = data.split("train");
            List<long[]> seqs = new ArrayList<>();
            long[] head = lm.encode().apply(lm.template().userTurn(question));
            for (long id : s.imageIds()) {
                if (seqs.size() >= TEXT_STATS_PROMPTS) {
                    break;
                }
                long[] a = lm.encode().apply(s.answer(id, question) + lm.template().endOfTurn());
                long[] seq = new long[head.length + a.length];
                System.arraycopy(head, 0, seq, 0, head.length);
                System.arraycopy(a, 0, seq, head.length, a.length);
                seqs.add(seq);
            }
            TextStats t = TextStats.compute(lm.backbone(), lm.manager(), seqs, saes, TEXT_STATS_ROWS, 32,
                    lm.padId());
            LOG.info("{}: text residual mean squared norm per layer {}, SAE L0 {}", lm.id(), t.meanSqNorm(),
                    t.saeL0());
            return t;
        });
    }

    /**
     * Each SAE layer's latent labels: the spec's {@code saes.labels} when it names some ({@link SaeLabelFiles}), else
     * the first {@code labels.json} found walking up from the layer's SAE file to the
     * SAE root (the mini world writes {@code layer_<L>/labels.json}). A layer without one has no labels (its latents
     * can never match), said once in the log. Once per LM per run.
     */
    public static SortedMap<Integer, SaeLabels> labels(CellContext ctx, LmBundle lm) {
        return ctx.shared("labels:" + lm.id(), () -> {
            SortedMap<Integer, SaeLabels> out = new java.util.TreeMap<>();
            if (lm.saes() == null) {
                return out;
            }
            LlmSpec spec = ctx.spec().llms().stream().filter(l -> l.id().equals(lm.id())).findFirst().orElse(null);
            if (spec != null && spec.saes() != null && spec.saes().labels() != null) {
                // the spec's labels: take precedence over any labels.json beside the SAE files
                out.putAll(SaeLabelFiles.read(spec.saes().labels(), lm.saes().layers(), ref -> resolve(ctx, ref)));
                for (int layer : lm.saes().layers()) {
                    if (!out.containsKey(layer)) {
                        LOG.warn("{}: saes.labels {} has no labels for layer {}; its latents cannot match", lm.id(),
                                spec.saes().labels(), layer);
                    }
                }
                return out;
            }
            Path root = lm.saes().root().toAbsolutePath().normalize();
            for (int layer : lm.saes().layers()) {
                Path dir = lm.saes().source(layer).toAbsolutePath().normalize();
                dir = java.nio.file.Files.isDirectory(dir) ? dir : dir.getParent();
                while (dir != null && dir.startsWith(root)) {
                    Path f = dir.resolve("labels.json");
                    if (java.nio.file.Files.isRegularFile(f)) {
                        out.put(layer, SaeLabels.read(f));
                        break;
                    }
                    dir = dir.getParent();
                }
                if (!out.containsKey(layer)) {
                    LOG.warn("{}: no labels.json for the layer-{} SAE under {}; its latents cannot match", lm.id(),
                            layer, root);
                }
            }
            return out;
        });
    }

    /** A provider parameter as a string, with a default. */
    public static String param(Map<String, Object> params, String key, String dflt) {
        Object v = params.get(key);
        return v == null ? dflt : v.toString();
    }

    public static int intParam(Map<String, Object> params, String key, int dflt) {
        Object v = params.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString());
        } catch (NumberFormatException e) {
            throw new VistaException(ExitCodes.USAGE, "metrics param " + key + ": expected an integer, got " + v);
        }
    }

    public static double doubleParam(Map<String, Object> params, String key, double dflt) {
        Object v = params.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(v.toString());
        } catch (NumberFormatException e) {
            throw new VistaException(ExitCodes.USAGE, "metrics param " + key + ": expected a number, got " + v);
        }
    }

    /** How many held-out images the measurements use: {@code train.eval_images}, or all when it is unset or 0. */
    public static int evalLimit(Spec spec) {
        return spec.train() != null && spec.train().evalImages() > 0 ? spec.train().evalImages() : Integer.MAX_VALUE;
    }

    /** The cell's trained projector, which {@code provider} needs {@code metrics.train} to have made before it. */
    public static TrainedCell trained(CellContext ctx, String provider, String why) {
        Object a = ctx.artefacts().get(TrainedCell.KEY);
        if (!(a instanceof TrainedCell tc)) {
            throw new VistaException(ExitCodes.USAGE, ctx.spec().file() + ": metrics." + provider + " needs"
                    + " metrics.train before it (" + why + ")");
        }
        return tc;
    }
}
