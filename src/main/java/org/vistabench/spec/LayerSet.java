package org.vistabench.spec;

import java.util.List;

/**
 * A named set of SAE layers, e.g. {@code early: [0, 1]}; {@code none: []} is plain LLaVA training.
 *
 * @param all true for {@code all}: every layer the LLM's SAEs cover (resolved once the model is known)
 */
public record LayerSet(String name, boolean all, List<Integer> layers) {
    public boolean isEmpty() {
        return !all && layers.isEmpty();
    }

    /** The concrete layers, given how many layers have an SAE when {@code all}. */
    public List<Integer> resolve(List<Integer> available) {
        return all ? available : layers;
    }
}
