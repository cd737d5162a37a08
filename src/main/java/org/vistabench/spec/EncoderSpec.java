package org.vistabench.spec;

/**
 * A frozen vision encoder.
 *
 * @param path {@code world:encoders/<name>}, {@code hf:org/name} or a folder relative to the spec file
 * @param layer hidden-state index the projector reads (negative counts from the end, as in LLaVA's -2)
 * @param tokens {@code patch} (drop CLS) or {@code all}
 * @param family {@code dinov2|clip|ijepa}, or null to take it from config.json
 */
public record EncoderSpec(String id, String path, int layer, String tokens, String family) {
}
