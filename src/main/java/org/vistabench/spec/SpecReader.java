package org.vistabench.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Checks a composed node tree against the spec language and builds the {@link Spec}. Every problem is collected
 * (with the line and column of the node it concerns) and reported together at the end, so one run of
 * {@code vistabench validate} shows them all.
 */
final class SpecReader {
    private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final Pattern FLOATING = Pattern.compile("[-+]?([0-9][0-9_]*)?(\\.[0-9_]*)?([eE][-+]?[0-9]+)?");
    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

    private final Path specFile;
    private final String file;
    private final Path dir;
    private final Map<String, String> env;
    private final Resolver resolver = new Resolver();
    private final List<SpecError> errors = new ArrayList<>();
    private Entries matrixEntries;

    /** A scalar after interpolation; {@code plain} scalars get YAML's implicit types, quoted ones are strings. */
    private record Scalar(ScalarNode node, String value, boolean plain) {
        boolean isNull() {
            return plain && NULLS.contains(value);
        }
    }

    /** A mapping's entries by key (first occurrence), plus the mapping node for "missing key" positions. */
    private record Entries(MappingNode node, String path, Map<String, NodeTuple> byKey) {
        Node get(String key) {
            NodeTuple t = byKey.get(key);
            return t == null ? null : t.getValueNode();
        }

        Node keyNode(String key) {
            return byKey.get(key).getKeyNode();
        }

        String path(String key) {
            return SpecReader.join(path, key);
        }
    }

    SpecReader(Path specFile, Map<String, String> env) {
        this.specFile = specFile;
        this.file = specFile.toString();
        Path parent = specFile.toAbsolutePath().normalize().getParent();
        this.dir = parent == null ? Path.of("").toAbsolutePath() : parent;
        this.env = env;
    }

    Spec read(Node root, String sha256) {
        if (root == null) {
            throw new SpecException(new SpecError(file, 1, 1, "", "the spec is empty; expected a mapping with at least "
                    + "seed, world or data, encoders, llms and train"));
        }
        Entries top = entries(root, "", SpecSchema.KEYS.get(""));
        if (top == null) {
            throw new SpecException(errors);
        }
        String name = top.get("name") == null ? stem(specFile) : id(top.get("name"), "name");
        Long seed = required(top, "seed", "a non-negative integer") ? nonNegativeLong(top.get("seed"), "seed") : null;
        int before = errors.size();
        List<Long> seeds = seeds(top, seed);

        WorldSpec world = null;
        DataSpec data = null;
        if (top.get("world") != null && top.get("data") != null) {
            error(top.keyNode("data"), "data", "expected exactly one of world or data, got both (world is at line "
                    + line(top.keyNode("world")) + ")");
        } else if (top.get("world") != null) {
            world = world(top.get("world"));
        } else if (top.get("data") != null) {
            data = data(top.get("data"));
        } else {
            error(top.node(), "world", "missing: expected exactly one of world (a built mini world) or data "
                    + "(COCO-format data), got neither");
        }
        boolean hasWorld = top.get("world") != null;

        List<EncoderSpec> encoders = required(top, "encoders", "a list of encoders")
                ? encoders(top.get("encoders"), hasWorld) : List.of();
        List<LlmSpec> llms = required(top, "llms", "a list of LLMs") ? llms(top.get("llms"), hasWorld) : List.of();
        Map<String, Node> layerSetNodes = new LinkedHashMap<>();
        Map<String, LayerSet> layerSets = layerSets(top, layerSetNodes);
        List<String> controls = controls(top.get("controls"));
        boolean matrixInputsOk = errors.size() == before;
        checkSaeCoverage(llms, layerSets, layerSetNodes);

        TrainSpec train = required(top, "train", "a mapping of training settings") ? train(top.get("train")) : null;
        Map<String, Map<String, Object>> metrics = metrics(top.get("metrics"), layerSets);
        Path golden = golden(top.get("golden"));
        MatrixSpec matrix = matrix(top.get("matrix"));

        if (matrixInputsOk && matrix != null) {
            checkMatrix(top, matrix, encoders, llms, layerSets, controls, seeds);
        }
        if (!errors.isEmpty()) {
            List<SpecError> sorted = new ArrayList<>(errors);
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
        List<Node> items = list(n, "seeds", "a non-empty list of non-negative integers", true);
        if (items == null) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        Map<Long, Node> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "seeds[" + i + "]";
            Long s = nonNegativeLong(items.get(i), p);
            if (s != null) {
                if (seen.containsKey(s)) {
                    error(items.get(i), p, "duplicate seed " + s + " (first at line " + line(seen.get(s)) + ")");
                } else {
                    seen.put(s, items.get(i));
                    out.add(s);
                }
            }
        }
        return List.copyOf(out);
    }

