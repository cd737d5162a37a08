package org.vistabench.world;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.io.Sha256;
import org.vistabench.world.encoders.EncoderStage;
import org.vistabench.world.encoders.EncoderTrainingData;
import org.vistabench.world.encoders.PackedImages;
import org.vistabench.world.lm.LmCorpus;
import org.vistabench.world.lm.LmStage;
import org.vistabench.world.lm.MiniGemma;
import org.vistabench.world.lm.MiniGemmaConfig;
import org.vistabench.world.sae.SaeLabeler;
import org.vistabench.world.sae.SaeStage;
import org.vistabench.world.sae.SaeTrainer;
import org.vistabench.world.scene.ContactSheet;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.scene.RenderedScene;
import org.vistabench.world.scene.SceneGenerator;
import org.vistabench.world.text.Grammar;
import org.vistabench.world.text.WordTokenizer;

/**
 * Builds and verifies a world folder stage by stage: scenes → lm → saes, scenes → encoders. Each stage has a key
 * (sha256 of the code version, the settings it uses and the keys of its inputs) and the sha256 of every file it
 * wrote, both in {@code manifest.json}. A stage is rebuilt when its key changed or a file of it is missing or does
 * not hash as recorded (the file is named with both hashes); its dependents are rebuilt with it. A stage is built into
 * a temp folder beside its target and renamed into place, so a crash never leaves a half-written stage.
 */
