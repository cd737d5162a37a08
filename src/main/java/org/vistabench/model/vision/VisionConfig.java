package org.vistabench.model.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.vistabench.io.Json;

/**
 * A ViT-style vision tower as HF {@code config.json} describes it. Missing keys take HF's defaults for the family, so
 * a terse real-world config reads the same as transformers reads it.
 *
 * @param family           {@code dinov2}, {@code clip} or {@code ijepa}
 * @param intermediateSize MLP width (DINOv2: {@code int(hidden_size * mlp_ratio)}, before the SwiGLU adjustment)
 * @param layerScale       DINOv2 layer-scale vectors after attention and MLP
 * @param swiglu           DINOv2 {@code use_swiglu_ffn}
 * @param source           the config file (for error messages)
 */
public record VisionConfig(String family, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                           int imageSize, int patchSize, int numChannels, double layerNormEps, String hiddenAct,
                           boolean qkvBias, boolean layerScale, boolean swiglu, Path source) {

    public static final String DINOV2 = "dinov2";
    public static final String CLIP = "clip";
    public static final String IJEPA = "ijepa";

    public VisionConfig {
        if (hiddenSize <= 0 || numHeads <= 0 || hiddenSize % numHeads != 0) {
            throw new VisionFormatException(source + ": hidden_size " + hiddenSize
                    + " is not a positive multiple of num_attention_heads " + numHeads);
        }
        if (patchSize <= 0 || imageSize < patchSize) {
            throw new VisionFormatException(source + ": image_size " + imageSize + " / patch_size " + patchSize
                    + " do not give a patch grid");
        }
    }

    /** True when the family prepends a CLS token (DINOv2, CLIP); I-JEPA has none. */
    public boolean hasCls() {
        return !IJEPA.equals(family);
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Patches per side at the config's image size. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Reads {@code dir/config.json} (or the file itself when given one). */
    public static VisionConfig read(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("config.json") : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new VisionFormatException(file + ": no config.json (expected a Hugging Face vision model folder)");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new VisionFormatException(file + ": not valid JSON: " + Json.why(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new VisionFormatException(file + ": expected a JSON object");
        }
        return fromJson(root, file);
    }

    /** Parses a config object; {@code source} is only used in messages. */
    public static VisionConfig fromJson(JsonNode root, Path source) {
        String type = root.path("model_type").asText("");
        switch (type) {
            case "dinov2": {
                int hidden = integer(root, "hidden_size", 768, source);
                double ratio = number(root, "mlp_ratio", 4.0, source);
                return new VisionConfig(DINOV2, hidden, integer(root, "num_hidden_layers", 12, source),
                        integer(root, "num_attention_heads", 12, source), (int) (hidden * ratio),
                        integer(root, "image_size", 224, source), integer(root, "patch_size", 14, source),
                        integer(root, "num_channels", 3, source), number(root, "layer_norm_eps", 1e-6, source),
                        text(root, "hidden_act", "gelu"), bool(root, "qkv_bias", true), true,
                        bool(root, "use_swiglu_ffn", false), source);
            }
            case "ijepa":
                return new VisionConfig(IJEPA, integer(root, "hidden_size", 768, source),
                        integer(root, "num_hidden_layers", 12, source), integer(root, "num_attention_heads", 12, source),
                        integer(root, "intermediate_size", 3072, source), integer(root, "image_size", 224, source),
                        integer(root, "patch_size", 16, source), integer(root, "num_channels", 3, source),
                        number(root, "layer_norm_eps", 1e-12, source), text(root, "hidden_act", "gelu"),
                        bool(root, "qkv_bias", true), false, false, source);
            case "clip_vision_model":
                return clipVision(root, source);
            case "clip": {
                JsonNode v = root.get("vision_config");
                if (v == null || !v.isObject()) {
                    throw new VisionFormatException(source + ": model_type 'clip' needs an object 'vision_config'");
                }
                return clipVision(v, source);
            }
            default:
                throw new VisionFormatException(source + ": model_type '" + type
                        + "' is not a supported vision encoder (expected dinov2, clip_vision_model, clip or ijepa)");
        }
    }

    private static VisionConfig clipVision(JsonNode v, Path source) {
        // HF CLIPVisionConfig defaults (ViT-B/32).
        return new VisionConfig(CLIP, integer(v, "hidden_size", 768, source), integer(v, "num_hidden_layers", 12, source),
                integer(v, "num_attention_heads", 12, source), integer(v, "intermediate_size", 3072, source),
                integer(v, "image_size", 224, source), integer(v, "patch_size", 32, source),
                integer(v, "num_channels", 3, source), number(v, "layer_norm_eps", 1e-5, source),
                text(v, "hidden_act", "quick_gelu"), true, false, false, source);
    }

    private static int integer(JsonNode n, String key, int dflt, Path source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber()) {
            throw new VisionFormatException(source + ": key '" + key + "' must be an integer, found " + v);
        }
        return v.asInt();
    }

    private static double number(JsonNode n, String key, double dflt, Path source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new VisionFormatException(source + ": key '" + key + "' must be a number, found " + v);
        }
        return v.asDouble();
    }

    private static String text(JsonNode n, String key, String dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    private static boolean bool(JsonNode n, String key, boolean dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? dflt : v.asBoolean();
    }
}