    private WorldSpec world(Node n) {
        Entries m = entries(n, "world", SpecSchema.KEYS.get("world"));
        if (m == null) {
            return null;
        }
        String kind = required(m, "kind", "one of " + String.join("|", SpecSchema.WORLD_KINDS))
                ? choice(m.get("kind"), "world.kind", SpecSchema.WORLD_KINDS) : null;
        String scale = m.get("scale") == null ? "default" : choice(m.get("scale"), "world.scale", SpecSchema.WORLD_SCALES);
        Long seed = m.get("seed") == null ? null : nonNegativeLong(m.get("seed"), "world.seed");
        Path cache = m.get("cache") == null ? null : localPath(m.get("cache"), "world.cache");
        return new WorldSpec(kind, scale, seed, cache);
    }

    private DataSpec data(Node n) {
        Entries m = entries(n, "data", SpecSchema.KEYS.get("data"));
        if (m == null) {
            return null;
        }
        Path images = required(m, "images", "the image folder") ? localPath(m.get("images"), "data.images") : null;
        Path instances = required(m, "instances", "a COCO instances json")
                ? localPath(m.get("instances"), "data.instances") : null;
        Path captions = required(m, "captions", "a COCO captions json")
                ? localPath(m.get("captions"), "data.captions") : null;
        return new DataSpec(images, instances, captions);
    }

