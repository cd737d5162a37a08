package org.vistabench.model.vision;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.vistabench.tensor.Checkpoint;

/** Builds a {@link VisionEncoder} from a Hugging Face model folder ({@code config.json} + safetensors). */
public final class VisionLoader {
    private VisionLoader() {
    }

    /**
     * Loads the encoder; weights live in a sub-manager of {@code manager} that {@link VisionEncoder#close()} frees.
     * Tensor names may carry the prefix a wrapping model saves them under ({@code vision_model.},
     * {@code vision_tower.vision_model.}, {@code dinov2.}, ...); it is found from the patch-embedding tensor.
     */
    public static VisionEncoder load(Path dir, NDManager manager) {
        VisionConfig cfg = VisionConfig.read(dir);
        try (Checkpoint ck = Checkpoint.open(dir)) {
            String anchor = VisionConfig.CLIP.equals(cfg.family()) ? "embeddings.patch_embedding.weight"
                    : "embeddings.patch_embeddings.projection.weight";
            String prefix = prefix(ck, anchor);
            switch (cfg.family()) {
                case VisionConfig.DINOV2:
                    return new Dinov2Encoder(cfg, ck, prefix, manager);
                case VisionConfig.CLIP:
                    return new ClipVisionEncoder(cfg, ck, prefix, manager);
                case VisionConfig.IJEPA:
                    return new IJepaEncoder(cfg, ck, prefix, manager);
                default:
                    throw new IllegalStateException(cfg.family());
            }
        }
    }

    /** The shortest prefix under which {@code anchor} exists; "" when absent (the missing-tensor error follows). */
    static String prefix(Checkpoint ck, String anchor) {
        String best = null;
        for (String n : ck.names()) {
            if (n.endsWith(anchor) && (n.length() == anchor.length() || n.charAt(n.length() - anchor.length() - 1) == '.')) {
                String p = n.substring(0, n.length() - anchor.length());
                if (p.startsWith("text_model.")) {
                    continue;
                }
                if (best == null || p.length() < best.length()) {
                    best = p;
                }
            }
        }
        return best == null ? "" : best;
    }

    static List<String> families() {
        return List.of(VisionConfig.DINOV2, VisionConfig.CLIP, VisionConfig.IJEPA);
    }
}
