/**
 * Projector training with the VISTA objective.
 *
 * <p>{@link org.vistabench.train.Trainer} minimises, per batch,
 * <pre>
 *   CE(answer tokens)  +  λ · (1/|S|) Σ_{L ∈ S}  mean_image ‖r_L − SAE_L(r_L)‖² / n_L
 * </pre>
 * over the projector's parameters only (LLM and SAEs frozen), where S is the cell's layer set ({@code none}: plain
 * LLaVA stage-1 training), r_L the residual stream after block L at the image positions, and n_L the mean squared
 * norm of text-position residuals at layer L, measured once per LM on text-only prompts with no projector (BOS
 * excluded; {@link org.vistabench.train.TextStats}). Dividing by n_L makes each layer's term a fraction of a typical
 * text token's energy: residual norms grow several-fold with depth, so raw MSEs would weight deep layers far more
 * and make λ mean something different for every layer set and LM. With this normalisation a term of 1 means "the
 * SAE explains nothing of an average text-sized token", and λ = 0.1 trades one nat of answer CE against a tenth of
 * that at every constrained layer. A prototype at λ = 1 collapsed captioning to chance; the shipped specs use 0.1.
 *
 * <p>Optimisation: {@link org.vistabench.optim.AdamW} in torch's form (with torch's {@code clip_grad_norm_}),
 * linear warmup then cosine decay (HF's schedule), gradients zeroed after every step, fp32 on CPU (bf16 projector
 * compute only where {@code tensor.Precision} allows it). NaN/Inf in the loss or gradients throws
 * {@link org.vistabench.train.TrainingDivergedException} (exit 3 for the cell) naming the step, the loss parts and the
 * last finite values. Checkpoints ({@link org.vistabench.train.TrainCheckpoint}) hold the projector, AdamW's moments
 * and the data order, written atomically every {@code checkpoint_every} steps, at the end, and at the step boundary
 * where a SIGTERM stops the run ({@code core.StopRequest}); a resumed run is bit-identical to an uninterrupted one on
 * CPU. {@link org.vistabench.train.MemoryEstimate} estimates a cell's peak memory before it starts. {@code trace.csv} has one row per step.
 */
package org.vistabench.train;
