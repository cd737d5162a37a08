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
 * @param positions where each key path starts in the file (for errors found after loading, e.g. by checking the
 *                  files the spec names); empty for specs not read from a file
 * @param judge the {@code judge:} section, or null (the lexicon judge; see {@link JudgeSpec#of})
 */
public record Spec(Path file, String sha256, String name, long seed, List<Long> seeds, WorldSpec world, DataSpec data,
                   List<EncoderSpec> encoders, List<LlmSpec> llms, Map<String, LayerSet> saeLayerSets,
                   List<String> controls, TrainSpec train, Map<String, Map<String, Object>> metrics, Path golden,
                   MatrixSpec matrix, Map<String, NodeReader.Position> positions, JudgeSpec judge) {
    public Spec {
        positions = positions == null ? Map.of() : Map.copyOf(positions);
    }

    /**
     * An error about {@code keyPath} located at that key, or at its closest enclosing key that has a position
     * ({@code encoders[1].layer} falls back to {@code encoders[1]} when the key is absent).
     */
    public SpecError errorAt(String keyPath, String message) {
        NodeReader.Position at = NodeReader.nearest(positions, keyPath);
        return new SpecError(file.toString(), at == null ? 0 : at.line(), at == null ? 0 : at.column(), keyPath,
                message);
    }

    /**
     * This spec with its judge's kind replaced ({@code run --judge}); {@code openai} needs {@code judge.base_url} and
     * {@code judge.model} in the file.
     */
    public Spec withJudgeKind(String kind) {
        if (!JudgeSpec.KINDS.contains(kind)) {
            throw new SpecException(errorAt("judge.kind", "--judge: expected one of " + String.join("|",
                    JudgeSpec.KINDS) + ", got '" + kind + "'"));
        }
        JudgeSpec j = JudgeSpec.of(this);
        if (kind.equals(JudgeSpec.OPENAI) && (j.baseUrl() == null || j.model() == null)) {
            throw new SpecException(errorAt("judge", "--judge openai needs judge.base_url and judge.model in the "
                    + "spec, got " + (j.baseUrl() == null ? "no base_url" : "no model")));
        }
        return new Spec(file, sha256, name, seed, seeds, world, data, encoders, llms, saeLayerSets, controls, train,
                metrics, golden, matrix, positions, j.withKind(kind));
    }

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

    /**
     * Warnings about layer sets that resolve to the same layers for every LLM (their cells would repeat the same
     * work), as far as the spec alone tells: an {@code all} set is resolved only where the LLM's {@code saes.layers}
     * is an explicit list.
     */
    public List<String> sameLayerSetWarnings() {
        List<String> out = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>(saeLayerSets.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                List<Integer> same = sameLayers(saeLayerSets.get(names.get(i)), saeLayerSets.get(names.get(j)));
                if (same != null) {
                    out.add("layer sets '" + names.get(i) + "' and '" + names.get(j) + "' resolve to the same layers "
                            + same + " for every LLM: their cells repeat the same work");
                }
            }
        }
        return out;
    }

    private List<Integer> sameLayers(LayerSet a, LayerSet b) {
        List<Integer> first = null;
        for (LlmSpec llm : llms) {
            List<Integer> ra = resolved(a, llm);
            List<Integer> rb = resolved(b, llm);
            if (ra == null || rb == null || !new java.util.TreeSet<>(ra).equals(new java.util.TreeSet<>(rb))) {
                return null;
            }
            first = first == null ? ra : first;
        }
        return first;
    }

    private static List<Integer> resolved(LayerSet set, LlmSpec llm) {
        if (!set.all()) {
            return set.layers();
        }
        LayerSet have = llm.saes() == null ? null : llm.saes().layers();
        return have == null || have.all() ? null : have.layers();
    }
}
