package org.vistabench.world.text;

/**
 * The mini LM's chat template (Gemma's): {@code <bos><start_of_turn>user\n{image}{question}<end_of_turn>\n
 * <start_of_turn>model\n{answer}<end_of_turn>}. The image segment is {@link #IMAGE_TOKENS} {@code <image>}
 * placeholders right after {@code <start_of_turn>user}; the tokenizer drops the newlines, so the placeholders sit at
 * token positions {@link #IMAGE_OFFSET} .. {@link #IMAGE_OFFSET} + 63. The LM was also trained with the scene's
 * word grid in place of the placeholders, which is what lets it read content from a prefix.
 */
public final class ChatFormat {
    public static final int IMAGE_TOKENS = 64;
    public static final int IMAGE_OFFSET = 3;

    private ChatFormat() {
    }

    /** The placeholder segment: 64 {@code <image>} tokens. */
    public static String imageSegment() {
        return (WordTokenizer.IMAGE).repeat(IMAGE_TOKENS);
    }

    /** The prompt up to and including {@code <start_of_turn>model\n}; {@code prefix} is the image segment or a grid. */
    public static String prompt(String prefix, String question) {
        return WordTokenizer.BOS + WordTokenizer.START_OF_TURN + "user\n" + prefix + " " + question
                + WordTokenizer.END_OF_TURN + "\n" + WordTokenizer.START_OF_TURN + "model\n";
    }

    /** A later user turn of the same conversation (no {@code <bos>}). */
    public static String followUp(String question) {
        return "\n" + WordTokenizer.START_OF_TURN + "user\n" + question + WordTokenizer.END_OF_TURN + "\n"
                + WordTokenizer.START_OF_TURN + "model\n";
    }

    /** What the model turn ends with. */
    public static String answer(String answer) {
        return answer + WordTokenizer.END_OF_TURN;
    }
}
