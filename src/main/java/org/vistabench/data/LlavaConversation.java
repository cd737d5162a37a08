package org.vistabench.data;

/**
 * What a LLaVA-format training record contributes to a run: its image and its first question–answer exchange.
 *
 * @param index    the record's position in the file's top-level list (0-based; the split's image id)
 * @param id       the record's own {@code id} (text; empty when absent)
 * @param image    the image path, relative to the set's image folder
 * @param question the first human turn without the {@code <image>} placeholder, trimmed
 * @param answer   the first gpt turn, trimmed
 */
public record LlavaConversation(long index, String id, String image, String question, String answer) {
}
