package org.vistabench.world.lm;

/**
 * One training document: token ids and which of them are targets (the loss predicts {@code tokens[i]} from the
 * tokens before it wherever {@code target[i]}).
 */
public record LmDoc(int[] tokens, boolean[] target) {
}
