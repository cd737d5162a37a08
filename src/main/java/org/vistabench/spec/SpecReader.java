package org.vistabench.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vistabench.spec.NodeReader.Entries;
import org.vistabench.spec.NodeReader.Scalar;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Checks a composed node tree against the spec language and builds the {@link Spec}. Every problem is collected
 * (with the line and column of the node it concerns) and reported together at the end, so one run of
 * {@code vistabench validate} shows them all.
 */
final class SpecReader {
    /** Spec files' wording: {@code "key"} quotes, "expected one of" and the tiered did-you-mean of {@link Suggest}. */
    static final NodeReader.Voice VOICE = new NodeReader.Voice('"', "expected one of", Suggest::closest, false);

    private final Path specFile;
    private final Path dir;
    private final NodeReader r;
    private Entries matrixEntries;

    SpecReader(Path specFile, Map<String, String> env) {
        this.specFile = specFile;
        Path parent = specFile.toAbsolutePath().normalize().getParent();
        this.dir = parent == null ? Path.of("").toAbsolutePath() : parent;
        this.r = new NodeReader(specFile.toString(), VOICE, env);
    }

    Spec read(Node root, String sha256) {
        if (root == null) {
            throw new SpecException(new SpecError(specFile.toString(), 1, 1, "", "the spec is empty; expected a mapping with at least "
                    + "seed, world or data, encoders, llms and train"));
        }
        Entries top = r.mapping(root, "", SpecSchema.KEYS.get(""));
        if (top == null) {
            throw new SpecException(r.errors().stream().map(SpecError::of).toList());
        }
        String name = top.get("name") == null ? stem(specFile) : id(top.get("name"), "name");
        Long seed = r.required(top, "seed", "a non-negative integer") ? r.nonNegativeLong(top.get("seed"), "seed") : null;
        int before = r.errors().size();
        List<Long> seeds = seeds(top, seed);

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
                ? encoders(top.get("encoders"), hasWorld) : List.of();
        List<LlmSpec> llms = r.required(top, "llms", "a list of LLMs") ? llms(top.get("llms"), hasWorld) : List.of();
        Map<String, Node> layerSetNodes = new LinkedHashMap<>();
        Map<String, LayerSet> layerSets = layerSets(top, layerSetNodes);
        List<String> controls = controls(top.get("controls"));
        boolean matrixInputsOk = r.errors().size() == before;
        checkSaeCoverage(llms, layerSets, layerSetNodes);

        TrainSpec train = r.required(top, "train", "a mapping of training settings") ? train(top.get("train")) : null;
        Map<String, Map<String, Object>> metrics = metrics(top.get("metrics"), layerSets);
        Path golden = golden(top.get("golden"));
        MatrixSpec matrix = matrix(top.get("matrix"));

        if (matrixInputsOk && matrix != null) {
            checkMatrix(top, matrix, encoders, llms, layerSets, controls, seeds);
        }
        if (!r.errors().isEmpty()) {
            List<SpecError> sorted = new ArrayList<>(r.errors().stream().map(SpecError::of).toList());
            sorted.sort(Comparator.comparingInt(SpecError::line).thenComparingInt(SpecError::column));
            throw new SpecException(sorted);
        }
        return new Spec(specFile, sha256, name, seed, seeds, world, data, encoders, llms, layerSets, controls, train,
                metrics, golden, matrix);
    }

    // ---- sections -------------------------------------------------------------------------------------------

