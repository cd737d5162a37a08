package org.vistabench.model.projector;

import java.util.function.Function;

/**
 * Where the visual tokens go in a prompt, LLaVA-style: the chat-templated user turn is split at the image
 * placeholder; the text before it ({@code prefixIds}, with BOS) and after it ({@code suffixIds}, up to and including
 * the model-turn header) are tokenized separately, and the projector's {@code imageTokens} outputs are spliced in
 * between as embeddings, never as ids. The answer (and the end-of-turn token) follow the suffix.
 *
 * <pre>
 *   [prefix P] [image N] [suffix S] [answer A_i ... end_of_turn] [pad ...]
 * </pre>
 *
 * @param padId the id put at image and padding positions of the id tensor (their embeddings are replaced or
 *              masked; any valid id works)
 * @param perExample the prompt stops where each example's own question begins (fed as the example's no-loss
 *                   context, {@code train.TrainExample.context}); its suffix (the shared text after the image) may
 *                   then be empty, as when a tokenizer gives no id for the newline that separates image and question
 */
public record VisualPrompt(long[] prefixIds, int imageTokens, long[] suffixIds, long padId, boolean perExample) {
    /** A prompt with the whole question in it (the answer follows the suffix). */
    public VisualPrompt(long[] prefixIds, int imageTokens, long[] suffixIds, long padId) {
        this(prefixIds, imageTokens, suffixIds, padId, false);
    }

    public VisualPrompt {
        if (imageTokens < 1) {
            throw new IllegalArgumentException("a visual prompt needs at least one image token, got " + imageTokens);
        }
        if (suffixIds.length < 1 && !perExample) {
            throw new IllegalArgumentException("the text after the image placeholder is empty: the first answer"
                    + " token needs a position to be predicted from");
        }
        prefixIds = prefixIds.clone();
        suffixIds = suffixIds.clone();
    }

    /**
     * Splits a templated prompt (e.g. {@code ChatTemplate.userTurn("<image>What is shown in this image?")}) at its
     * one placeholder and tokenizes both sides with {@code tokenize} (which must add no BOS of its own).
     */
    public static VisualPrompt split(String templated, String placeholder, int imageTokens,
                                     Function<String, long[]> tokenize, long padId) {
        int at = templated.indexOf(placeholder);
        if (at < 0 || templated.indexOf(placeholder, at + 1) >= 0) {
            throw new IllegalArgumentException("prompt must contain the image placeholder " + placeholder
                    + " exactly once: " + templated);
        }
        String before = templated.substring(0, at);
        String after = templated.substring(at + placeholder.length());
        return new VisualPrompt(before.isEmpty() ? new long[0] : tokenize.apply(before), imageTokens,
                tokenize.apply(after), padId);
    }

    /** Index of the first image position. */
    public int imageStart() {
        return prefixIds.length;
    }

    /** Length of the prompt up to where the answer starts. */
    public int promptLength() {
        return prefixIds.length + imageTokens + suffixIds.length;
    }

    /** The prompt's ids with {@code padId} at the image positions (for generation with embeddings). */
    public long[] promptIds() {
        long[] out = new long[promptLength()];
        System.arraycopy(prefixIds, 0, out, 0, prefixIds.length);
        java.util.Arrays.fill(out, prefixIds.length, prefixIds.length + imageTokens, padId);
        System.arraycopy(suffixIds, 0, out, prefixIds.length + imageTokens, suffixIds.length);
        return out;
    }
}
