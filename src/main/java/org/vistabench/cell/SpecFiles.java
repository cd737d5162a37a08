package org.vistabench.cell;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.vistabench.hf.ModelResolver;
import org.vistabench.io.Json;
import org.vistabench.model.lm.LmConfig;
import org.vistabench.model.sae.SaeLoader;
import org.vistabench.model.vision.VisionConfig;
import org.vistabench.spec.EncoderSpec;
import org.vistabench.spec.LayerSet;
import org.vistabench.spec.LlmSpec;
import org.vistabench.spec.DataSpec;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecError;
import org.vistabench.world.World;

/**
 * The checks of a spec that need the files it names, cheap enough to run before any training ({@code validate} and
 * {@code run}): every model, SAE and label reference resolves ({@code world:} against what the spec's world will hold,
 * {@link World#blueprint}, without building it; {@code hf:} in the Hugging Face cache; plain paths on disk); each
 * encoder's {@code layer} is a hidden state the encoder has (its config.json); every SAE layer named by
 * {@code saes.layers} or a layer set is a layer of each LLM and has an SAE file. Errors point at the spec's key.
 */
public final class SpecFiles {
    private final Spec spec;
    private final World.Blueprint world;
    private final Path specDir;
    private final List<SpecError> errors = new ArrayList<>();
    /** Also resolve every file a cell reads ({@code validate --check-files}, {@code run}). */
    private final boolean deep;
    /** The checkpoint files found by the deep walk, in spec order. */
    private final List<ReadFile> found = new ArrayList<>();

    /**
     * A checkpoint file a run reads.
     *
     * @param model the encoder or LLM id it belongs to
     * @param role  {@code config}, {@code tokenizer}, {@code weights}, {@code weights-index}, {@code sae},
     *              {@code labels}
     * @param ref   the spec reference it was found through ({@code hf:org/name}, a path)
     */
    public record ReadFile(String model, String role, Path path, String ref) {
    }

    private SpecFiles(Spec spec, boolean deep) {
        this.spec = spec;
        this.deep = deep;
        this.world = spec.world() == null ? null : World.blueprint(spec.world());
        this.specDir = spec.file() == null ? Path.of("").toAbsolutePath()
                : spec.file().toAbsolutePath().getParent();
    }

    /** Every problem found, in spec order (empty when the spec's files are all there and agree with it). */
    public static List<SpecError> check(Spec spec) {
        return check(spec, false);
    }

    /**
     * {@link #check(Spec)}, and with {@code files} also every file the cells will read, each missing one its own
     * error (all at once, grouped by model): each model's {@code config.json}, an LLM's {@code tokenizer.json}, the
     * weights ({@code model.safetensors}, or every shard {@code model.safetensors.index.json} names), each SAE layer's
     * file after the spec's width / l0 / position / expansion choice, per-layer label files, and the data files
     * ({@link #dataFiles}). Only file-system metadata is read (stat calls and the small index and config JSONs), so
     * {@code run} always does it. {@code world:} references are left to the world, which builds them.
     */
    public static List<SpecError> check(Spec spec, boolean files) {
        SpecFiles f = walk(spec, files, null, null);
        return List.copyOf(f.errors);
    }

    /**
     * The checkpoint files (model configs, tokenizers, weights, SAE files, label files) that exist and that the
     * given encoders and LLMs read, for provenance ({@code run.json}); {@code world:} models are not listed.
     */
    public static List<ReadFile> filesRead(Spec spec, java.util.Collection<String> encoders,
                                           java.util.Collection<String> llms) {
        return List.copyOf(walk(spec, true, java.util.Set.copyOf(encoders), java.util.Set.copyOf(llms)).found);
    }

    private static SpecFiles walk(Spec spec, boolean deep, java.util.Set<String> encoders,
                                  java.util.Set<String> llms) {
        SpecFiles f = new SpecFiles(spec, deep);
        for (int i = 0; i < spec.encoders().size(); i++) {
            if (encoders == null || encoders.contains(spec.encoders().get(i).id())) {
                f.encoder(spec.encoders().get(i), "encoders[" + i + "]");
            }
        }
        for (int i = 0; i < spec.llms().size(); i++) {
            if (llms == null || llms.contains(spec.llms().get(i).id())) {
                f.llm(spec.llms().get(i), "llms[" + i + "]");
            }
        }
        if (deep && encoders == null) {
            f.dataFiles();
        }
        return f;
    }

