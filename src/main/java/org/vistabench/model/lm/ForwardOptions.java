package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import java.util.Set;
import java.util.TreeSet;

/**
 * Options of one forward pass.
 *
 * @param attentionMask   [B,T] (or [B,past+T] with a cache), 1 = real token, 0 = padding (keys masked); null = none
 * @param allHiddenStates return every hidden state in HF layout
 * @param captureLayers   block indices (0-based) whose outputs are returned in {@link LmOutput#residuals()}
 * @param hook            edits block outputs; null = none
 * @param cache           KV cache to read and extend; null = none (positions start at 0)
 * @param logits          compute the LM head. When false the pass returns {@link LmOutput#finalHidden()} for
 *                        {@link CausalLm#head} at chosen positions, or, if layers are captured (and no cache and no
 *                        hidden states are asked for), stops after the last captured block: SAE feature extraction
 */
public record ForwardOptions(NDArray attentionMask, boolean allHiddenStates, Set<Integer> captureLayers,
                             ResidualHook hook, KvCache cache, boolean logits) {
    public ForwardOptions {
        captureLayers = Set.copyOf(captureLayers);
    }

    /** Logits only. */
    public static ForwardOptions none() {
        return new ForwardOptions(null, false, Set.of(), null, null, true);
    }

    public ForwardOptions withMask(NDArray mask) {
        return new ForwardOptions(mask, allHiddenStates, captureLayers, hook, cache, logits);
    }

    public ForwardOptions withAllHiddenStates() {
        return new ForwardOptions(attentionMask, true, captureLayers, hook, cache, logits);
    }

    public ForwardOptions capture(Integer... layers) {
        Set<Integer> s = new TreeSet<>(captureLayers);
        s.addAll(Set.of(layers));
        return new ForwardOptions(attentionMask, allHiddenStates, s, hook, cache, logits);
    }

    public ForwardOptions capture(Set<Integer> layers) {
        Set<Integer> s = new TreeSet<>(captureLayers);
        s.addAll(layers);
        return new ForwardOptions(attentionMask, allHiddenStates, s, hook, cache, logits);
    }

    public ForwardOptions withHook(ResidualHook h) {
        return new ForwardOptions(attentionMask, allHiddenStates, captureLayers, h, cache, logits);
    }

    public ForwardOptions withCache(KvCache c) {
        return new ForwardOptions(attentionMask, allHiddenStates, captureLayers, hook, c, logits);
    }

    public ForwardOptions withoutLogits() {
        return new ForwardOptions(attentionMask, allHiddenStates, captureLayers, hook, cache, false);
    }
}
