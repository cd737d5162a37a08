package org.vistabench.model.sae;

import java.util.Set;

/**
 * Which SAE to take per layer when a repository holds several. Every field is nullable ("no preference").
 *
 * @param layers only these layers (null: every layer found). Loading all 26 Gemma-2-2B layers at width 16k costs
 *     ~300 MB each, so a run loads only the layers its cells use.
 * @param width Gemma Scope {@code width_<width>} folder name suffix, e.g. {@code "16k"} (null: the only one)
 * @param targetL0 Gemma Scope: when a width folder holds several {@code average_l0_K}, take the K closest to this
 *     (ties: the smaller K). Null: the {@code canonical} folder if present, else the only {@code average_l0_K}.
 * @param position Llama Scope position letter(s): R, A, M or TC (null: R, the residual stream)
 * @param expansion Llama Scope expansion factor, 8 or 32 (null: the only one)
 */
public record SaeChoice(Set<Integer> layers, String width, Double targetL0, String position, Integer expansion) {
    public SaeChoice {
        layers = layers == null ? null : Set.copyOf(layers);
    }

    public static SaeChoice defaults() {
        return new SaeChoice(null, null, null, null, null);
    }

    public SaeChoice withLayers(Set<Integer> only) {
        return new SaeChoice(only, width, targetL0, position, expansion);
    }

    public SaeChoice withTargetL0(double l0) {
        return new SaeChoice(layers, width, l0, position, expansion);
    }

    public SaeChoice withWidth(String w) {
        return new SaeChoice(layers, w, targetL0, position, expansion);
    }
}