    private List<EncoderSpec> encoders(Node n, boolean hasWorld) {
        List<Node> items = list(n, "encoders", "a non-empty list of encoders", true);
        if (items == null) {
            return List.of();
        }
        List<EncoderSpec> out = new ArrayList<>();
        Map<String, Node> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "encoders[" + i + "]";
            Entries m = entries(items.get(i), p, SpecSchema.KEYS.get("encoders[]"));
            if (m == null) {
                continue;
            }
            String id = required(m, "id", "an encoder id") ? uniqueId(m.get("id"), m.path("id"), "encoder", ids) : null;
            String path = required(m, "path", "world:..., hf:org/name or a folder")
                    ? modelRef(m.get("path"), m.path("path"), hasWorld) : null;
            Long layer = m.get("layer") == null ? Long.valueOf(-1) : intInRange(m.get("layer"), m.path("layer"),
                    -1000, 1000, "an integer hidden-state index (negative counts from the end)");
            String tokens = m.get("tokens") == null ? "patch" : choice(m.get("tokens"), m.path("tokens"), SpecSchema.TOKENS);
            String family = m.get("family") == null ? null : choice(m.get("family"), m.path("family"), SpecSchema.FAMILIES);
            if (id != null && path != null && layer != null && tokens != null) {
                out.add(new EncoderSpec(id, path, layer.intValue(), tokens, family));
            }
        }
        return List.copyOf(out);
    }

    private List<LlmSpec> llms(Node n, boolean hasWorld) {
        List<Node> items = list(n, "llms", "a non-empty list of LLMs", true);
        if (items == null) {
            return List.of();
        }
        List<LlmSpec> out = new ArrayList<>();
        Map<String, Node> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "llms[" + i + "]";
            Entries m = entries(items.get(i), p, SpecSchema.KEYS.get("llms[]"));
            if (m == null) {
                continue;
            }
            String id = required(m, "id", "an LLM id") ? uniqueId(m.get("id"), m.path("id"), "llm", ids) : null;
            String path = required(m, "path", "world:..., hf:org/name or a folder")
                    ? modelRef(m.get("path"), m.path("path"), hasWorld) : null;
            SaeSpec saes = required(m, "saes", "a mapping {path, format, layers}")
                    ? saes(m.get("saes"), m.path("saes"), hasWorld) : null;
            if (id != null && path != null && saes != null) {
                out.add(new LlmSpec(id, path, saes));
            }
        }
        return List.copyOf(out);
    }

    private SaeSpec saes(Node n, String p, boolean hasWorld) {
        Entries m = entries(n, p, SpecSchema.KEYS.get("llms[].saes"));
        if (m == null) {
            return null;
        }
        String path = required(m, "path", "world:..., hf:org/name or a folder")
                ? modelRef(m.get("path"), m.path("path"), hasWorld) : null;
        String format = required(m, "format", "one of " + String.join("|", SpecSchema.SAE_FORMATS))
                ? choice(m.get("format"), m.path("format"), SpecSchema.SAE_FORMATS) : null;
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
        Entries m = entries(n, "sae_layer_sets", null);
        if (m == null) {
            return Map.of();
        }
        if (m.byKey().isEmpty()) {
            error(n, "sae_layer_sets", "expected at least one layer set, e.g. {none: [], early: [0, 1]}, got an "
                    + "empty mapping");
        }
        Map<String, LayerSet> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : m.byKey().entrySet()) {
            String p = m.path(e.getKey());
            if (!SpecSchema.ID.matcher(e.getKey()).matches() || e.getKey().contains("__")) {
                error(e.getValue().getKeyNode(), p, "expected a layer set name of letters, digits, '.', '_' or '-' "
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
            Scalar s = scalar(n, p, expected);
            if (s == null) {
                return null;
            }
            if (s.plain() && s.value().equals("all")) {
                return new LayerSet(name, true, List.of());
            }
            error(n, p, "expected " + expected + ", got " + describe(s));
            return null;
        }
        List<Node> items = list(n, p, expected, false);
        if (items == null) {
            return null;
        }
        List<Integer> layers = new ArrayList<>();
        Map<Long, Node> seen = new HashMap<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            String ip = p + "[" + i + "]";
            Long layer = intInRange(items.get(i), ip, 0, 10_000, "a non-negative layer index");
            if (layer == null) {
                ok = false;
            } else if (seen.containsKey(layer)) {
                error(items.get(i), ip, "duplicate layer " + layer + " (first at line " + line(seen.get(layer)) + ")");
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
        List<Node> items = list(n, "controls", "a list of control names (" + String.join("|", SpecSchema.CONTROLS) + ")",
                false);
        if (items == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "controls[" + i + "]";
            String c = choice(items.get(i), p, SpecSchema.CONTROLS);
            if (c != null) {
                if (out.contains(c)) {
                    error(items.get(i), p, "duplicate control \"" + c + "\"");
                } else {
                    out.add(c);
                }
            }
        }
        return List.copyOf(out);
    }

    private TrainSpec train(Node n) {
        Entries m = entries(n, "train", SpecSchema.KEYS.get("train"));
        if (m == null) {
            return null;
        }
        Long steps = required(m, "steps", "a positive integer") ? positiveInt(m.get("steps"), "train.steps") : null;
        Long batch = required(m, "batch", "a positive integer") ? positiveInt(m.get("batch"), "train.batch") : null;
        Double lr = required(m, "lr", "a positive number") ? number(m.get("lr"), "train.lr", false) : null;
        Long warmup = m.get("warmup") == null ? Long.valueOf(0)
                : intInRange(m.get("warmup"), "train.warmup", 0, Integer.MAX_VALUE, "a non-negative integer");
        if (warmup != null && steps != null && warmup >= steps) {
            error(m.get("warmup"), "train.warmup", "expected fewer warmup steps than train.steps (" + steps + "), got "
                    + warmup);
        }
        Double lambda = m.get("lambda_sae") == null ? Double.valueOf(1.0)
                : number(m.get("lambda_sae"), "train.lambda_sae", true);
        String projector = m.get("projector") == null ? "mlp2x_gelu"
                : choice(m.get("projector"), "train.projector", SpecSchema.PROJECTORS);
        String precision = m.get("precision") == null ? "fp32"
                : choice(m.get("precision"), "train.precision", SpecSchema.PRECISIONS);
        String device = m.get("device") == null ? "auto" : device(m.get("device"));
        Long checkpointEvery = m.get("checkpoint_every") == null ? steps
                : positiveInt(m.get("checkpoint_every"), "train.checkpoint_every");
        Double gradClip = m.get("grad_clip") == null ? Double.valueOf(1.0)
                : number(m.get("grad_clip"), "train.grad_clip", true);
        Double weightDecay = m.get("weight_decay") == null ? Double.valueOf(0.0)
                : number(m.get("weight_decay"), "train.weight_decay", true);
        Long evalImages = m.get("eval_images") == null ? Long.valueOf(0)
                : intInRange(m.get("eval_images"), "train.eval_images", 0, Integer.MAX_VALUE, "a non-negative integer");
        if (steps == null || batch == null || lr == null || warmup == null || lambda == null || projector == null
                || precision == null || device == null || checkpointEvery == null || gradClip == null
                || weightDecay == null || evalImages == null) {
            return null;
        }
        return new TrainSpec(steps.intValue(), batch.intValue(), lr, warmup.intValue(), lambda, projector, precision,
                device, checkpointEvery.intValue(), gradClip, weightDecay, evalImages.intValue());
    }

    private String device(Node n) {
        Scalar s = scalar(n, "train.device", "auto|cpu|gpu|gpu:N");
        if (s == null) {
            return null;
        }
        if (s.isNull() || !SpecSchema.DEVICE.matcher(s.value()).matches()) {
            error(n, "train.device", "expected auto|cpu|gpu|gpu:N, got " + describe(s)
                    + Suggest.didYouMean(s.value(), List.of("auto", "cpu", "gpu")));
            return null;
        }
        return s.value();
    }

    private Map<String, Map<String, Object>> metrics(Node n, Map<String, LayerSet> layerSets) {
        if (n == null) {
            return Map.of();
        }
        Entries m = entries(n, "metrics", null);
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
                error(e.getValue().getKeyNode(), p, "expected train to be the first metric (the other providers use "
                        + "the projector it trains)");
            }
            first = false;
            Map<String, Object> params;
            if (v instanceof ScalarNode sn && new Scalar(sn, sn.getValue(), sn.isPlain()).isNull()) {
                params = Map.of();
            } else if (v instanceof MappingNode) {
                Object converted = toJava(v, p);
                @SuppressWarnings("unchecked")
                Map<String, Object> cast = converted instanceof Map<?, ?> ? (Map<String, Object>) converted : Map.of();
                params = cast;
                checkLayerSetParams((MappingNode) v, p, layerSets);
            } else {
                error(v, p, "expected a mapping of parameters (or {}), got " + describe(v));
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
            String kp = join(p, k.getValue());
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
                Scalar s = scalar(refs.get(i), paths.get(i), "the name of a layer set");
                if (s != null && !layerSets.containsKey(s.value())) {
                    error(refs.get(i), paths.get(i), "expected the name of a layer set defined under sae_layer_sets ("
                            + String.join(", ", layerSets.keySet()) + "), got " + describe(s)
                            + Suggest.didYouMean(s.value(), layerSets.keySet()));
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
            error(n, "golden", "expected an existing golden file, got " + g + " (resolved against the spec's folder "
                    + dir + "), which does not exist");
            return null;
        }
        return g;
    }

    private MatrixSpec matrix(Node n) {
        if (n == null) {
            return new MatrixSpec(List.of(), List.of());
        }
        Entries m = entries(n, "matrix", SpecSchema.KEYS.get("matrix"));
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
        List<Node> items = list(n, p, "a list of globs over cell ids", false);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String s = string(items.get(i), p + "[" + i + "]", "a glob over cell ids");
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
                                    + Suggest.didYouMean(part, known);
                            break;
                        }
                    }
                    error(seq.getValue().get(i), p, "expected a glob matching at least one cell id "
                            + "(<encoder>__<llm>__<sae layer set>__<control>__s<seed>), got \"" + glob + "\", which "
                            + "matches none" + why);
                }
            }
        }
        if (globsOk && MatrixExpander.filter(all, matrix).isEmpty()) {
            Node at = top.byKey().containsKey("matrix") ? top.keyNode("matrix") : top.node();
            error(at, "matrix", "expected at least one cell, got none: include/exclude remove all " + all.size()
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
                        error(nodes.get(set.name()), "sae_layer_sets." + set.name(), "layer " + layer + " has no SAE"
                                + " in llm \"" + llm.id() + "\" (its saes.layers: " + covered.layers() + ")");
                        break;
                    }
                }
            }
        }
    }

    // ---- typed values ---------------------------------------------------------------------------------------

    private boolean required(Entries m, String key, String expected) {
        if (m.get(key) != null) {
            return true;
        }
        error(m.node(), m.path(key), "missing required key (expected " + expected + ")");
        return false;
    }

    /** Reports unknown (with did-you-mean), duplicate and non-string keys; {@code allowed == null} means free-form. */
    private Entries entries(Node n, String path, List<String> allowed) {
        if (!(n instanceof MappingNode mn)) {
            error(n, path, "expected a mapping, got " + describe(n));
            return null;
        }
        Map<String, NodeTuple> byKey = new LinkedHashMap<>();
        for (NodeTuple t : mn.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                error(t.getKeyNode(), path, "expected a plain key, got " + describe(t.getKeyNode()));
                continue;
            }
            String key = k.getValue();
            NodeTuple first = byKey.get(key);
            if (first != null) {
                error(k, join(path, key), "duplicate key \"" + key + "\" (first at line " + line(first.getKeyNode())
                        + ")");
            } else if (key.equals("<<") && k.isPlain()) {
                error(k, join(path, key), "merge keys (<<) are not supported; write the keys out");
            } else if (allowed != null && !allowed.contains(key)) {
                error(k, join(path, key), "unknown key \"" + key + "\"" + Suggest.didYouMean(key, allowed)
                        + "; expected one of " + String.join(", ", allowed));
            } else {
                byKey.put(key, t);
            }
        }
        return new Entries(mn, path, byKey);
    }

    private List<Node> list(Node n, String p, String expected, boolean nonEmpty) {
        if (!(n instanceof SequenceNode seq)) {
            error(n, p, "expected " + expected + ", got " + describe(n));
            return null;
        }
        if (nonEmpty && seq.getValue().isEmpty()) {
            error(n, p, "expected " + expected + ", got an empty list");
            return null;
        }
        return seq.getValue();
    }

    private Scalar scalar(Node n, String p, String expected) {
        if (!(n instanceof ScalarNode sn)) {
            error(n, p, "expected " + expected + ", got " + describe(n));
            return null;
        }
        try {
            return new Scalar(sn, Interpolation.apply(sn.getValue(), env), sn.isPlain());
        } catch (Interpolation.Failure f) {
            error(n, p, f.getMessage());
            return null;
        }
    }

    private String string(Node n, String p, String expected) {
        Scalar s = scalar(n, p, expected);
        if (s == null) {
            return null;
        }
        if (s.isNull() || s.value().isEmpty()) {
            error(n, p, "expected " + expected + ", got " + (s.isNull() ? "null" : "an empty string"));
            return null;
        }
        return s.value();
    }

    private String id(Node n, String p) {
        String s = string(n, p, "an id");
        if (s != null && (!SpecSchema.ID.matcher(s).matches() || s.contains("__"))) {
            error(n, p, "expected an id of letters, digits, '.', '_' or '-' that starts and ends with a letter or "
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
            error(n, p, "duplicate " + what + " id \"" + id + "\" (first at line " + line(seen.get(id)) + ")");
            return null;
        }
        seen.put(id, n);
        return id;
    }

    private String choice(Node n, String p, List<String> options) {
        String expected = "one of " + String.join("|", options);
        Scalar s = scalar(n, p, expected);
        if (s == null) {
            return null;
        }
        if (s.isNull() || !options.contains(s.value())) {
            error(n, p, "expected " + expected + ", got " + describe(s) + Suggest.didYouMean(s.value(), options));
            return null;
        }
        return s.value();
    }

    private Long integer(Node n, String p, String expected) {
        Scalar s = scalar(n, p, expected);
        if (s == null) {
            return null;
        }
        if (s.plain() && DECIMAL.matcher(s.value()).matches()) {
            try {
                return Long.parseLong(s.value().replace("_", ""));
            } catch (NumberFormatException e) {
                error(n, p, "expected " + expected + ", got " + s.value() + ", which is out of range");
                return null;
            }
        }
        error(n, p, "expected " + expected + ", got " + describe(s));
        return null;
    }

    private Long intInRange(Node n, String p, long min, long max, String expected) {
        Long v = integer(n, p, expected);
        if (v != null && (v < min || v > max)) {
            error(n, p, "expected " + expected + (max < Integer.MAX_VALUE ? " in [" + min + ", " + max + "]" : "")
                    + ", got " + v);
            return null;
        }
        return v;
    }

    private Long positiveInt(Node n, String p) {
        return intInRange(n, p, 1, Integer.MAX_VALUE, "a positive integer");
    }

    private Long nonNegativeLong(Node n, String p) {
        return intInRange(n, p, 0, Long.MAX_VALUE, "a non-negative integer");
    }

    /** A finite number; positive, or non-negative when {@code zeroOk}. */
    private Double number(Node n, String p, boolean zeroOk) {
        String expected = zeroOk ? "a non-negative number" : "a positive number";
        Scalar s = scalar(n, p, expected);
        if (s == null) {
            return null;
        }
        String v = s.value();
        if (s.plain() && FLOATING.matcher(v).matches() && v.chars().anyMatch(Character::isDigit)) {
            double d = Double.parseDouble(v.replace("_", ""));
            if (Double.isFinite(d) && (zeroOk ? d >= 0 : d > 0)) {
                return d;
            }
        }
        error(n, p, "expected " + expected + ", got " + describe(s));
        return null;
    }

    /** {@code world:...} (needs a world section), {@code hf:org/name[/sub]}, or a path relative to the spec. */
    private String modelRef(Node n, String p, boolean hasWorld) {
        String s = string(n, p, "world:..., hf:org/name or a folder");
        if (s == null) {
            return null;
        }
        if (s.startsWith("world:")) {
            if (!hasWorld) {
                error(n, p, "expected hf:org/name or a folder (world: paths need a world section), got \"" + s + "\"");
                return null;
            }
            if (s.length() == "world:".length() || s.contains("..")) {
                error(n, p, "expected world:<path inside the world> without '..', got \"" + s + "\"");
                return null;
            }
            return s;
        }
        if (s.startsWith("hf:")) {
            if (!SpecSchema.HF_REF.matcher(s).matches()) {
                error(n, p, "expected hf:org/name (optionally /sub/folder), got \"" + s + "\"");
                return null;
            }
            return s;
        }
        return dir.resolve(s).normalize().toString();
    }

    private Path localPath(Node n, String p) {
        String s = string(n, p, "a path");
        return s == null ? null : dir.resolve(s).normalize();
    }

    /** Metric parameters as plain Java values: Map (file order), List, String, Integer/Long, Double, Boolean, null. */
    private Object toJava(Node n, String p) {
        if (n instanceof MappingNode) {
            Entries m = entries(n, p, null);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, NodeTuple> e : m.byKey().entrySet()) {
                out.put(e.getKey(), toJava(e.getValue().getValueNode(), m.path(e.getKey())));
            }
            return Collections.unmodifiableMap(out);
        }
        if (n instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                out.add(toJava(seq.getValue().get(i), p + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        Scalar s = scalar(n, p, "a value");
        if (s == null) {
            return null;
        }
        if (!s.plain()) {
            return s.value();
        }
        Tag tag = resolver.resolve(NodeId.scalar, s.value(), true);
        String v = s.value();
        if (tag.equals(Tag.NULL)) {
            return null;
        }
        if (tag.equals(Tag.BOOL)) {
            return Set.of("true", "yes", "on", "y").contains(v.toLowerCase(Locale.ROOT));
        }
        if (tag.equals(Tag.INT) && DECIMAL.matcher(v).matches()) {
            try {
                long l = Long.parseLong(v.replace("_", ""));
                return l == (int) l ? (Object) (int) l : (Object) l;
            } catch (NumberFormatException e) {
                error(n, p, "expected an integer that fits in 64 bits, got " + v);
                return null;
            }
        }
        if (tag.equals(Tag.FLOAT) && FLOATING.matcher(v).matches()) {
            return Double.parseDouble(v.replace("_", ""));
        }
        return v;
    }

    // ---- errors ---------------------------------------------------------------------------------------------

    private void error(Node n, String path, String message) {
        Mark m = n.getStartMark();
        errors.add(new SpecError(file, m.getLine() + 1, m.getColumn() + 1, path, message));
    }

    private static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static String stem(Path p) {
        String f = p.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }

    private static String describe(Node n) {
        if (n instanceof ScalarNode sn) {
            return describe(new Scalar(sn, sn.getValue(), sn.isPlain()));
        }
        return n instanceof SequenceNode ? "a list" : "a mapping";
    }

    private static String describe(Scalar s) {
        if (s.isNull()) {
            return "null";
        }
        String v = s.value().length() > 60 ? s.value().substring(0, 57) + "..." : s.value();
        boolean bare = s.plain() && (DECIMAL.matcher(v).matches() || (FLOATING.matcher(v).matches()
                && v.chars().anyMatch(Character::isDigit)) || v.equals("true") || v.equals("false"));
        return bare ? v : "\"" + v.replace("\"", "\\\"") + "\"";
    }
}
