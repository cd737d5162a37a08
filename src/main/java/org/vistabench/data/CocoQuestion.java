package org.vistabench.data;

/**
 * A question about an image with its answer (the mini world's {@code questions_{split}.json}, VQA-like).
 *
 * @param type object, colour, count, presence, state or background
 */
public record CocoQuestion(long id, long imageId, String type, String question, String answer) {
}
