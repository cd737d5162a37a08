package org.vistabench.model.lm;

/**
 * The chat prompts of an instruction-tuned model, as its HF chat template writes them: the first user turn with the
 * BOS token written out (the {@link Tokenizer} adds none), ending where the model's answer starts; the answer closed by
 * the end-of-turn token; later user turns of the same conversation. So a conversation is
 * {@code userTurn(q1) + answerTurn(a1) + followUpTurn(q2) + answerTurn(a2) ...}. {@link #imagePlaceholder()} marks
 * where LLaVA-style code splices in the visual tokens.
 */
public final class ChatTemplate {
    private static final String IMAGE = "<image>";
    private final String family;
    private final String bos;
    private final String userPrefix;
    private final String userSuffix;
    private final String endOfTurn;
    private final String afterAnswer;

    private ChatTemplate(String family, String bos, String userPrefix, String userSuffix, String endOfTurn,
                         String afterAnswer) {
        this.family = family;
        this.bos = bos;
        this.userPrefix = userPrefix;
        this.userSuffix = userSuffix;
        this.endOfTurn = endOfTurn;
        this.afterAnswer = afterAnswer;
    }

    /** The template of a model family ({@link LmConfig#family()}: {@code gemma2} or {@code llama}). */
    public static ChatTemplate of(String family) {
        return switch (family) {
            // gemma-2-*-it's template: <bos><start_of_turn>user\n{content}<end_of_turn>\n<start_of_turn>model\n
            // It ends every turn with "<end_of_turn>\n"; the newline after an answer is written with the next user
            // turn, so that an answer ends at <end_of_turn>, where generation stops.
            case "gemma2" -> new ChatTemplate(family, "<bos>", "<start_of_turn>user\n",
                    "<end_of_turn>\n<start_of_turn>model\n", "<end_of_turn>", "\n");
            // Llama-3.1-Instruct's header format. Its template also puts a system block ("Cutting Knowledge Date:
            // December 2023 / Today Date: ...") before every conversation; we omit it: it carries a date that would
            // make prompts depend on the day, and VISTA-style captioning prompts do not use it.
            case "llama" -> new ChatTemplate(family, "<|begin_of_text|>",
                    "<|start_header_id|>user<|end_header_id|>\n\n",
                    "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", "<|eot_id|>", "");
            default -> throw new LmFormatException("chat template: unknown model family '" + family
                    + "' (expected gemma2 or llama)");
        };
    }

    public String family() {
        return family;
    }

    /** BOS + one user turn with {@code content} (trimmed, as the HF templates do) + the model-turn header. */
    public String userTurn(String content) {
        return bos + userPrefix + content.strip() + userSuffix;
    }

    /**
     * A later user turn of the same conversation, written after an {@link #answerTurn}: no BOS, {@code content}
     * trimmed as in {@link #userTurn}, ending with the model-turn header.
     */
    public String followUpTurn(String content) {
        return afterAnswer + userPrefix + content.strip() + userSuffix;
    }

    /** The model's answer closed by {@link #endOfTurn()}: what a model is trained to produce, verbatim. */
    public String answerTurn(String answer) {
        return answer + endOfTurn;
    }

    /** Where the image goes inside {@code content}; replaced by visual tokens, never tokenized as text. */
    public String imagePlaceholder() {
        return IMAGE;
    }

    /** The token that closes a turn (append it to training targets; stop generation on it). */
    public String endOfTurn() {
        return endOfTurn;
    }

    public String bos() {
        return bos;
    }
}
