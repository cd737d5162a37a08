/**
 * Frozen causal language models (Gemma-2, Llama-3) in DJL, numerically equal to Hugging Face transformers 5 in
 * float32 (see {@code HfParityTest}: max|Δ| ≤ 1e-4·max(1, max|ref|) on logits, every hidden state, the
 * inputs_embeds path, cached decoding and greedy tokens).
 *
 * <ul>
 *   <li>{@link org.vistabench.model.lm.LmLoader#load} reads a HF folder (config.json + safetensors, bf16 converted in
 *       Java) and checks every tensor's shape against the config ({@link org.vistabench.model.lm.LmConfig}).</li>
 *   <li>{@link org.vistabench.model.lm.CausalLm#forward} runs from embeddings (differentiable w.r.t. them, for
 *       projector training); {@link org.vistabench.model.lm.ForwardOptions} adds a right-padding mask, residual
 *       capture, a {@link org.vistabench.model.lm.ResidualHook}, a {@link org.vistabench.model.lm.KvCache}.</li>
 *   <li>Hidden states follow HF: [0] embeddings (Gemma-2: × sqrt(hidden), applied by {@code embed}, not to
 *       inputs_embeds), [i] the output of block i-1, last the final-norm output; {@code residuals} are keyed by
 *       0-based block index.</li>
 *   <li>bf16 checkpoints: buffers HF keeps in the model dtype (rotary inv_freq, Gemma's embed_scale) are rounded to
 *       bf16, as a bf16 HF model computes; everything else is float32.</li>
 *   <li>{@link org.vistabench.model.lm.Tokenizer} and {@link org.vistabench.model.lm.ChatTemplate} build prompts;
 *       {@link org.vistabench.model.lm.LmParity} is what the {@code parity} command runs.</li>
 * </ul>
 */
package org.vistabench.model.lm;
