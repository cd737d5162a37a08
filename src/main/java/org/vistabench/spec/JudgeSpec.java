package org.vistabench.spec;

import java.util.List;

/**
 * Which judge reads latent labels and steered answers ({@code judge:} in a spec; absent: the lexicon judge).
 *
 * @param kind      {@code lexicon} (the default: the data's words and synonyms) or {@code openai} (an
 *                  OpenAI-compatible chat-completions server the user names)
 * @param baseUrl   the server's API root, e.g. {@code http://127.0.0.1:8000/v1} (the judge posts to
 *                  {@code <base_url>/chat/completions}); null unless given
 * @param model     the model name sent with every request; null unless given
 * @param apiKeyEnv the environment variable holding the API key (sent as {@code Authorization: Bearer}); null: no key
 *                  (local servers). The key itself is never written anywhere.
 * @param timeoutS  seconds one request may take before it is retried (default 60)
 * @param retries   retries after a timeout, a connection failure, 429 or 5xx, with exponential backoff (default 3)
 */
public record JudgeSpec(String kind, String baseUrl, String model, String apiKeyEnv, double timeoutS, int retries) {
    public static final String LEXICON = "lexicon";
    public static final String OPENAI = "openai";
    public static final List<String> KINDS = List.of(LEXICON, OPENAI);
    public static final double DEFAULT_TIMEOUT_S = 60;
    public static final int DEFAULT_RETRIES = 3;
    /** The judge of a spec without a {@code judge:} section. */
    public static final JudgeSpec DEFAULT = new JudgeSpec(LEXICON, null, null, null, DEFAULT_TIMEOUT_S,
            DEFAULT_RETRIES);

    public JudgeSpec {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("judge kind must be one of " + KINDS + ", got " + kind);
        }
    }

    /** The spec's judge, or the lexicon judge when it has none. */
    public static JudgeSpec of(Spec spec) {
        return spec.judge() == null ? DEFAULT : spec.judge();
    }

    /** The same settings with another kind ({@code run --judge}); {@link Spec#withJudgeKind} checks the switch. */
    public JudgeSpec withKind(String newKind) {
        return new JudgeSpec(newKind, baseUrl, model, apiKeyEnv, timeoutS, retries);
    }
}
