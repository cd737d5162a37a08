package org.vistabench.train;

import org.vistabench.model.sae.Sae;

/**
 * The SAE term of one constrained layer.
 *
 * <p>Normalisation: the layer's term is {@code mean over image tokens ‖x − SAE(x)‖² / mean over text tokens ‖x‖²},
 * where the denominator is measured once per LM on text-only prompts (no projector, BOS excluded: its residual is
 * an attention sink orders of magnitude larger than the rest). Residual norms grow with depth (several-fold across
 * Gemma-2's layers), so raw MSEs would make λ mean something different at every layer; this ratio is a fraction of
 * a typical text token's energy, so λ is comparable across layers and LMs, and a term of 1 means "the SAE explains
 * nothing of an average text-sized token".
 *
 * @param textMeanSqNorm mean ‖x‖² over the text positions at this layer (> 0)
 */
public record SaeConstraint(int layer, Sae sae, double textMeanSqNorm) {
    public SaeConstraint {
        if (!(textMeanSqNorm > 0) || !Double.isFinite(textMeanSqNorm)) {
            throw new IllegalArgumentException("layer " + layer + ": text mean squared norm must be positive and"
                    + " finite, got " + textMeanSqNorm);
        }
    }

    /** Factor turning {@code mean(Sae.reconMse)} (a per-dimension mean) into the normalised term. */
    public double scale() {
        return sae.dModel() / textMeanSqNorm;
    }
}
