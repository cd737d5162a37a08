package org.vistabench.model.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vistabench.io.Json;

/**
 * The subset of a Hugging Face {@code config.json} that the Gemma-2 and Llama forward passes need.
 *
 * <p>Keys that set a tensor shape are required; the others default as the transformers config classes default them
 * ({@code Gemma2Config}, {@code LlamaConfig}). A key present with JSON {@code null} disables the feature (a soft-cap of
 * {@code null} means no soft-cap), as in transformers.
 *
 * @param family             {@code gemma2} or {@code llama} (from {@code model_type})
 * @param headDim            per-head width ({@code head_dim}, default hidden/heads)
 * @param rope               rotary settings (accepts transformers-5 {@code rope_parameters} and the classic
 *                           {@code rope_theta} + {@code rope_scaling} form)
 * @param dtype              {@code dtype} / {@code torch_dtype} of the checkpoint ("float32", "bfloat16", ...)
 * @param hiddenAct          MLP activation: {@code gelu_pytorch_tanh} (Gemma-2) or {@code silu} (Llama)
 * @param queryPreAttnScalar Gemma-2: attention scores are scaled by {@code query_pre_attn_scalar^-0.5}; Llama uses
 *                           {@code head_dim}
 * @param attnLogitSoftcap   Gemma-2 attention soft-cap, 0 = none
 * @param finalLogitSoftcap  Gemma-2 final logit soft-cap, 0 = none
 * @param slidingWindow      Gemma-2 window of the sliding layers (a query sees this many keys including itself), 0 = none
 * @param slidingLayers      per layer: true where the layer uses sliding-window attention
 * @param eosTokenIds        end-of-sequence ids (Llama-3.1 instruct lists several)
 * @param bosTokenId         -1 when the config has none (also padTokenId)
 * @param source             the config file read (for messages)
 */
