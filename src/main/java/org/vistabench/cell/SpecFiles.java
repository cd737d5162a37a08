package org.vistabench.cell;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.vistabench.hf.ModelResolver;
import org.vistabench.model.lm.LmConfig;
import org.vistabench.model.sae.SaeChoice;
import org.vistabench.model.sae.SaeLoader;
import org.vistabench.model.vision.VisionConfig;
import org.vistabench.spec.EncoderSpec;
import org.vistabench.spec.LayerSet;
import org.vistabench.spec.LlmSpec;
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

    private SpecFiles(Spec spec) {
        this.spec = spec;
        this.world = spec.world() == null ? null : World.blueprint(spec.world());
        this.specDir = spec.file() == null ? Path.of("").toAbsolutePath()
                : spec.file().toAbsolutePath().getParent();
    }

    /** Every problem found, in spec order (empty when the spec's files are all there and agree with it). */
    public static List<SpecError> check(Spec spec) {
        SpecFiles f = new SpecFiles(spec);
        for (int i = 0; i < spec.encoders().size(); i++) {
            f.encoder(spec.encoders().get(i), "encoders[" + i + "]");
        }
        for (int i = 0; i < spec.llms().size(); i++) {
            f.llm(spec.llms().get(i), "llms[" + i + "]");
        }
        return List.copyOf(f.errors);
    }

    private void encoder(EncoderSpec e, String p) {
        Integer layers = layerCount(e.path(), p + ".path",
                world == null ? List.of() : world.encoderRefs(),
                world == null ? 0 : world.encoderLayers(), dir -> VisionConfig.read(dir).numLayers(), "encoder's");
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
                    withSae = new TreeSet<>(SaeLoader.locateLayers(root, l.saes().format(), SaeChoice.defaults())
                            .keySet());
                } catch (RuntimeException ex) {
                    errors.add(spec.errorAt(p + ".saes.path", message(ex)));
                }
            }
        }
        if (l.saes().labels() != null && !isWorld(l.saes().labels())) {
            resolve(l.saes().labels(), p + ".saes.labels");
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
