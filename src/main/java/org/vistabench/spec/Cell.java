package org.vistabench.spec;

/**
 * One point of the matrix: encoder × LLM × SAE layer set × control × seed.
 *
 * @param control {@code none} or a control name such as {@code random-sae}
 */
public record Cell(String id, String encoder, String llm, String saeLayers, String control, long seed) {
    public static final String NO_CONTROL = "none";

    public static Cell of(String encoder, String llm, String saeLayers, String control, long seed) {
        return new Cell(idOf(encoder, llm, saeLayers, control, seed), encoder, llm, saeLayers, control, seed);
    }

    public static String idOf(String encoder, String llm, String saeLayers, String control, long seed) {
        return encoder + "__" + llm + "__" + saeLayers + "__" + control + "__s" + seed;
    }
}