    private List<Long> seeds(Entries top, Long seed) {
        Node n = top.get("seeds");
        if (n == null) {
            return seed == null ? List.of() : List.of(seed);
        }
        List<Node> items = r.list(n, "seeds", "a non-empty list of non-negative integers", true);
        if (items == null) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        Map<Long, Node> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "seeds[" + i + "]";
            Long s = r.nonNegativeLong(items.get(i), p);
            if (s != null) {
                if (seen.containsKey(s)) {
                    r.error(items.get(i), p, "duplicate seed " + s + " (first at line " + NodeReader.line(seen.get(s)) + ")");
                } else {
                    seen.put(s, items.get(i));
                    out.add(s);
                }
            }
        }
        return List.copyOf(out);
    }

    private WorldSpec world(Node n) {
        Entries m = r.mapping(n, "world", SpecSchema.KEYS.get("world"));
        if (m == null) {
            return null;
        }
        String kind = r.required(m, "kind", "one of " + String.join("|", SpecSchema.WORLD_KINDS))
                ? r.choice(m.get("kind"), "world.kind", SpecSchema.WORLD_KINDS) : null;
        String scale = m.get("scale") == null ? "default" : r.choice(m.get("scale"), "world.scale", SpecSchema.WORLD_SCALES);
        Long seed = m.get("seed") == null ? null : r.nonNegativeLong(m.get("seed"), "world.seed");
        Path cache = m.get("cache") == null ? null : localPath(m.get("cache"), "world.cache");
        return new WorldSpec(kind, scale, seed, cache);
    }

    private DataSpec data(Node n) {
        Entries m = r.mapping(n, "data", SpecSchema.KEYS.get("data"));
        if (m == null) {
            return null;
        }
        Path images = r.required(m, "images", "the image folder") ? localPath(m.get("images"), "data.images") : null;
        Path instances = r.required(m, "instances", "a COCO instances json")
                ? localPath(m.get("instances"), "data.instances") : null;
        Path captions = r.required(m, "captions", "a COCO captions json")
                ? localPath(m.get("captions"), "data.captions") : null;
        return new DataSpec(images, instances, captions);
    }

    private List<EncoderSpec> encoders(Node n, boolean hasWorld) {
        List<Node> items = r.list(n, "encoders", "a non-empty list of encoders", true);
        if (items == null) {
            return List.of();
        }
        List<EncoderSpec> out = new ArrayList<>();
        Map<String, Node> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "encoders[" + i + "]";
            Entries m = r.mapping(items.get(i), p, SpecSchema.KEYS.get("encoders[]"));
            if (m == null) {
                continue;
            }
            String id = r.required(m, "id", "an encoder id") ? uniqueId(m.get("id"), m.path("id"), "encoder", ids) : null;
            String path = r.required(m, "path", "world:..., hf:org/name or a folder")
                    ? modelRef(m.get("path"), m.path("path"), hasWorld) : null;
            Long layer = m.get("layer") == null ? Long.valueOf(-1) : r.integer(m.get("layer"), m.path("layer"),
                    -1000, 1000, "an integer hidden-state index (negative counts from the end)");
            String tokens = m.get("tokens") == null ? "patch" : r.choice(m.get("tokens"), m.path("tokens"), SpecSchema.TOKENS);
            String family = m.get("family") == null ? null : r.choice(m.get("family"), m.path("family"), SpecSchema.FAMILIES);
            if (id != null && path != null && layer != null && tokens != null) {
                out.add(new EncoderSpec(id, path, layer.intValue(), tokens, family));
            }
        }
        return List.copyOf(out);
    }

    private List<LlmSpec> llms(Node n, boolean hasWorld) {
        List<Node> items = r.list(n, "llms", "a non-empty list of LLMs", true);
        if (items == null) {
            return List.of();
        }
        List<LlmSpec> out = new ArrayList<>();
        Map<String, Node> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "llms[" + i + "]";
            Entries m = r.mapping(items.get(i), p, SpecSchema.KEYS.get("llms[]"));
            if (m == null) {
                continue;
            }
            String id = r.required(m, "id", "an LLM id") ? uniqueId(m.get("id"), m.path("id"), "llm", ids) : null;
            String path = r.required(m, "path", "world:..., hf:org/name or a folder")
                    ? modelRef(m.get("path"), m.path("path"), hasWorld) : null;
            SaeSpec saes = r.required(m, "saes", "a mapping {path, format, layers}")
                    ? saes(m.get("saes"), m.path("saes"), hasWorld) : null;
            if (id != null && path != null && saes != null) {
                out.add(new LlmSpec(id, path, saes));
            }
        }
        return List.copyOf(out);
    }

    private SaeSpec saes(Node n, String p, boolean hasWorld) {
        Entries m = r.mapping(n, p, SpecSchema.KEYS.get("llms[].saes"));
        if (m == null) {
            return null;
        }
        String path = r.required(m, "path", "world:..., hf:org/name or a folder")
                ? modelRef(m.get("path"), m.path("path"), hasWorld) : null;
        String format = r.required(m, "format", "one of " + String.join("|", SpecSchema.SAE_FORMATS))
                ? r.choice(m.get("format"), m.path("format"), SpecSchema.SAE_FORMATS) : null;
        LayerSet layers = m.get("layers") == null ? new LayerSet("saes", true, List.of())
                : layerList(m.get("layers"), m.path("layers"), "saes");
        String labels = m.get("labels") == null ? null : modelRef(m.get("labels"), m.path("labels"), hasWorld);
        if (path == null || format == null || layers == null) {
            return null;
        }
        return new SaeSpec(path, format, layers, labels);
    }

    private Map<String, LayerSet> layerSets(Entries top, Map<String, Node> nodes) {
        Node n = top.get("sae_layer_sets");
        if (n == null) {
            // Without layer sets the matrix is plain LLaVA training only, as documented in specs/README.md.
            return Map.of("none", new LayerSet("none", false, List.of()));
        }
        Entries m = r.mapping(n, "sae_layer_sets", null);
        if (m == null) {
            return Map.of();
        }
        if (m.byKey().isEmpty()) {
            r.error(n, "sae_layer_sets", "expected at least one layer set, e.g. {none: [], early: [0, 1]}, got an "
                    + "empty mapping");
        }
        Map<String, LayerSet> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : m.byKey().entrySet()) {
            String p = m.path(e.getKey());
            if (!SpecSchema.ID.matcher(e.getKey()).matches() || e.getKey().contains("__")) {
                r.error(e.getValue().getKeyNode(), p, "expected a layer set name of letters, digits, '.', '_' or '-' "
                        + "(no '__'), got \"" + e.getKey() + "\"");
                continue;
            }
            LayerSet set = layerList(e.getValue().getValueNode(), p, e.getKey());
            if (set != null) {
                out.put(e.getKey(), set);
                nodes.put(e.getKey(), e.getValue().getValueNode());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private LayerSet layerList(Node n, String p, String name) {
        String expected = "a list of non-negative layer indices or all";
        if (n instanceof ScalarNode) {
            Scalar s = r.scalar(n, p, expected);
            if (s == null) {
                return null;
            }
            if (s.plain() && s.value().equals("all")) {
                return new LayerSet(name, true, List.of());
            }
            r.error(n, p, "expected " + expected + ", got " + NodeReader.describe(s));
            return null;
        }
        List<Node> items = r.list(n, p, expected, false);
        if (items == null) {
            return null;
        }
        List<Integer> layers = new ArrayList<>();
        Map<Long, Node> seen = new HashMap<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            String ip = p + "[" + i + "]";
            Long layer = r.integer(items.get(i), ip, 0, 10_000, "a non-negative layer index");
            if (layer == null) {
                ok = false;
            } else if (seen.containsKey(layer)) {
                r.error(items.get(i), ip, "duplicate layer " + layer + " (first at line " + NodeReader.line(seen.get(layer)) + ")");
                ok = false;
            } else {
                seen.put(layer, items.get(i));
                layers.add(layer.intValue());
            }
        }
        return ok ? new LayerSet(name, false, List.copyOf(layers)) : null;
    }

    private List<String> controls(Node n) {
        if (n == null) {
            return List.of();
        }
        List<Node> items = r.list(n, "controls", "a list of control names (" + String.join("|", SpecSchema.CONTROLS) + ")",
                false);
        if (items == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "controls[" + i + "]";
            String c = r.choice(items.get(i), p, SpecSchema.CONTROLS);
            if (c != null) {
                if (out.contains(c)) {
                    r.error(items.get(i), p, "duplicate control \"" + c + "\"");
                } else {
                    out.add(c);
                }
            }
        }
        return List.copyOf(out);
    }

    private TrainSpec train(Node n) {
        Entries m = r.mapping(n, "train", SpecSchema.KEYS.get("train"));
        if (m == null) {
            return null;
        }
        Long steps = r.required(m, "steps", "a positive integer") ? r.positiveInt(m.get("steps"), "train.steps") : null;
        Long batch = r.required(m, "batch", "a positive integer") ? r.positiveInt(m.get("batch"), "train.batch") : null;
        Double lr = r.required(m, "lr", "a positive number") ? number(m.get("lr"), "train.lr", false) : null;
        Long warmup = m.get("warmup") == null ? Long.valueOf(0)
                : r.integer(m.get("warmup"), "train.warmup", 0, Integer.MAX_VALUE, "a non-negative integer");
        if (warmup != null && steps != null && warmup >= steps) {
            r.error(m.get("warmup"), "train.warmup", "expected fewer warmup steps than train.steps (" + steps + "), got "
                    + warmup);
        }
        Double lambda = m.get("lambda_sae") == null ? Double.valueOf(1.0)
                : number(m.get("lambda_sae"), "train.lambda_sae", true);
        String projector = m.get("projector") == null ? "mlp2x_gelu"
                : r.choice(m.get("projector"), "train.projector", SpecSchema.PROJECTORS);
        String precision = m.get("precision") == null ? "fp32"
                : r.choice(m.get("precision"), "train.precision", SpecSchema.PRECISIONS);
        String device = m.get("device") == null ? "auto" : device(m.get("device"));
        Long checkpointEvery = m.get("checkpoint_every") == null ? steps
                : r.positiveInt(m.get("checkpoint_every"), "train.checkpoint_every");
        Double gradClip = m.get("grad_clip") == null ? Double.valueOf(1.0)
                : number(m.get("grad_clip"), "train.grad_clip", true);
        Double weightDecay = m.get("weight_decay") == null ? Double.valueOf(0.0)
                : number(m.get("weight_decay"), "train.weight_decay", true);
        Long evalImages = m.get("eval_images") == null ? Long.valueOf(0)
                : r.integer(m.get("eval_images"), "train.eval_images", 0, Integer.MAX_VALUE, "a non-negative integer");
        if (steps == null || batch == null || lr == null || warmup == null || lambda == null || projector == null
                || precision == null || device == null || checkpointEvery == null || gradClip == null
                || weightDecay == null || evalImages == null) {
            return null;
        }
        return new TrainSpec(steps.intValue(), batch.intValue(), lr, warmup.intValue(), lambda, projector, precision,
                device, checkpointEvery.intValue(), gradClip, weightDecay, evalImages.intValue());
    }

    private String device(Node n) {
        Scalar s = r.scalar(n, "train.device", "auto|cpu|gpu|gpu:N");
        if (s == null) {
            return null;
        }
        if (s.isNull() || !SpecSchema.DEVICE.matcher(s.value()).matches()) {
            r.error(n, "train.device", "expected auto|cpu|gpu|gpu:N, got " + NodeReader.describe(s)
                    + r.didYouMean(s.value(), List.of("auto", "cpu", "gpu")));
            return null;
        }
        return s.value();
    }

    private Map<String, Map<String, Object>> metrics(Node n, Map<String, LayerSet> layerSets) {
        if (n == null) {
            return Map.of();
        }
        Entries m = r.mapping(n, "metrics", null);
        if (m == null) {
            return Map.of();
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        boolean first = true;
        for (Map.Entry<String, NodeTuple> e : m.byKey().entrySet()) {
            String provider = e.getKey();
            String p = m.path(provider);
            Node v = e.getValue().getValueNode();
            if (provider.equals("train") && !first) {
                r.error(e.getValue().getKeyNode(), p, "expected train to be the first metric (the other providers use "
                        + "the projector it trains)");
            }
            first = false;
            Map<String, Object> params;
            if (NodeReader.isNull(v)) {
                params = Map.of();
            } else if (v instanceof MappingNode) {
                Object converted = r.value(v, p);
                @SuppressWarnings("unchecked")
                Map<String, Object> cast = converted instanceof Map<?, ?> ? (Map<String, Object>) converted : Map.of();
                params = cast;
                checkLayerSetParams((MappingNode) v, p, layerSets);
            } else {
                r.error(v, p, "expected a mapping of parameters (or {}), got " + NodeReader.describe(v));
                continue;
            }
            out.put(provider, params);
        }
        return Collections.unmodifiableMap(out);
    }

    private void checkLayerSetParams(MappingNode params, String p, Map<String, LayerSet> layerSets) {
        for (NodeTuple t : params.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k) || !SpecSchema.LAYER_SET_PARAMS.contains(k.getValue())) {
                continue;
            }
            String kp = NodeReader.join(p, k.getValue());
            Node v = t.getValueNode();
            List<Node> refs = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            if (v instanceof SequenceNode seq) {
                for (int i = 0; i < seq.getValue().size(); i++) {
                    refs.add(seq.getValue().get(i));
                    paths.add(kp + "[" + i + "]");
                }
            } else {
                refs.add(v);
                paths.add(kp);
            }
            for (int i = 0; i < refs.size(); i++) {
                Scalar s = r.scalar(refs.get(i), paths.get(i), "the name of a layer set");
                if (s != null && !layerSets.containsKey(s.value())) {
                    r.error(refs.get(i), paths.get(i), "expected the name of a layer set defined under sae_layer_sets ("
                            + String.join(", ", layerSets.keySet()) + "), got " + NodeReader.describe(s)
                            + r.didYouMean(s.value(), layerSets.keySet()));
                }
            }
        }
    }

    private Path golden(Node n) {
        if (n == null) {
            return null;
        }
        Path g = localPath(n, "golden");
        if (g != null && !Files.isRegularFile(g)) {
            r.error(n, "golden", "expected an existing golden file, got " + g + " (resolved against the spec's folder "
                    + dir + "), which does not exist");
            return null;
        }
        return g;
    }

    private MatrixSpec matrix(Node n) {
        if (n == null) {
            return new MatrixSpec(List.of(), List.of());
        }
        Entries m = r.mapping(n, "matrix", SpecSchema.KEYS.get("matrix"));
        matrixEntries = m;
        if (m == null) {
            return null;
        }
        List<String> include = globs(m.get("include"), "matrix.include");
        List<String> exclude = globs(m.get("exclude"), "matrix.exclude");
        return include == null || exclude == null ? null : new MatrixSpec(include, exclude);
    }

    private List<String> globs(Node n, String p) {
        if (n == null) {
            return List.of();
        }
        List<Node> items = r.list(n, p, "a list of globs over cell ids", false);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String s = r.string(items.get(i), p + "[" + i + "]", "a glob over cell ids");
            if (s == null) {
                return null;
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /**
     * Each glob must match some cell: a glob that matches nothing is almost always a typo (often an undefined layer
     * set or id), and an include/exclude pair that leaves no cell at all would run nothing.
     */
    private void checkMatrix(Entries top, MatrixSpec matrix, List<EncoderSpec> encoders, List<LlmSpec> llms,
                             Map<String, LayerSet> layerSets, List<String> controls, List<Long> seeds) {
        List<String> encoderIds = encoders.stream().map(EncoderSpec::id).toList();
        List<String> llmIds = llms.stream().map(LlmSpec::id).toList();
        List<Cell> all = MatrixExpander.all(encoderIds, llmIds, layerSets, controls, seeds);
        if (all.isEmpty()) {
            return;
        }
        Entries m = matrixEntries;
        boolean globsOk = true;
        if (m != null) {
            List<String> controlNames = new ArrayList<>();
            controlNames.add(Cell.NO_CONTROL);
            controlNames.addAll(controls);
            List<String> known = new ArrayList<>(encoderIds);
            known.addAll(llmIds);
            known.addAll(layerSets.keySet());
            known.addAll(controlNames);
            known.addAll(seedsText(seeds));
            for (String key : List.of("include", "exclude")) {
                Node listNode = m.get(key);
                if (!(listNode instanceof SequenceNode seq)) {
                    continue;
                }
                for (int i = 0; i < seq.getValue().size(); i++) {
                    String glob = key.equals("include") ? matrix.include().get(i) : matrix.exclude().get(i);
                    Glob g = Glob.of(glob);
                    if (all.stream().anyMatch(c -> g.matches(c.id()))) {
                        continue;
                    }
                    globsOk = false;
                    String p = "matrix." + key + "[" + i + "]";
                    String why = "";
                    for (String part : glob.split("__", -1)) {
                        if (!part.isEmpty() && !Glob.hasWildcard(part) && !known.contains(part)) {
                            why = ": \"" + part + "\" names no encoder, llm, sae layer set, control or seed of "
                                    + "this spec (sae layer sets: " + String.join(", ", layerSets.keySet()) + ")"
                                    + r.didYouMean(part, known);
                            break;
                        }
                    }
                    r.error(seq.getValue().get(i), p, "expected a glob matching at least one cell id "
                            + "(<encoder>__<llm>__<sae layer set>__<control>__s<seed>), got \"" + glob + "\", which "
                            + "matches none" + why);
                }
            }
        }
        if (globsOk && MatrixExpander.filter(all, matrix).isEmpty()) {
            Node at = top.byKey().containsKey("matrix") ? top.keyNode("matrix") : top.node();
            r.error(at, "matrix", "expected at least one cell, got none: include/exclude remove all " + all.size()
                    + " cells");
        }
    }

    private static List<String> seedsText(List<Long> seeds) {
        return seeds.stream().map(s -> "s" + s).toList();
    }

    /** An LLM whose SAEs cover only some layers cannot be trained against a layer it has no SAE for. */
    private void checkSaeCoverage(List<LlmSpec> llms, Map<String, LayerSet> sets, Map<String, Node> nodes) {
        for (LlmSpec llm : llms) {
            LayerSet covered = llm.saes().layers();
            if (covered.all()) {
                continue;
            }
            for (LayerSet set : sets.values()) {
                if (set.all()) {
                    continue;
                }
                for (int layer : set.layers()) {
                    if (!covered.layers().contains(layer)) {
                        r.error(nodes.get(set.name()), "sae_layer_sets." + set.name(), "layer " + layer + " has no SAE"
                                + " in llm \"" + llm.id() + "\" (its saes.layers: " + covered.layers() + ")");
                        break;
                    }
                }
            }
        }
    }

    // ---- spec values ----------------------------------------------------------------------------------------

    private String id(Node n, String p) {
        String s = r.string(n, p, "an id");
        if (s != null && (!SpecSchema.ID.matcher(s).matches() || s.contains("__"))) {
            r.error(n, p, "expected an id of letters, digits, '.', '_' or '-' that starts and ends with a letter or "
                    + "digit and has no '__', got \"" + s + "\"");
            return null;
        }
        return s;
    }

    private String uniqueId(Node n, String p, String what, Map<String, Node> seen) {
        String id = id(n, p);
        if (id == null) {
            return null;
        }
        if (seen.containsKey(id)) {
            r.error(n, p, "duplicate " + what + " id \"" + id + "\" (first at line " + NodeReader.line(seen.get(id)) + ")");
            return null;
        }
        seen.put(id, n);
        return id;
    }

    /** A finite number; positive, or non-negative when {@code zeroOk}. */
    private Double number(Node n, String p, boolean zeroOk) {
        return zeroOk ? r.number(n, p, "a non-negative number", d -> d >= 0)
                : r.number(n, p, "a positive number", d -> d > 0);
    }

    /** {@code world:...} (needs a world section), {@code hf:org/name[/sub]}, or a path relative to the spec. */
    private String modelRef(Node n, String p, boolean hasWorld) {
        String s = r.string(n, p, "world:..., hf:org/name or a folder");
        if (s == null) {
            return null;
        }
        if (s.startsWith("world:")) {
            if (!hasWorld) {
                r.error(n, p, "expected hf:org/name or a folder (world: paths need a world section), got \"" + s + "\"");
                return null;
            }
            if (s.length() == "world:".length() || s.contains("..")) {
                r.error(n, p, "expected world:<path inside the world> without '..', got \"" + s + "\"");
                return null;
            }
            return s;
        }
        if (s.startsWith("hf:")) {
            if (!SpecSchema.HF_REF.matcher(s).matches()) {
                r.error(n, p, "expected hf:org/name (optionally /sub/folder), got \"" + s + "\"");
                return null;
            }
            return s;
        }
        return dir.resolve(s).normalize().toString();
    }

    private Path localPath(Node n, String p) {
        String s = r.string(n, p, "a path");
        return s == null ? null : dir.resolve(s).normalize();
    }

    private static String stem(Path p) {
        String f = p.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }
}
