package org.vistabench.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vistabench.spec.NodeReader.Entries;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Checks a composed node tree against the spec language and builds the {@link Spec}. Every problem is collected
 * (with the line and column of the node it concerns) and reported together at the end, so one run of
 * {@code vistabench validate} shows them all. The top-level keys are read here; the sections are read by
 * {@link ModelsSection}, {@link TrainSection} and {@link MatrixSection}.
 */
final class SpecReader {
    /** Spec files' wording: {@code "key"} quotes, "expected one of" and the tiered did-you-mean of {@link Suggest}. */
    static final NodeReader.Voice VOICE = new NodeReader.Voice('"', "expected one of", Suggest::closest, false);

    private final Path specFile;
    private final NodeReader r;
    private final SpecValues values;
    private final ModelsSection modelsSection;
    private final TrainSection trainSection;
    private final MatrixSection matrixSection;

    /**
     * Missing data files (the {@code exists} checks) collected here instead of failing the load, so that
     * {@code validate --check-files} can list them together with every missing model file; null: fail the load.
     */
    private final List<SpecError> missingFiles;

    SpecReader(Path specFile, Map<String, String> env) {
        this(specFile, env, null);
    }

    SpecReader(Path specFile, Map<String, String> env, List<SpecError> missingFiles) {
        this.missingFiles = missingFiles;
        this.specFile = specFile;
        Path parent = specFile.toAbsolutePath().normalize().getParent();
        this.r = new NodeReader(specFile.toString(), VOICE, env);
        this.values = new SpecValues(r, parent == null ? Path.of("").toAbsolutePath() : parent);
        this.modelsSection = new ModelsSection(r, values);
        this.trainSection = new TrainSection(r);
        this.matrixSection = new MatrixSection(r);
    }

    Spec read(Node root, String sha256) {
        if (root == null) {
            throw new SpecException(new SpecError(specFile.toString(), 1, 1, "", "the spec is empty; expected a "
                    + "mapping with at least seed, world or data, encoders, llms and train"));
        }
        Entries top = r.mapping(root, "", SpecSchema.KEYS.get(""));
        if (top == null) {
            throw new SpecException(r.errors().stream().map(SpecError::of).toList());
        }
        String name = top.get("name") == null ? stem(specFile) : values.id(top.get("name"), "name");
        Long seed = r.required(top, "seed", "a non-negative integer") ? r.nonNegativeLong(top.get("seed"), "seed")
                : null;
        int before = r.errors().size();
        List<Long> seeds = matrixSection.seeds(top, seed);

        WorldSpec world = null;
        DataSpec data = null;
        if (top.get("world") != null && top.get("data") != null) {
            r.error(top.keyNode("data"), "data", "expected exactly one of world or data, got both (world is at line "
                    + NodeReader.line(top.keyNode("world")) + ")");
        } else if (top.get("world") != null) {
            world = world(top.get("world"));
        } else if (top.get("data") != null) {
            data = data(top.get("data"));
        } else {
            r.error(top.node(), "world", "missing: expected exactly one of world (a built mini world) or data "
                    + "(COCO-format data), got neither");
        }
        boolean hasWorld = top.get("world") != null;

        List<EncoderSpec> encoders = r.required(top, "encoders", "a list of encoders")
                ? modelsSection.encoders(top.get("encoders"), hasWorld) : List.of();
        List<LlmSpec> llms = r.required(top, "llms", "a list of LLMs")
                ? modelsSection.llms(top.get("llms"), hasWorld) : List.of();
        Map<String, Node> layerSetNodes = new LinkedHashMap<>();
        Map<String, LayerSet> layerSets = modelsSection.layerSets(top, layerSetNodes);
        List<String> controls = matrixSection.controls(top.get("controls"));
        boolean matrixInputsOk = r.errors().size() == before;
        modelsSection.checkSaeCoverage(llms, layerSets, layerSetNodes);

        TrainSpec train = r.required(top, "train", "a mapping of training settings")
                ? trainSection.train(top.get("train")) : null;
        checkStageData(train, data, hasWorld);
        Map<String, Map<String, Object>> metrics = trainSection.metrics(top.get("metrics"), layerSets);
        Path golden = golden(top.get("golden"));
        MatrixSpec matrix = matrixSection.matrix(top.get("matrix"));
        JudgeSpec judge = new JudgeSection(r).judge(top.get("judge"));

        if (matrixInputsOk && matrix != null) {
            matrixSection.checkMatrix(top, matrix, encoders, llms, layerSets, controls, seeds);
        }
        if (!r.errors().isEmpty()) {
            List<SpecError> sorted = new ArrayList<>(r.errors().stream().map(SpecError::of).toList());
            sorted.sort(Comparator.comparingInt(SpecError::line).thenComparingInt(SpecError::column));
            throw new SpecException(sorted);
        }
        return new Spec(specFile, sha256, name, seed, seeds, world, data, encoders, llms, layerSets, controls, train,
                metrics, golden, matrix, r.positions(), judge);
    }