    private void encoder(EncoderSpec e, String p) {
        Integer layers = layerCount(e.path(), p + ".path",
                world == null ? List.of() : world.encoderRefs(),
                world == null ? 0 : world.encoderLayersOf(e.path()), dir -> VisionConfig.read(dir).numLayers(), "encoder's");
        if (deep && !isWorld(e.path())) {
            modelFiles(e.id(), e.path(), p + ".path", false);
        }
        // hidden states are 0 (embeddings) .. layers; negative indices count from the end (-1 = the last)
        if (layers != null && (e.layer() > layers || e.layer() < -(layers + 1))) {
            errors.add(spec.errorAt(p + ".layer", "expected a hidden-state index in [" + -(layers + 1) + ", " + layers
                    + "] (encoder '" + e.id() + "' has " + layers + " layers: hidden states 0.." + layers
                    + "), got " + e.layer()));
        }
    }

    private void llm(LlmSpec l, String p) {
        Integer layers = layerCount(l.path(), p + ".path", List.of("world:lm"), world == null ? 0 : world.lmLayers(),
                dir -> LmConfig.read(dir).numLayers(), "LLM's");
        if (deep && !isWorld(l.path())) {
            modelFiles(l.id(), l.path(), p + ".path", true);
        }
        if (l.saes() == null) {
            return;
        }
        // the layers that have an SAE: all of the world LM's; for real SAEs, what the folder holds
        SortedSet<Integer> withSae = null;
        String saesPath = l.saes().path();
        if (isWorld(saesPath)) {
            if (worldRef(saesPath, p + ".saes.path", List.of("world:saes")) && layers != null) {
                withSae = new TreeSet<>();
                for (int i = 0; i < layers; i++) {
                    withSae.add(i);
                }
            }
        } else {
            Path root = resolve(saesPath, p + ".saes.path");
            if (root != null) {
                try {
                    // every layer the folder has with the spec's width / l0 / position / expansion (not only
                    // saes.layers: a layer set naming a layer outside them is reported below, not here)
                    Map<Integer, Path> files = SaeLoader.locateLayers(root, l.saes().format(),
                            LmBundle.choice(l.saes()).withLayers(null));
                    withSae = new TreeSet<>(files.keySet());
                    if (deep) {
                        saeFiles(l, p + ".saes.path", files);
                    }
                } catch (RuntimeException ex) {
                    errors.add(spec.errorAt(p + ".saes.path", message(ex)));
                }
            }
        }
        if (l.saes().labels() != null && !isWorld(l.saes().labels())) {
            labelFiles(l, p + ".saes.labels", withSae);
        }
        if (!l.saes().layers().all()) {
            layersExist(l.saes().layers().layers(), p + ".saes.layers", l, layers, withSae);
        }
        for (Map.Entry<String, LayerSet> s : spec.saeLayerSets().entrySet()) {
            if (!s.getValue().all()) {
                layersExist(s.getValue().layers(), "sae_layer_sets." + s.getKey(), l, layers, withSae);
            }
        }
    }

