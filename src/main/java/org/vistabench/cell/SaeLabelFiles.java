package org.vistabench.cell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.vistabench.model.sae.SaeLabels;

/**
 * The latent labels a spec's {@code llms[].saes.labels} names, per SAE layer. A path holding {@code {layer}} is one
 * file or folder per layer (a layer whose path does not exist has no labels); any other path is read once with
 * {@link SaeLabels#byLayer} (a Neuronpedia export tree, or rows naming their source).
 */
final class SaeLabelFiles {
    static final String LAYER = "{layer}";

    private SaeLabelFiles() {
    }

    /**
     * @param resolve a spec reference → a path (throws when it does not exist)
     */
    static SortedMap<Integer, SaeLabels> read(String ref, Collection<Integer> layers, Function<String, Path> resolve) {
        if (!ref.contains(LAYER)) {
            return SaeLabels.byLayer(resolve.apply(ref), layers);
        }
        SortedMap<Integer, SaeLabels> out = new TreeMap<>();
        for (int layer : new java.util.TreeSet<>(layers)) {
            Path p = perLayer(ref, layer, resolve);
            if (p != null) {
                out.put(layer, SaeLabels.read(p));
            }
        }
        return out;
    }

    /** The file or folder of one layer for a {@code {layer}} reference, or null when there is none. */
    static Path perLayer(String ref, int layer, Function<String, Path> resolve) {
        try {
            Path p = resolve.apply(ref.replace(LAYER, String.valueOf(layer)));
            return Files.exists(p) ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