    private WorldSpec world(Node n) {
        Entries m = r.mapping(n, "world", SpecSchema.KEYS.get("world"));
        if (m == null) {
            return null;
        }
        String kind = r.required(m, "kind", "one of " + String.join("|", SpecSchema.WORLD_KINDS))
                ? r.choice(m.get("kind"), "world.kind", SpecSchema.WORLD_KINDS) : null;
        String scale = m.get("scale") == null ? "default"
                : r.choice(m.get("scale"), "world.scale", SpecSchema.WORLD_SCALES);
        Long seed = m.get("seed") == null ? null : r.nonNegativeLong(m.get("seed"), "world.seed");
        Path cache = m.get("cache") == null ? null : values.localPath(m.get("cache"), "world.cache");
        return new WorldSpec(kind, scale, seed, cache);
    }

    /**
     * A stage's {@code data} names the COCO-format data ({@code coco}) or one of {@code data.conversations}; a world
     * spec has only {@code coco} (the world's train split).
     */
    private void checkStageData(TrainSpec train, DataSpec data, boolean hasWorld) {
        if (train == null || train.stages() == null) {
            return;
        }
        java.util.Set<String> names = new java.util.TreeSet<>();
        names.add(StageSpec.COCO);
        if (data != null && data.conversations() != null) {
            names.addAll(data.conversations().keySet());
        }
        for (int i = 0; i < train.stages().size(); i++) {
            String d = train.stages().get(i).data();
            if (d == null || names.contains(d)) {
                continue;
            }
            String hint = Suggest.closest(d, names).map(c -> " (did you mean '" + c + "'?)").orElse("");
            r.errorAt("train.stages[" + i + "].data", "expected " + String.join(" or ", names.stream()
                    .map(x -> "'" + x + "'").toList()) + (hasWorld ? " (a world spec trains on its own data)"
                    : names.size() == 1 ? " (or the name of a data.conversations set; there are none)" : "")
                    + ", got '" + d + "'" + hint);
        }
    }

