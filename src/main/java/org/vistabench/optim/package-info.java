/**
 * Optimisers shared by projector training ({@code train}) and the mini world's trainers ({@code world}), which may not
 * import each other: {@link org.vistabench.optim.AdamW}.
 */
package org.vistabench.optim;
