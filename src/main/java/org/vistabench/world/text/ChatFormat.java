package org.vistabench.world.text;

import org.vistabench.model.lm.ChatTemplate;

/**
 * The mini LM's prompt layout on Gemma-2's chat template ({@link #TEMPLATE}): the first user turn is a prefix (the
 * image segment, the scene's word grid, or a caption), a space and the question, so a document reads
 * {@code <bos><start_of_turn>user\n{prefix} {question}<end_of_turn>\n<start_of_turn>model\n{answer}<end_of_turn>}.
 * The image segment is {@link #IMAGE_TOKENS} {@code <image>} placeholders right after {@code <start_of_turn>user}; the
 * tokenizer drops the newlines, so the placeholders sit at token positions {@link #IMAGE_OFFSET} ..
 * {@link #IMAGE_OFFSET} + 63. The LM was also trained with the scene's word grid in place of the placeholders, which
 * is what lets it read content from a prefix.
 */
public final class ChatFormat {
    /** The template of every mini-world prompt; later turns use its {@code followUpTurn} and {@code answerTurn}. */
    public static final ChatTemplate TEMPLATE = ChatTemplate.of("gemma2");
    public static final int IMAGE_TOKENS = 64;
    public static final int IMAGE_OFFSET = 3;

    private ChatFormat() {
    }

    /** The placeholder segment: 64 {@code <image>} tokens. */
    public static String imageSegment() {
        return TEMPLATE.imagePlaceholder().repeat(IMAGE_TOKENS);
    }

    /** The first user turn, up to and including {@code <start_of_turn>model\n}: {@code prefix + " " + question}. */
    public static String prompt(String prefix, String question) {
        return TEMPLATE.userTurn(prefix + " " + question);
    }
}