    private DataSpec data(Node n) {
        Entries m = r.mapping(n, "data", SpecSchema.KEYS.get("data"));
        if (m == null) {
            return null;
        }
        DataSpec.Split train = split(m, "data");
        DataSpec.Split eval = null;
        if (m.get("eval") != null) {
            Entries e = r.mapping(m.get("eval"), "data.eval", SpecSchema.KEYS.get("data.eval"));
            eval = e == null ? null : split(e, "data.eval");
        }
        double testFraction = DataSpec.DEFAULT_TEST_FRACTION;
        if (m.get("test_fraction") != null) {
            if (m.get("eval") != null) {
                r.error(m.get("test_fraction"), "data.test_fraction", "expected no test_fraction next to eval (the "
                        + "held-out split is eval's images), got " + NodeReader.describe(m.get("test_fraction")));
            } else {
                Double f = r.number(m.get("test_fraction"), "data.test_fraction", "a fraction in (0, 1)",
                        x -> x > 0 && x < 1);
                testFraction = f == null ? testFraction : f;
            }
        }
        String badImages = m.get("bad_images") == null ? DataSpec.FAIL
                : r.choice(m.get("bad_images"), "data.bad_images", SpecSchema.BAD_IMAGES);
        Map<String, DataSpec.Conversations> conversations = new LinkedHashMap<>();
        if (m.get("conversations") != null) {
            Entries c = r.mapping(m.get("conversations"), "data.conversations", null);
            if (c != null) {
                for (String name : c.byKey().keySet()) {
                    String p = "data.conversations." + name;
                    if (SpecSchema.SPLITS.contains(name)) {
                        r.error(c.keyNode(name), p, "expected a conversation set name other than "
                                + String.join(", ", SpecSchema.SPLITS) + " (those are the COCO splits), got " + name);
                        continue;
                    }
                    if (!SpecSchema.ID.matcher(name).matches()) {
                        r.error(c.keyNode(name), p, "expected a name of letters, digits and . _ - (it names a split),"
                                + " got " + name);
                        continue;
                    }
                    Entries cm = r.mapping(c.get(name), p, SpecSchema.KEYS.get("data.conversations.<name>"));
                    if (cm == null) {
                        continue;
                    }
                    Path json = r.required(cm, "json", "a LLaVA conversation json")
                            ? values.localPath(cm.get("json"), p + ".json") : null;
                    Path images = r.required(cm, "images", "the folder its image paths are relative to")
                            ? values.localPath(cm.get("images"), p + ".images") : null;
                    json = exists(cm.get("json"), p + ".json", json, false, "an existing LLaVA conversation json");
                    images = exists(cm.get("images"), p + ".images", images, true, "an existing image folder");
                    conversations.put(name, new DataSpec.Conversations(json, images));
                }
            }
        }
        return new DataSpec(train.images(), train.instances(), train.captions(), eval, testFraction, badImages,
                conversations);
    }

    /** images, instances and captions of a COCO-format split, each required and existing. */
    private DataSpec.Split split(Entries m, String at) {
        Path images = r.required(m, "images", "the image folder")
                ? values.localPath(m.get("images"), at + ".images") : null;
        Path instances = r.required(m, "instances", "a COCO instances json")
                ? values.localPath(m.get("instances"), at + ".instances") : null;
        Path captions = r.required(m, "captions", "a COCO captions json")
                ? values.localPath(m.get("captions"), at + ".captions") : null;
        // Nothing trains without its data: a path that points nowhere is a spec error now, not 63 failed cells later.
        images = exists(m.get("images"), at + ".images", images, true, "an existing image folder");
        instances = exists(m.get("instances"), at + ".instances", instances, false,
                "an existing COCO instances json");
        captions = exists(m.get("captions"), at + ".captions", captions, false, "an existing COCO captions json");
        return new DataSpec.Split(images, instances, captions);
    }

    private Path exists(Node n, String key, Path p, boolean folder, String expected) {
        if (p == null) {
            return null;
        }
        if (folder ? !Files.isDirectory(p) : !Files.isRegularFile(p)) {
            String message = "expected " + expected + ", got " + p + (Files.exists(p) ? ", which is a "
                    + (folder ? "file" : "folder") : ", which does not exist");
            if (missingFiles != null) {
                missingFiles.add(new SpecError(specFile.toString(), n.getStartMark().getLine() + 1,
                        n.getStartMark().getColumn() + 1, key, message));
                return p;
            }
            r.error(n, key, message);
            return null;
        }
        return p;
    }

    private Path golden(Node n) {
        if (n == null) {
            return null;
        }
        Path g = values.localPath(n, "golden");
        if (g != null && !Files.isRegularFile(g)) {
            r.error(n, "golden", "expected an existing golden file, got " + g + " (resolved against the spec's folder "
                    + values.dir() + "), which " + (Files.isDirectory(g) ? "is a folder" : "does not exist"));
            return null;
        }
        return g;
    }

    private static String stem(Path p) {
        String f = p.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }
}
