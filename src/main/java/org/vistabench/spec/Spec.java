package org.vistabench.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated spec. Built only by {@link SpecLoader}; every list and map is immutable and ordered as in the file.
 *
 * @param file the spec file as given
 * @param sha256 hash of the spec file's bytes (after nothing: the raw file), recorded in run manifests
 * @param seeds the seeds the matrix runs (from {@code seeds:}, else {@code [seed]})
 * @param world the mini world to build, or null when {@code data:} names real data
 * @param data COCO-format data, or null when a world is used
 * @param metrics provider name to its parameters, in file order (the order providers run in)
 * @param golden golden file resolved against the spec's folder, or null
 */
public record Spec(Path file, String sha256, String name, long seed, List<Long> seeds, WorldSpec world, DataSpec data,
                   List<EncoderSpec> encoders, List<LlmSpec> llms, Map<String, LayerSet> saeLayerSets,
                   List<String> controls, TrainSpec train, Map<String, Map<String, Object>> metrics, Path golden,
                   MatrixSpec matrix) {

    public EncoderSpec encoder(String id) {
        return encoders.stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no encoder '" + id + "' in " + file));
    }

    public LlmSpec llm(String id) {
        return llms.stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no llm '" + id + "' in " + file));
    }

    public LayerSet layerSet(String name) {
        LayerSet s = saeLayerSets.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no sae layer set '" + name + "' in " + file);
        }
        return s;
    }
}
