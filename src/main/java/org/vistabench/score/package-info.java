/**
 * The paper's measurements as plain functions of arrays: match rate (both protocols), pointing game with its chance
 * level, AUROC, binomial intervals. No models, no files: the providers in {@code eval} feed them activations and
 * masks, and the unit tests feed them hand-computed cases.
 */
package org.vistabench.score;