public final class WorldBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(WorldBuilder.class);

    /**
     * @param threads torch intra-op threads for the build (1 gives bit-identical files on every machine)
     * @param force rebuild every stage even when the cache verifies
     * @param progress draw a progress bar per stage on stderr
     */
    public record Options(int threads, boolean force, boolean progress) {
        public static Options defaults() {
            return new Options(1, false, true);
        }
    }

    private final WorldSettings settings;
    private final Path root;
    private final Options options;
    private final Lexicon lex = Lexicon.mini();
    private final Map<String, SceneStage.Split> splits = new TreeMap<>();
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    private WorldBuilder(WorldSettings settings, Path root, Options options) {
        this.settings = settings;
        this.root = root;
        this.options = options;
    }

    /** The folder name of a world: the first 16 hex digits of the hash of the code version and the settings. */
    public static String worldKey(WorldSettings s) {
        return Sha256.hex(json(Map.of("code", Stages.CODE_VERSION, "settings", s.toMap()))).substring(0, 16);
    }

    /** Builds what is missing or stale under {@code cacheRoot/<worldKey>} and returns the world folder. */
    public static Path ensure(WorldSettings s, Path cacheRoot, Options options) {
        Path root = cacheRoot.resolve(worldKey(s)).toAbsolutePath();
        return new WorldBuilder(s, root, options).run();
    }

    /**
     * Checks every file recorded in a built world's manifest; returns one line per problem (a missing file, or a
     * file whose sha256 differs, with both hashes), empty when the world verifies.
     */
    public static List<String> verifyFiles(Path worldRoot) {
        WorldBuilder b = new WorldBuilder(null, worldRoot, Options.defaults());
        List<String> problems = new ArrayList<>();
        Map<String, StageRecord> stages = b.readManifest();
        if (stages.isEmpty()) {
            problems.add(worldRoot.resolve("manifest.json") + ": missing or unreadable");
        }
        for (Map.Entry<String, StageRecord> e : stages.entrySet()) {
            String why = b.verify(e.getKey(), e.getValue(), e.getValue().key());
            if (why != null) {
                problems.add("stage " + e.getKey() + ": " + why);
            }
        }
        return problems;
    }

    private Path run() {
        long start = System.nanoTime();
        Engine.getEngine("PyTorch");
        int previousThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(options.threads());
        try {
            Map<String, StageRecord> old = readManifest();
            Map<String, StageRecord> now = new LinkedHashMap<>();
            Map<String, String> keys = new LinkedHashMap<>();
            // The LM reads layouts (word grids and captions drawn in memory), never the pixels or the files of the
            // scene stage: its key names the layout settings only, so a change in how scenes are drawn leaves it cached.
            String layouts = stageKey("scenes", Map.of("settings", sceneSettings()));
            keys.put("scenes", stageKey("scenes", Map.of("settings", sceneSettings(),
                    "painter", SceneGenerator.PAINTER_VERSION)));
            keys.put("lm", stageKey("lm", Map.of("scenes", layouts,
                    "arch", settings.toMap().get("lm_arch"),
                    "train", settings.toMap().get("lm_train"), "corpus", settings.toMap().get("lm_corpus"))));
            keys.put("saes", stageKey("saes", Map.of("lm", keys.get("lm"), "sae", settings.toMap().get("sae"),
                    "data", settings.toMap().get("sae_data"))));
            keys.put("encoders", stageKey("encoders", Map.of("scenes", keys.get("scenes"), "code", EncoderStage.VERSION,
                    "pretrain_scenes", EncoderStage.pretrainScenes(settings.scale()))));
            Map<String, List<String>> deps = Map.of("scenes", List.of(), "lm", List.of(),
                    "saes", List.of("lm"), "encoders", List.of("scenes"));
            boolean anyBuilt = false;
            // The encoder stage needs only the scenes and trains on its own threads, while the LM stage trains on
            // options.threads() (1 by default): on two cores it runs beside the LM and SAE stages instead of after them.
            java.util.concurrent.ExecutorService side = null;
            java.util.concurrent.Future<StageRecord> encoders = null;
            try {
                for (String stage : Stages.ALL) {
                    if (stage.equals(SIDE_STAGE) && encoders != null) {
                        now.put(stage, join(encoders));
                        anyBuilt = true;
                        continue;
                    }
                    String why = why(stage, deps, now, old, keys);
                    if (why == null) {
                        StageRecord prev = old.get(stage);
                        now.put(stage, new StageRecord(prev.key(), "missing".equals(prev.status()) ? "cached-missing"
                                : "cached", prev.files(), prev.quality(), prev.reason()));
                        LOG.info("world {}: stage {} is cached and verified", root.getFileName(), stage);
                    } else {
                        now.put(stage, timedBuild(stage, keys.get(stage), old.get(stage), why));
                        anyBuilt = true;
                    }
                    if (stage.equals("scenes")) {
                        String sideWhy = why(SIDE_STAGE, deps, now, old, keys);
                        if (sideWhy != null) {
                            side = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                                Thread t = new Thread(r, "world-encoders");
                                t.setDaemon(true);
                                return t;
                            });
                            StageRecord prev = old.get(SIDE_STAGE);
                            encoders = side.submit(() -> timedBuild(SIDE_STAGE, keys.get(SIDE_STAGE), prev, sideWhy));
                        }
                    }
                }
            } finally {
                if (side != null) {
                    side.shutdownNow();
                }
            }
            if (anyBuilt || !Files.exists(root.resolve("README.md"))) {
                writeManifest(now);
                double total = (System.nanoTime() - start) / 1e9;
                long hwm = vmHwmKb();
                Runtime rt = Runtime.getRuntime();
                LOG.info("world {}: built in {} s, peak resident memory (VmHWM, heap + native) {} MB; Java heap now {} MB "
                                + "committed of {} MB max", root.getFileName(), String.format("%.1f", total), hwm / 1024,
                        rt.totalMemory() >> 20, rt.maxMemory() >> 20);
                synchronized (seconds) {
                    // where the build's time went, stage by stage (the encoders stage runs beside lm and saes, so
                    // the stages add up to more than the wall time)
                    LOG.info("world {}: time: {} (wall {} s)", root.getFileName(), seconds.entrySet().stream()
                            .map(e -> e.getKey() + " " + String.format(java.util.Locale.ROOT, "%.1f s", e.getValue())
                                    + (e.getKey().equals(SIDE_STAGE) ? " (beside lm and saes)" : ""))
                            .collect(java.util.stream.Collectors.joining(" · ")),
                            String.format(java.util.Locale.ROOT, "%.1f", total));
                }
                WorldReadme.write(root, settings, lex, now, seconds, total, hwm);
            }
            return root;
        } finally {
            JniUtils.setNumThreads(previousThreads);
        }
    }

    /** The stage built on a thread of its own, beside the LM and SAE stages (it depends only on the scenes). */
    private static final String SIDE_STAGE = "encoders";

    /** Null when {@code stage} may stay as cached, else why it must be built. */
    private String why(String stage, Map<String, List<String>> deps, Map<String, StageRecord> now,
                       Map<String, StageRecord> old, Map<String, String> keys) {
        boolean depRebuilt = false;
        for (String d : deps.get(stage)) {
            depRebuilt |= !"cached".equals(now.get(d).status()) && !"cached-missing".equals(now.get(d).status());
        }
        return options.force() ? "--force" : depRebuilt ? "its input stage was rebuilt"
                : verify(stage, old.get(stage), keys.get(stage));
    }

    private StageRecord timedBuild(String stage, String key, StageRecord prev, String why) {
        if (prev != null || options.force()) {
            LOG.warn("world {}: rebuilding stage {}: {}", root.getFileName(), stage, why);
        }
        long t0 = System.nanoTime();
        StageRecord r = build(stage, key);
        double sec = (System.nanoTime() - t0) / 1e9;
        synchronized (seconds) {
            seconds.put(stage, sec);
        }
        LOG.info("world {}: stage {} built in {} s", root.getFileName(), stage, String.format("%.1f", sec));
        return r;
    }

    /** Waits for the side stage; its failure is rethrown as it was thrown. */
    private static StageRecord join(java.util.concurrent.Future<StageRecord> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VistaException(ExitCodes.INTERNAL, "interrupted while the encoder stage was building", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new VistaException(ExitCodes.INTERNAL, "encoder stage: " + c, c);
        }
    }

    private Map<String, Object> sceneSettings() {
        Map<String, Object> m = new TreeMap<>(settings.toMap());
        m.keySet().retainAll(List.of("seed", "scale", "scenes", "sheet_scenes"));
        return m;
    }

    private static String stageKey(String stage, Map<String, Object> parts) {
        return Sha256.hex(json(Map.of("code", Stages.CODE_VERSION, "stage", stage, "parts", parts)));
    }

    /** Null when the stage is valid as recorded, else why it must be rebuilt. */
    private String verify(String stage, StageRecord rec, String key) {
        if (rec == null) {
            return "not built yet";
        }
        if (!rec.key().equals(key)) {
            return "its settings or code changed (key " + rec.key().substring(0, 12) + " -> " + key.substring(0, 12) + ")";
        }
        for (Map.Entry<String, String> f : rec.files().entrySet()) {
            Path p = root.resolve(f.getKey());
            if (!Files.isRegularFile(p)) {
                return f.getKey() + " is missing (expected sha256 " + f.getValue() + ")";
            }
            String found = sha256(p);
            if (!found.equals(f.getValue())) {
                return f.getKey() + " is corrupted: sha256 expected " + f.getValue() + ", found " + found;
            }
        }
        return null;
    }

    private StageRecord build(String stage, String key) {
        return switch (stage) {
            case "scenes" -> buildScenes(key);
            case "lm" -> buildLm(key);
            case "saes" -> buildSaes(key);
            default -> buildEncoders(key);
        };
    }

    private SceneStage.Split split(String name) {
        return splits.computeIfAbsent(name, n -> {
            try (ProgressBar pb = bar("scenes:" + n, SceneStage.count(settings, n))) {
                return SceneStage.generate(settings, lex, n, pb::stepBy);
            }
        });
    }

    private StageRecord buildScenes(String key) {
        Path target = root.resolve("data");
        Path tmp = AtomicFiles.tempDirectoryBeside(target);
        Map<String, Object> q = new LinkedHashMap<>();
        int images = 0;
        for (String n : SceneStage.SPLITS) {
            SceneStage.Split sp = split(n);
            try (ProgressBar pb = bar("write:" + n, sp.scenes().size())) {
                SceneStage.write(tmp, sp, settings, lex, pb::stepBy);
            }
            q.put("scenes." + n, sp.scenes().size());
            images += sp.scenes().size();
            int objects = 0;
            for (RenderedScene rs : sp.scenes()) {
                objects += rs.scene().objects().size();
            }
            q.put("scenes." + n + ".objects", objects);
        }
        SceneStage.writeLexicon(tmp, lex);
        AtomicFiles.replaceDirectory(tmp, target);
        List<RenderedScene> sheet = split("train").scenes().subList(0,
                Math.min(settings.sheetScenes(), split("train").scenes().size()));
        SceneStage.writePng(root.resolve("contact-sheet.png"), ContactSheet.of(sheet, 4));
        q.put("scenes.images", images);
        q.put("scenes.categories", lex.numCategories());
        return new StageRecord(key, "built", hashes(List.of("data", "contact-sheet.png")), q, null);
    }

    private StageRecord buildLm(String key) {
        Path target = root.resolve("lm");
        Path tmp = AtomicFiles.tempDirectoryBeside(target);
        WordTokenizer tok = LmStage.tokenizer(lex);
        MiniGemmaConfig cfg = LmStage.config(tok, settings.hidden(), settings.layers(), settings.heads(),
                settings.kvHeads(), settings.headDim(), settings.intermediate(), settings.slidingWindow());
        List<LmCorpus.Entry> pool = new ArrayList<>(SceneStage.entries(split("train")));
        try (ProgressBar pb = bar("scenes:lm-only", settings.lmExtraScenes())) {
            pool.addAll(SceneStage.generateEntries(settings, lex, "lm", pb::stepBy));
        }
        LmStage.Inputs in = new LmStage.Inputs(cfg, settings.lm(), settings.firstObjectShare(), settings.maxTurns(),
                settings.maxTokens(), pool, SceneStage.entries(split("val")), SceneStage.entries(split("test")),
                settings.lmEvalScenes(), settings.lmHeldOutDocs(), Seeds.derive(settings.seed(), 21));
        Map<String, Object> q;
        try (NDManager m = NDManager.newBaseManager(); ProgressBar pb = bar("lm", settings.lm().maxSteps())) {
            q = LmStage.build(tmp, in, lex, m, step -> pb.stepTo(step));
        }
        AtomicFiles.replaceDirectory(tmp, target);
        return new StageRecord(key, "built", hashes(List.of("lm")), q, null);
    }

    private StageRecord buildSaes(String key) {
        Path target = root.resolve("saes");
        Path tmp = AtomicFiles.tempDirectoryBeside(target);
        Path lmDir = root.resolve("lm");
        WordTokenizer tok = LmStage.tokenizer(lex);
        MiniGemmaConfig cfg = LmStage.config(tok, settings.hidden(), settings.layers(), settings.heads(),
                settings.kvHeads(), settings.headDim(), settings.intermediate(), settings.slidingWindow());
        LmCorpus corpus = new LmCorpus(new Grammar(lex), tok, settings.firstObjectShare(), settings.maxTurns(),
                settings.maxTokens());
        Map<String, Object> q = new LinkedHashMap<>();
        SaeTrainer.Settings ss = settings.sae();
        try (NDManager m = NDManager.newBaseManager()) {
            MiniGemma model = MiniGemma.load(cfg, lmDir.resolve("model.safetensors"), m);
            List<LmCorpus.Entry> train = SceneStage.entries(split("train"));
            List<LmCorpus.Entry> val = SceneStage.entries(split("val"));
            SaeStage.Activations tr = SaeStage.collect(model, corpus, tok, lex,
                    train.subList(0, Math.min(settings.saeTrainScenes(), train.size())), settings.saeTrainCaptions(),
                    Seeds.derive(settings.seed(), 31), m);
            SaeStage.Activations ho = SaeStage.collect(model, corpus, tok, lex,
                    val.subList(0, Math.min(settings.saeHeldOutScenes(), val.size())), settings.saeHeldOutCaptions(),
                    Seeds.derive(settings.seed(), 32), m);
            SaeTrainer.JumpRelu[] saes;
            try (ProgressBar pb = bar("saes", ss.steps())) {
                saes = SaeTrainer.train(tr.perLayer(), tr.n(), cfg.hiddenSize(), ss, Seeds.derive(settings.seed(), 33),
                        m, step -> pb.stepTo(step));
            }
            q.put("saes.train_positions", tr.n());
            q.put("saes.heldout_positions", ho.n());
            q.put("saes.width", ss.width());
            q.put("saes.topk", ss.k());
            for (int l = 0; l < saes.length; l++) {
                float[] acts = new float[ho.n() * ss.width()];
                double[] e = SaeStage.evaluate(saes[l], ho.perLayer()[l], ho.n(), acts, m);
                SaeLabeler.Result labels = SaeLabeler.label(acts, ss.width(), ho.positions(), lex);
                String folder = SaeStage.write(tmp, l, saes[l], e[2]);
                SaeStage.writeLabels(tmp, l, ss.width(), labels);
                String p = "saes.layer_" + l + ".";
                q.put(p + "folder", folder);
                q.put(p + "mse", round(e[0]));
                q.put(p + "explained_variance", round(e[1]));
                q.put(p + "mean_l0", round(e[2]));
                q.put(p + "live", labels.live());
                q.put(p + "naming_concept", labels.namingConcept());
                q.put(p + "concept_share", round(labels.conceptShare()));
                q.put(p + "dominant_concept_share", round(labels.live() == 0 ? 0
                        : labels.dominantConcept() / (double) labels.live()));
                LOG.info("saes: layer {}: mse {} explained variance {} mean L0 {} ({}% of {}), live {}, labels naming a "
                                + "world concept {}/{} = {}", l, String.format("%.4f", e[0]), String.format("%.3f", e[1]),
                        String.format("%.1f", e[2]), String.format("%.1f", 100 * e[2] / ss.width()), ss.width(),
                        labels.live(), labels.namingConcept(), labels.live(), String.format("%.2f", labels.conceptShare()));
            }
        }
        AtomicFiles.replaceDirectory(tmp, target);
        return new StageRecord(key, "built", hashes(List.of("saes")), q, null);
    }

    private StageRecord buildEncoders(String key) {
        Path target = root.resolve("encoders");
        Path tmp = AtomicFiles.tempDirectoryBeside(target);
        EncoderTrainingData data = encoderData();
        Map<String, Double> q = new TreeMap<>(EncoderStage.build(data, tmp, Seeds.derive(settings.seed(), 41),
                settings.scale()));
        AtomicFiles.replaceDirectory(tmp, target);
        // Wall and CPU times vary from run to run: they go to the log, never into the (byte-identical) manifest.
        q.entrySet().removeIf(e -> e.getKey().endsWith("_seconds"));
        return new StageRecord(key, "built", hashes(List.of("encoders")), new TreeMap<>(q), null);
    }

    /**
     * What the encoders are pretrained on: {@link EncoderStage#pretrainScenes} scenes of their own seed stream
     * ({@link SceneStage#ENCODER_SPLIT}), disjoint from the dataset's splits, as 8-bit pixels and exact per-patch
     * labels. Measured at default scale, mini-dino, 2100 x 16: trained on the train split (1808 scenes after the
     * probe's hold-out) the dense objective memorises (train loss 0.03, object-patch probe 0.63) and the projector
     * then learns on features much cleaner than the test split's; on 5808 scenes, 0.26 and 0.77.
     */
    private EncoderTrainingData encoderData() {
        Grammar grammar = new Grammar(lex);
        PackedImages images = new PackedImages();
        List<int[]> cls = new ArrayList<>();
        List<int[]> col = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        SceneStage.render(settings, lex, SceneStage.ENCODER_SPLIT, EncoderStage.pretrainScenes(settings.scale()),
                (rs, imageId) -> {
                    images.add(rs.chw8());
                    cls.add(rs.patchCategories());
                    col.add(rs.patchColours());
                    captions.add(grammar.caption(rs.scene(), new java.util.Random(Seeds.derive(settings.seed(), 12,
                            imageId))));
                });
        return new EncoderTrainingData(images, cls, col, captions, new ArrayList<>(grammar.vocabulary()),
                lex.numCategories(), lex.colours().size(), SceneGenerator.IMAGE_SIZE, SceneGenerator.PATCH);
    }

    private Map<String, String> hashes(List<String> paths) {
        Map<String, String> out = new TreeMap<>();
        for (String p : paths) {
            Path abs = root.resolve(p);
            if (Files.isDirectory(abs)) {
                try (Stream<Path> s = Files.walk(abs)) {
                    for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                        out.put(root.relativize(f).toString().replace('\\', '/'), sha256(f));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + abs + ": " + e.getMessage(), e);
                }
            } else {
                out.put(p, sha256(abs));
            }
        }
        return out;
    }

    private Map<String, StageRecord> readManifest() {
        Path m = root.resolve("manifest.json");
        if (!Files.isRegularFile(m)) {
            return Map.of();
        }
        try {
            Map<String, Object> doc = Json.MAPPER.readValue(m.toFile(), new TypeReference<>() { });
            Object stages = doc.get("stages");
            Map<String, StageRecord> out = Json.MAPPER.convertValue(stages, new TypeReference<Map<String, StageRecord>>() { });
            return out == null ? Map.of() : out;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("world {}: manifest.json is unreadable ({}); rebuilding every stage", root.getFileName(),
                    Json.why(e));
            return Map.of();
        }
    }

    private void writeManifest(Map<String, StageRecord> stages) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", "vistabench-world");
        doc.put("code_version", Stages.CODE_VERSION);
        doc.put("world_key", root.getFileName().toString());
        doc.put("settings", settings.toMap());
        Map<String, StageRecord> clean = new LinkedHashMap<>();
        for (Map.Entry<String, StageRecord> e : stages.entrySet()) {
            StageRecord r = e.getValue();
            String status = r.status().startsWith("cached") ? r.status().replace("cached-", "").replace("cached", "built")
                    : r.status();
            clean.put(e.getKey(), new StageRecord(r.key(), status, r.files(), r.quality(), r.reason()));
        }
        doc.put("stages", clean);
        LmStage.writeJson(root.resolve("manifest.json"), doc);
    }

    private ProgressBar bar(String name, long max) {
        return org.vistabench.io.Progress.bar(name, max, options.progress(), true);
    }

    static String json(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) {
        MessageDigest md = Sha256.digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return Sha256.hex(md);
    }

    /** Peak resident set size of this process in kB (Linux {@code VmHWM}), or -1 where unknown. */
    public static long vmHwmKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
