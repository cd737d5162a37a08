package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;

/**
 * A decoder-only language model with frozen weights (Gemma-2 or Llama-3), numerically matching Hugging Face
 * transformers 5 in float32.
 *
 * <p>Memory: every array a call returns lives in the manager of the call's input ({@code inputIds} /
 * {@code inputsEmbeds}); open a sub-manager per unit of work and close it. The model's weights live in the manager
 * given to {@link LmLoader#load}; {@link #close()} frees them.
 */
public interface CausalLm extends AutoCloseable {
    LmConfig config();

    /** Token embeddings [B,T,D] of {@code inputIds} [B,T] (I64); Gemma-2 multiplies by sqrt(hidden) here. */
    NDArray embed(NDArray inputIds);

    /** The forward pass from embeddings [B,T,D] (F32; not rescaled), differentiable w.r.t. them. */
    LmOutput forward(NDArray inputsEmbeds, ForwardOptions options);

    /**
     * The LM head on final-norm outputs [..., D] (e.g. {@link LmOutput#finalHidden()} at chosen positions): logits
     * [..., V], soft-capped for Gemma-2. Differentiable.
     */
    NDArray head(NDArray finalHidden);

    /** The forward pass from ids [B,T]: {@code forward(embed(ids), options)}. */
    default LmOutput forwardIds(NDArray inputIds, ForwardOptions options) {
        return forward(embed(inputIds), options);
    }

    /**
     * Greedy decoding with a KV cache, batch 1. The prompt is {@code promptEmbeds} [1,T,D] when given (LLaVA-style
     * prompts with visual tokens), else {@code promptIds}. Stops after {@code maxNewTokens} or after emitting an id in
     * {@code eosIds}. Returns only the new tokens (including the final eos, if any).
     */
    long[] generateGreedy(long[] promptIds, NDArray promptEmbeds, int maxNewTokens, long[] eosIds, ResidualHook hook);

    /**
     * Greedy decoding of B prompts of one length at once ({@code promptEmbeds} [B,T,D], no padding), with a KV cache.
     * Row r's tokens are those {@link #generateGreedy(long[], NDArray, int, long[], ResidualHook)} gives for row r
     * alone, but for the rounding of batched kernels; rows that have emitted an eos id are fed on and their further
     * tokens dropped. {@code hook} sees the whole batch (see {@link ResidualHook#perRow}).
     */
    long[][] generateGreedyBatch(NDArray promptEmbeds, int maxNewTokens, long[] eosIds, ResidualHook hook);

    /** {@link #generateGreedy(long[], NDArray, int, long[], ResidualHook)} with one eos id (negative: none). */
    default long[] generateGreedy(long[] promptIds, NDArray promptEmbeds, int maxNewTokens, long eosId,
                                  ResidualHook hook) {
        return generateGreedy(promptIds, promptEmbeds, maxNewTokens, eosId < 0 ? new long[0] : new long[] {eosId},
                hook);
    }

    @Override
    void close();
}