    /** An HF model folder's config.json, tokenizer.json (LLMs) and weights: each one missing is an error. */
    private void modelFiles(String id, String ref, String key, boolean llm) {
        Path dir = quietResolve(ref);
        if (dir == null) {
            return; // already reported by the layer count
        }
        Path config = dir.resolve("config.json");
        if (Files.isRegularFile(config)) { // a missing or bad config is reported by the layer count already
            found.add(new ReadFile(id, "config", config, ref));
        }
        if (llm) {
            need(id, ref, key, dir, "tokenizer.json", "tokenizer");
        }
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            found.add(new ReadFile(id, "weights-index", index, ref));
            SortedSet<String> shards = new TreeSet<>();
            try {
                JsonNode wm = Json.MAPPER.readTree(index.toFile()).get("weight_map");
                if (wm == null || !wm.isObject()) {
                    errors.add(spec.errorAt(key, "'" + id + "': " + index + " has no object 'weight_map'"));
                    return;
                }
                wm.elements().forEachRemaining(v -> shards.add(v.asText()));
            } catch (IOException | RuntimeException ex) {
                errors.add(spec.errorAt(key, "'" + id + "': " + index + " is not valid JSON: "
                        + Json.why(ex).replace('\n', ' ')));
                return;
            }
            for (String shard : shards) {
                need(id, ref, key, dir, shard, "weights");
            }
        } else if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
            found.add(new ReadFile(id, "weights", dir.resolve("model.safetensors"), ref));
        } else {
            errors.add(spec.errorAt(key, "'" + id + "': missing weights: no model.safetensors or"
                    + " model.safetensors.index.json in " + dir + hint(ref, "model.safetensors*")));
        }
    }

    /** Each chosen SAE layer's files (Gemma Scope params.npz; Llama Scope hyperparams.json + final.safetensors). */
    private void saeFiles(LlmSpec l, String key, Map<Integer, Path> located) {
        java.util.Set<Integer> used = usedSaeLayers(l, located.keySet());
        Path root = quietResolve(l.saes().path());
        for (var e : located.entrySet()) {
            if (!used.contains(e.getKey())) {
                continue;
            }
            Path f = e.getValue();
            List<Path> files = Files.isDirectory(f)
                    ? List.of(f.resolve("hyperparams.json"), f.resolve("checkpoints").resolve("final.safetensors"))
                    : List.of(f);
            for (Path file : files) {
                String rel = root == null || !file.startsWith(root) ? file.toString()
                        : root.relativize(file).toString();
                if (Files.isRegularFile(file)) {
                    found.add(new ReadFile(l.id(), "sae", file, l.saes().path()));
                } else {
                    errors.add(spec.errorAt(key, "'" + l.id() + "': missing SAE file for layer " + e.getKey() + ": "
                            + file + hint(l.saes().path(), rel)));
                }
            }
        }
    }

    /** The SAE layers a run loads: {@code saes.layers}, or every layer the folder has when it is {@code all}. */
    private static java.util.Set<Integer> usedSaeLayers(LlmSpec l, java.util.Set<Integer> have) {
        return l.saes().layers().all() ? have : new TreeSet<>(l.saes().layers().layers());
    }

    /** The labels path resolves; a {@code {layer}} path has a file or folder for every SAE layer a run loads. */
    private void labelFiles(LlmSpec l, String key, SortedSet<Integer> withSae) {
        String ref = l.saes().labels();
        if (!ref.contains(SaeLabelFiles.LAYER)) {
            Path p = resolve(ref, key);
            if (p != null && Files.isRegularFile(p)) {
                found.add(new ReadFile(l.id(), "labels", p, ref));
            } else if (p != null && Files.isDirectory(p)) {
                try (var s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).sorted()
                            .forEach(f -> found.add(new ReadFile(l.id(), "labels", f, ref)));
                } catch (IOException e) {
                    errors.add(spec.errorAt(key, p + ": cannot list: " + e.getMessage()));
                }
            }
            return;
        }
        if (withSae == null) {
            return;
        }
        List<Integer> missing = new ArrayList<>();
        for (int layer : usedSaeLayers(l, withSae)) {
            Path p = SaeLabelFiles.perLayer(ref, layer, r -> ModelResolver.resolve(r, specDir));
            if (p == null) {
                missing.add(layer);
            } else if (Files.isRegularFile(p)) {
                found.add(new ReadFile(l.id(), "labels", p, ref));
            }
        }
        if (!missing.isEmpty() && deep) {
            errors.add(spec.errorAt(key, "'" + l.id() + "': no labels file for SAE layer(s) " + missing + " ("
                    + ref + " with {layer} = each)"));
        }
    }

    /**
     * The data files the cells read: {@code data.images} (a folder), {@code data.instances} and
     * {@code data.captions}, the same for {@code data.eval}, and each conversation set's json and image folder.
     * (The spec reader already checks these when it loads; this list serves {@code validate --check-files} on a spec
     * loaded with its missing data files listed instead of fatal.)
     */
    private void dataFiles() {
        DataSpec d = spec.data();
        if (d == null) {
            return;
        }
        dataPath(d.images(), "data.images", true);
        dataPath(d.instances(), "data.instances", false);
        dataPath(d.captions(), "data.captions", false);
        if (d.eval() != null) {
            dataPath(d.eval().images(), "data.eval.images", true);
            dataPath(d.eval().instances(), "data.eval.instances", false);
            dataPath(d.eval().captions(), "data.eval.captions", false);
        }
        if (d.conversations() != null) {
            d.conversations().forEach((name, c) -> {
                dataPath(c.json(), "data.conversations." + name + ".json", false);
                dataPath(c.images(), "data.conversations." + name + ".images", true);
            });
        }
    }

    /** A data path that must exist (a folder when {@code folder}); null (an optional key left out) is fine. */
    private void dataPath(Path p, String key, boolean folder) {
        if (p == null) {
            return;
        }
        Path full = p.isAbsolute() ? p : specDir.resolve(p).normalize();
        if (folder ? !Files.isDirectory(full) : !Files.isRegularFile(full)) {
            errors.add(spec.errorAt(key, "missing " + (folder ? "folder " : "file ") + full
                    + (Files.exists(full) ? " (it is not a " + (folder ? "folder" : "file") + ")" : "")));
        }
    }

    private void need(String id, String ref, String key, Path dir, String name, String role) {
        Path f = dir.resolve(name).normalize();
        if (Files.isRegularFile(f)) {
            found.add(new ReadFile(id, role, f, ref));
        } else {
            errors.add(spec.errorAt(key, "'" + id + "': missing " + role + " file " + f + hint(ref, name)));
        }
    }

    /** How to fetch a file missing from an hf: snapshot. */
    private static String hint(String ref, String file) {
        if (!ref.startsWith("hf:")) {
            return "";
        }
        String repo = ref.substring(3);
        int at = repo.indexOf('@');
        if (at >= 0) {
            repo = repo.substring(0, at);
        }
        return " (nothing is downloaded: run `hf download " + repo + " " + file + "`)";
    }

    private Path quietResolve(String ref) {
        try {
            return ModelResolver.resolve(ref, specDir);
        } catch (RuntimeException ex) {
            return null;
        }
    }

    private void layersExist(List<Integer> wanted, String key, LlmSpec l, Integer layers, SortedSet<Integer> withSae) {
        for (int layer : wanted) {
            if (layers != null && (layer < 0 || layer >= layers)) {
                errors.add(spec.errorAt(key, "layer " + layer + " does not exist: LLM '" + l.id() + "' has " + layers
                        + " layers (0.." + (layers - 1) + ")"));
            } else if (withSae != null && !withSae.contains(layer)) {
                errors.add(spec.errorAt(key, "layer " + layer + " has no SAE for LLM '" + l.id() + "' (SAE layers "
                        + "found: " + withSae + ")"));
            }
        }
    }

    /**
     * How many layers the model {@code ref} has: the world's count when it is one of {@code worldRefs}, else its
     * config's ({@code readConfig} on the resolved folder); null, with the error reported at {@code key}, when the
     * reference or the config is bad.
     */
    private Integer layerCount(String ref, String key, List<String> worldRefs, int worldLayers,
                               java.util.function.ToIntFunction<Path> readConfig, String whose) {
        if (isWorld(ref)) {
            return worldRef(ref, key, worldRefs) ? worldLayers : null;
        }
        Path dir = resolve(ref, key);
        if (dir == null) {
            return null;
        }
        try {
            return readConfig.applyAsInt(dir);
        } catch (RuntimeException ex) {
            errors.add(spec.errorAt(key, "cannot read the " + whose + " config: " + message(ex)));
            return null;
        }
    }

    private static boolean isWorld(String ref) {
        return ref.startsWith(World.PREFIX);
    }

    /** Whether {@code ref} is one of {@code allowed}; reports it at {@code key} if not. */
    private boolean worldRef(String ref, String key, List<String> allowed) {
        if (world == null) {
            return false; // the reader already reported world: without a world section
        }
        if (allowed.contains(ref)) {
            return true;
        }
        errors.add(spec.errorAt(key, "expected " + String.join(" or ", allowed) + " (what the mini world holds), got \""
                + ref + "\""));
        return false;
    }

    private Path resolve(String ref, String key) {
        try {
            return ModelResolver.resolve(ref, specDir);
        } catch (RuntimeException ex) {
            errors.add(spec.errorAt(key, message(ex)));
            return null;
        }
    }

    private static String message(RuntimeException ex) {
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage().replace('\n', ' ');
    }
}
