package org.vistabench.world.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.vistabench.world.scene.Scene;
import org.vistabench.world.text.ChatFormat;
import org.vistabench.world.text.Grammar;
import org.vistabench.world.text.WordTokenizer;

/**
 * The LM's training text, drawn fresh for every batch from a pool of scenes. Most documents are the oracle format
 * (the scene's 64-word grid where the image placeholder goes, then a question, loss on the answer only), because
 * reading a prefix is the skill the projector later relies on; the rest are plain captions (loss on every token)
 * and text Q/A whose context is a caption.
 */
public final class LmCorpus {
    /** A scene with the words its patches show and each patch's owning object (-1 = background). */
    public record Entry(Scene scene, String[] grid, int[] owners) {
    }

    private static final String[] KINDS = {"grid", "caption", "text-qa"};
    /** Share of grid documents, plain captions and caption + question documents in a batch. */
    public static final double[] WEIGHTS = {0.85, 0.05, 0.10};
    private static final String[] QUESTION_KINDS = {"object", "describe", "colour", "count", "state", "presence",
        "background"};
    private static final double[] QUESTION_WEIGHTS = {0.36, 0.06, 0.16, 0.10, 0.14, 0.12, 0.06};

    private final Grammar grammar;
    private final WordTokenizer tok;
    private final double firstObjectShare;
    private final int maxTurns;
    private final int maxTokens;

    /**
     * @param firstObjectShare how often a grid document's first turn is the object question (the oracle format)
     * @param maxTurns grid documents hold up to maxTurns question turns about the same grid, as many as fit in
     *     {@code maxTokens}: the 64-token prefix is most of a document's compute, so follow-up turns add reading
     *     practice almost for free
     */
    public LmCorpus(Grammar grammar, WordTokenizer tokenizer, double firstObjectShare, int maxTurns, int maxTokens) {
        this.grammar = grammar;
        this.tok = tokenizer;
        this.firstObjectShare = firstObjectShare;
        this.maxTurns = maxTurns;
        this.maxTokens = maxTokens;
    }

    public static String gridText(String[] grid) {
        return String.join(" ", grid);
    }

    private static int pick(double[] weights, double u) {
        double acc = 0;
        for (int i = 0; i < weights.length; i++) {
            acc += weights[i];
            if (u < acc) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** One document of a random kind about a random scene of {@code pool}. */
    public LmDoc sample(List<Entry> pool, Random r) {
        Entry e = pool.get(r.nextInt(pool.size()));
        return make(KINDS[pick(WEIGHTS, r.nextDouble())], e, r);
    }

    public Grammar.QA question(String kind, Scene s, Random r) {
        return switch (kind) {
            case "object" -> grammar.objectQa(s);
            case "describe" -> grammar.describeQa(s, r);
            case "colour" -> grammar.colourQa(s, r);
            case "count" -> grammar.countQa(s, r);
            case "state" -> grammar.stateQa(s, r);
            case "presence" -> grammar.presenceQa(s, r);
            case "background" -> grammar.backgroundQa(s, r);
            default -> throw new IllegalArgumentException("unknown question kind " + kind);
        };
    }

    public LmDoc make(String kind, Entry e, Random r) {
        Scene s = e.scene();
        return switch (kind) {
            case "grid" -> {
                List<Grammar.QA> turns = new ArrayList<>();
                turns.add(r.nextDouble() < firstObjectShare ? grammar.objectQa(s)
                        : question(QUESTION_KINDS[pick(QUESTION_WEIGHTS, r.nextDouble())], s, r));
                LmDoc doc = chat(gridText(e.grid()), turns);
                // follow-up turns while the document stays within the token budget (little padding per batch)
                while (turns.size() < maxTurns) {
                    turns.add(question(QUESTION_KINDS[pick(QUESTION_WEIGHTS, r.nextDouble())], s, r));
                    LmDoc longer = chat(gridText(e.grid()), turns);
                    if (longer.tokens().length > maxTokens) {
                        break;
                    }
                    doc = longer;
                }
                yield doc;
            }
            case "caption" -> plain(grammar.caption(s, r));
            case "text-qa" -> chat(grammar.caption(s, r), List.of(question(
                    QUESTION_KINDS[2 + r.nextInt(QUESTION_KINDS.length - 2)], s, r)));
            default -> throw new IllegalArgumentException("unknown document kind " + kind);
        };
    }

    /** A one-turn chat document (the oracle format when {@code prefix} is a grid). */
    public LmDoc chat(String prefix, Grammar.QA qa) {
        return chat(prefix, List.of(qa));
    }

    /**
     * A chat document: the first user turn holds the prefix and the first question, each later user turn one more
     * question; loss on every answer and its closing {@code <end_of_turn>}.
     */
    public LmDoc chat(String prefix, List<Grammar.QA> turns) {
        List<int[]> parts = new ArrayList<>();
        List<Boolean> isTarget = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            Grammar.QA qa = turns.get(i);
            String prompt = i == 0 ? ChatFormat.prompt(prefix, qa.question())
                    : ChatFormat.TEMPLATE.followUpTurn(qa.question());
            parts.add(tok.encode(prompt));
            isTarget.add(false);
            parts.add(tok.encode(ChatFormat.TEMPLATE.answerTurn(qa.answer())));
            isTarget.add(true);
        }
        int len = 0;
        for (int[] p : parts) {
            len += p.length;
        }
        int[] t = new int[len];
        boolean[] target = new boolean[len];
        int at = 0;
        for (int i = 0; i < parts.size(); i++) {
            int[] p = parts.get(i);
            System.arraycopy(p, 0, t, at, p.length);
            if (isTarget.get(i)) {
                for (int j = at; j < at + p.length; j++) {
                    target[j] = true;
                }
            }
            at += p.length;
        }
        return new LmDoc(t, target);
    }

    /** {@code <bos> caption <eos>}, loss on everything after {@code <bos>}. */
    public LmDoc plain(String text) {
        int[] body = tok.encode(text);
        int[] t = new int[body.length + 2];
        t[0] = tok.id(WordTokenizer.BOS);
        System.arraycopy(body, 0, t, 1, body.length);
        t[t.length - 1] = tok.id(WordTokenizer.EOS);
        boolean[] target = new boolean[t.length];
        for (int i = 1; i < t.length; i++) {
            target[i] = true;
        }
        return new LmDoc(t, target);
    }

    /** The prompt ids for a question about a scene, with its grid in the image segment (the oracle prompt). */
    public int[] gridPrompt(String[] grid, String question) {
        return tok.encode(ChatFormat.prompt(gridText(grid), question));
    }
}