public record LmConfig(String family, int vocabSize, int hiddenSize, int numLayers, int numHeads,
                       int numKvHeads, int headDim, int intermediateSize, double rmsNormEps, Rope rope,
                       boolean tieWordEmbeddings, String dtype, String hiddenAct, double queryPreAttnScalar,
                       double attnLogitSoftcap, double finalLogitSoftcap, int slidingWindow,
                       List<Boolean> slidingLayers, long bosTokenId, List<Long> eosTokenIds, long padTokenId,
                       Path source) {

    /**
     * Rotary position embedding settings.
     *
     * @param type {@code default} or {@code llama3}
     */
    public record Rope(String type, double theta, double factor, double lowFreqFactor, double highFreqFactor,
                       int originalMaxPositionEmbeddings) {
    }

    public LmConfig {
        slidingLayers = List.copyOf(slidingLayers);
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** True when the checkpoint says bfloat16: buffers HF keeps in the model dtype are then rounded to bf16. */
    public boolean isBf16() {
        return "bfloat16".equals(dtype);
    }

    /** Attention heads per key/value head (grouped-query attention). */
    public int groups() {
        return numHeads / numKvHeads;
    }

    /** Reads {@code dir/config.json} (or a config file given directly). */
    public static LmConfig read(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("config.json") : dirOrFile;
        if (!Files.isRegularFile(file)) {
            throw new LmFormatException(file + ": config.json not found");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new LmFormatException(file + ": not valid JSON: " + Json.why(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new LmFormatException(file + ": expected a JSON object");
        }
        return parse(file, root);
    }

    static LmConfig parse(Path file, JsonNode j) {
        Keys k = new Keys(file, j);
        String modelType = k.str("model_type");
        String family = switch (modelType) {
            case "gemma2" -> "gemma2";
            case "llama" -> "llama";
            default -> throw new LmFormatException(file + ": model_type '" + modelType
                    + "' is not supported (expected gemma2 or llama)");
        };
        boolean gemma = family.equals("gemma2");
        int vocab = k.intReq("vocab_size");
        int hidden = k.intReq("hidden_size");
        int layers = k.intReq("num_hidden_layers");
        int heads = k.intReq("num_attention_heads");
        int kvHeads = k.intOr("num_key_value_heads", heads);
        int headDim = k.intOr("head_dim", heads > 0 ? hidden / heads : 0);
        int inter = k.intReq("intermediate_size");
        k.positive("vocab_size", vocab);
        k.positive("hidden_size", hidden);
        k.positive("num_hidden_layers", layers);
        k.positive("num_attention_heads", heads);
        k.positive("num_key_value_heads", kvHeads);
        k.positive("head_dim", headDim);
        k.positive("intermediate_size", inter);
        if (heads % kvHeads != 0) {
            throw new LmFormatException(file + ": num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        if (headDim % 2 != 0) {
            throw new LmFormatException(file + ": head_dim " + headDim + " must be even for rotary embeddings");
        }
        for (String bias : List.of("attention_bias", "mlp_bias")) {
            if (j.path(bias).asBoolean(false)) {
                throw new LmFormatException(file + ": " + bias + "=true is not supported (Gemma-2 and Llama-3 have none)");
            }
        }
        double eps = k.dblOr("rms_norm_eps", 1e-6);
        Rope rope = rope(k, j, file);
        boolean tie = k.boolOr("tie_word_embeddings", gemma);
        String dtype = j.hasNonNull("dtype") ? j.get("dtype").asText()
                : j.hasNonNull("torch_dtype") ? j.get("torch_dtype").asText() : "float32";
        String act;
        if (gemma) {
            act = j.hasNonNull("hidden_activation") ? j.get("hidden_activation").asText()
                    : j.hasNonNull("hidden_act") ? j.get("hidden_act").asText() : "gelu_pytorch_tanh";
            if (!act.equals("gelu_pytorch_tanh") && !act.equals("gelu_tanh")) {
                throw new LmFormatException(file + ": hidden_activation '" + act
                        + "' is not supported for gemma2 (expected gelu_pytorch_tanh)");
            }
        } else {
            act = k.strOr("hidden_act", "silu");
            if (!act.equals("silu")) {
                throw new LmFormatException(file + ": hidden_act '" + act + "' is not supported for llama (expected silu)");
            }
        }
        double qpas = gemma ? k.dblOr("query_pre_attn_scalar", 256) : headDim;
        double attnCap = gemma ? k.capOr("attn_logit_softcapping", 50.0) : 0;
        double finalCap = gemma ? k.capOr("final_logit_softcapping", 30.0) : 0;
        int window = gemma ? (j.has("sliding_window") && j.get("sliding_window").isNull() ? 0
                : k.intOr("sliding_window", 4096)) : 0;
        List<Boolean> sliding = new ArrayList<>();
        JsonNode types = j.get("layer_types");
        if (gemma && types != null && !types.isNull()) {
            if (!types.isArray() || types.size() != layers) {
                throw new LmFormatException(file + ": layer_types must list " + layers + " entries, found "
                        + (types.isArray() ? types.size() : types.getNodeType()));
            }
            for (JsonNode t : types) {
                String s = t.asText();
                if (!s.equals("sliding_attention") && !s.equals("full_attention")) {
                    throw new LmFormatException(file + ": layer_types entry '" + s
                            + "' is not sliding_attention or full_attention");
                }
                sliding.add(s.equals("sliding_attention") && window > 0);
            }
        } else {
            // Gemma2Config's default: even layers (0, 2, ...) slide, odd ones are global
            for (int i = 0; i < layers; i++) {
                sliding.add(gemma && window > 0 && i % 2 == 0);
            }
        }
        long bos = k.longOr("bos_token_id", -1);
        long pad = k.longOr("pad_token_id", -1);
        List<Long> eos = new ArrayList<>();
        JsonNode e = j.get("eos_token_id");
        if (e != null && e.isArray()) {
            e.forEach(x -> eos.add(x.asLong()));
        } else if (e != null && e.isNumber()) {
            eos.add(e.asLong());
        }
        return new LmConfig(family, vocab, hidden, layers, heads, kvHeads, headDim, inter, eps, rope, tie, dtype,
                act, qpas, attnCap, finalCap, window, sliding, bos, eos, pad, file);
    }

    private static Rope rope(Keys k, JsonNode j, Path file) {
        // transformers 5 writes rope_parameters {rope_theta, rope_type, ...}; Llama-3.1 checkpoints carry
        // rope_theta at top level plus rope_scaling {rope_type|type, factor, ...}
        JsonNode p = j.get("rope_parameters");
        String where = "rope_parameters";
        double theta;
        if (p != null && p.isObject()) {
            theta = p.hasNonNull("rope_theta") ? p.get("rope_theta").asDouble() : k.dblOr("rope_theta", 10000.0);
        } else {
            theta = k.dblOr("rope_theta", 10000.0);
            p = j.get("rope_scaling");
            where = "rope_scaling";
        }
        if (p == null || p.isNull()) {
            return new Rope("default", theta, 1, 0, 0, 0);
        }
        String type = p.hasNonNull("rope_type") ? p.get("rope_type").asText()
                : p.hasNonNull("type") ? p.get("type").asText() : "default";
        if (type.equals("default")) {
            return new Rope("default", theta, 1, 0, 0, 0);
        }
        if (!type.equals("llama3")) {
            throw new LmFormatException(file + ": " + where + ".rope_type '" + type
                    + "' is not supported (expected default or llama3)");
        }
        Keys r = new Keys(file, p, where + ".");
        return new Rope("llama3", theta, r.dblReq("factor"), r.dblReq("low_freq_factor"), r.dblReq("high_freq_factor"),
                r.intReq("original_max_position_embeddings"));
    }

    /** Typed access to config keys with messages that name the file and the key. */
    private record Keys(Path file, JsonNode j, String prefix) {
        Keys(Path file, JsonNode j) {
            this(file, j, "");
        }

        private JsonNode req(String key) {
            JsonNode n = j.get(key);
            if (n == null || n.isNull()) {
                throw new LmFormatException(file + ": missing required key '" + prefix + key + "'");
            }
            return n;
        }

        String str(String key) {
            return req(key).asText();
        }

        String strOr(String key, String dflt) {
            return j.hasNonNull(key) ? j.get(key).asText() : dflt;
        }

        int intReq(String key) {
            JsonNode n = req(key);
            if (!n.canConvertToInt()) {
                throw new LmFormatException(file + ": key '" + prefix + key + "' must be an integer, found " + n);
            }
            return n.asInt();
        }

        int intOr(String key, int dflt) {
            return j.hasNonNull(key) ? intReq(key) : dflt;
        }

        long longOr(String key, long dflt) {
            JsonNode n = j.get(key);
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (n.isArray()) {
                return n.size() > 0 ? n.get(0).asLong() : dflt;
            }
            return n.asLong();
        }

        double dblReq(String key) {
            JsonNode n = req(key);
            if (!n.isNumber()) {
                throw new LmFormatException(file + ": key '" + prefix + key + "' must be a number, found " + n);
            }
            return n.asDouble();
        }

        double dblOr(String key, double dflt) {
            return j.hasNonNull(key) ? dblReq(key) : dflt;
        }

        /** A soft-cap: absent = the HF default, null = disabled (0). */
        double capOr(String key, double dflt) {
            if (!j.has(key)) {
                return dflt;
            }
            return j.get(key).isNull() ? 0 : dblReq(key);
        }

        boolean boolOr(String key, boolean dflt) {
            return j.hasNonNull(key) ? j.get(key).asBoolean() : dflt;
        }

        void positive(String key, int v) {
            if (v <= 0) {
                throw new LmFormatException(file + ": key '" + prefix + key + "' must be positive, found " + v);
            }
        }
    }
}
