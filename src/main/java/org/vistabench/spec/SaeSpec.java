package org.vistabench.spec;

/**
 * The LLM's pretrained text SAEs.
 *
 * @param format {@code gemma-scope} or {@code llama-scope}
 * @param layers the layers that have an SAE (the universe layer sets pick from)
 * @param labels latent labels (Neuronpedia export rows, JSON/JSONL, gzipped or not), or null for the SAE folder's own
 */
public record SaeSpec(String path, String format, LayerSet layers, String labels) {
}
