package org.vistabench.spec;

/**
 * The LLM's pretrained text SAEs.
 *
 * @param format {@code gemma-scope} or {@code llama-scope}
 * @param layers the layers that have an SAE (the universe layer sets pick from)
 * @param labels latent labels (Neuronpedia export rows, JSON/JSONL, gzipped or not: a file, a folder of batch files,
 *     an export tree with one {@code <layer>-<source>/} folder per layer, or a path holding {@code {layer}}), or null
 *     for the SAE folder's own {@code labels.json}
 * @param width Gemma Scope {@code width_<width>} folder, e.g. {@code 16k}; null: the only one
 * @param l0 Gemma Scope {@code canonical}, {@code K} ({@code average_l0_K}) or {@code closest:K}; null: canonical if
 *     present, else the only one
 * @param position Llama Scope position R, A, M or TC; null: R
 * @param expansion Llama Scope expansion factor 8 or 32; null: the only one
 */
public record SaeSpec(String path, String format, LayerSet layers, String labels, String width, String l0,
                      String position, Integer expansion) {

    /** SAEs with no width, L0, position or expansion choice. */
    public SaeSpec(String path, String format, LayerSet layers, String labels) {
        this(path, format, layers, labels, null, null, null, null);
    }
}
