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

    private DataSpec data(Node n) {
        Entries m = r.mapping(n, "data", SpecSchema.KEYS.get("data"));
        if (m == null) {
            return null;
        }
        Path images = r.required(m, "images", "the image folder")
                ? values.localPath(m.get("images"), "data.images") : null;
        Path instances = r.required(m, "instances", "a COCO instances json")
                ? values.localPath(m.get("instances"), "data.instances") : null;
        Path captions = r.required(m, "captions", "a COCO captions json")
                ? values.localPath(m.get("captions"), "data.captions") : null;
        // Nothing trains without its data: a path that points nowhere is a spec error now, not 63 failed cells later.
        images = exists(m.get("images"), "data.images", images, true, "an existing image folder");
        instances = exists(m.get("instances"), "data.instances", instances, false, "an existing COCO instances json");
        captions = exists(m.get("captions"), "data.captions", captions, false, "an existing COCO captions json");
        return new DataSpec(images, instances, captions);
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
