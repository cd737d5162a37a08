package org.vistabench.world.lm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mini LM's architecture, in Gemma-2 terms. Every field is written to {@code config.json} under the key that
 * transformers' {@code Gemma2Config} uses, so an HF-format loader rebuilds exactly the forward pass we trained.
 *
 * @param slidingWindow the sliding-attention window of the even layers (Gemma-2 alternates sliding / full); the world
 *     sets it to 1, so its even layers mix nothing across positions (see {@code WorldSettings})
 */
public record MiniGemmaConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int numKvHeads, int headDim,
                              int intermediateSize, double rmsNormEps, double ropeTheta, double attnSoftcap,
                              double finalSoftcap, int queryPreAttnScalar, int slidingWindow, int maxPositions,
                              int padId, int eosId, int bosId) {

    public MiniGemmaConfig {
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numHeads + " is not a multiple of num_key_value_heads " + numKvHeads);
        }
    }

    /** Reads a Gemma-2 {@code config.json} (transformers-5 {@code rope_parameters} or classic {@code rope_theta}). */
    public static MiniGemmaConfig fromHf(com.fasterxml.jackson.databind.JsonNode c) {
        double theta = c.path("rope_parameters").path("rope_theta").asDouble(c.path("rope_theta").asDouble(10000.0));
        int headDim = c.path("head_dim").asInt();
        return new MiniGemmaConfig(c.path("vocab_size").asInt(), c.path("hidden_size").asInt(),
                c.path("num_hidden_layers").asInt(), c.path("num_attention_heads").asInt(),
                c.path("num_key_value_heads").asInt(), headDim, c.path("intermediate_size").asInt(),
                c.path("rms_norm_eps").asDouble(1e-6), theta, c.path("attn_logit_softcapping").asDouble(50.0),
                c.path("final_logit_softcapping").asDouble(30.0), c.path("query_pre_attn_scalar").asInt(headDim),
                c.path("sliding_window").asInt(4096), c.path("max_position_embeddings").asInt(8192),
                c.path("pad_token_id").asInt(0), c.path("eos_token_id").asInt(1), c.path("bos_token_id").asInt(2));
    }

    /** The {@code config.json} content (the key set transformers 5.17 {@code save_pretrained} writes for Gemma-2). */
    public Map<String, Object> toHfConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("Gemma2ForCausalLM"));
        c.put("attention_bias", false);
        c.put("attention_dropout", 0.0);
        c.put("attn_logit_softcapping", attnSoftcap);
        c.put("bos_token_id", bosId);
        c.put("dtype", "float32");
        c.put("eos_token_id", eosId);
        c.put("final_logit_softcapping", finalSoftcap);
        c.put("head_dim", headDim);
        c.put("hidden_activation", "gelu_pytorch_tanh");
        c.put("hidden_size", hiddenSize);
        c.put("initializer_range", 0.02);
        c.put("intermediate_size", intermediateSize);
        List<String> types = new ArrayList<>();
        for (int i = 0; i < numLayers; i++) {
            types.add(i % 2 == 0 ? "sliding_attention" : "full_attention");
        }
        c.put("layer_types", types);
        c.put("max_position_embeddings", maxPositions);
        c.put("model_type", "gemma2");
        c.put("num_attention_heads", numHeads);
        c.put("num_hidden_layers", numLayers);
        c.put("num_key_value_heads", numKvHeads);
        c.put("pad_token_id", padId);
        c.put("query_pre_attn_scalar", queryPreAttnScalar);
        c.put("rms_norm_eps", rmsNormEps);
        Map<String, Object> rope = new LinkedHashMap<>();
        rope.put("rope_theta", ropeTheta);
        rope.put("rope_type", "default");
        c.put("rope_parameters", rope);
        c.put("sliding_window", slidingWindow);
        c.put("tie_word_embeddings", true);
        c.put("transformers_version", "5.17.0");
        c.put("use_bidirectional_attention", null);
        c.put("use_cache", true);
        c.put("vocab_size", vocabSize);
        return c;
    }
}
