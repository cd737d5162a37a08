package org.vistabench.world.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.scene.SceneObject;
import org.vistabench.world.text.Grammar;
import org.vistabench.world.text.WordTokenizer;

/**
 * The oracle-prefix test: the image placeholder's 64 positions hold the LM's own embeddings of each patch's content
 * word (feeding the grid words' ids is the same computation: the embedding rows at those positions are exactly those
 * words' embeddings), then greedy decoding answers {@link Grammar#OBJECT_QUESTION}. Recall and precision are over
 * the category words named (micro-averaged over scenes). The shuffled control gives each scene the grid of another
 * scene, so its figures sit at chance.
 */
public final class OracleEval {
    /** Micro-averaged recall / precision with the true grid and with another scene's grid. */
    public record Result(double recall, double precision, double shuffledRecall, double shuffledPrecision, int scenes,
                         List<String> sampleAnswers) {
    }

    private static final int MAX_NEW = 14;

    private final List<LmCorpus.Entry> scenes;
    private final LmCorpus corpus;
    private final WordTokenizer tok;
    private final Lexicon lex;
    private final NDManager manager;

    public OracleEval(List<LmCorpus.Entry> scenes, LmCorpus corpus, WordTokenizer tok, Lexicon lex, NDManager manager) {
        this.scenes = scenes;
        this.corpus = corpus;
        this.tok = tok;
        this.lex = lex;
        this.manager = manager;
    }

    public Result evaluate(MiniGemma model, boolean withShuffled) {
        int n = scenes.size();
        List<int[]> prompts = new ArrayList<>();
        List<int[]> shuffled = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            prompts.add(corpus.gridPrompt(scenes.get(i).grid(), Grammar.OBJECT_QUESTION));
            if (withShuffled) {
                shuffled.add(corpus.gridPrompt(scenes.get((i + 1) % n).grid(), Grammar.OBJECT_QUESTION));
            }
        }
        List<int[]> answers = generate(model, prompts);
        double[] main = score(answers);
        double[] shuf = withShuffled ? score(generate(model, shuffled)) : new double[] {Double.NaN, Double.NaN};
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < Math.min(5, n); i++) {
            samples.add(tok.decode(answers.get(i)));
        }
        return new Result(main[0], main[1], shuf[0], shuf[1], n, samples);
    }

    private double[] score(List<int[]> answers) {
        int tp = 0;
        int truth = 0;
        int named = 0;
        for (int i = 0; i < answers.size(); i++) {
            Set<Integer> want = new TreeSet<>();
            for (SceneObject o : scenes.get(i).scene().objects()) {
                want.add(o.category());
            }
            Set<Integer> got = new TreeSet<>();
            for (int t : answers.get(i)) {
                lex.categoryOf(tok.word(t)).ifPresent(got::add);
            }
            truth += want.size();
            named += got.size();
            for (int c : got) {
                if (want.contains(c)) {
                    tp++;
                }
            }
        }
        return new double[] {truth == 0 ? 0 : tp / (double) truth, named == 0 ? 0 : tp / (double) named};
    }

    /** Batched greedy decoding of prompts of equal length, until {@code <end_of_turn>} or MAX_NEW tokens. */
    public List<int[]> generate(MiniGemma model, List<int[]> prompts) {
        List<int[]> out = new ArrayList<>();
        int stop = tok.id(WordTokenizer.END_OF_TURN);
        for (int start = 0; start < prompts.size(); start += 128) {
            List<int[]> chunk = prompts.subList(start, Math.min(prompts.size(), start + 128));
            int b = chunk.size();
            int len = chunk.get(0).length;
            int[][] seq = new int[b][len + MAX_NEW];
            int[] produced = new int[b];
            boolean[] done = new boolean[b];
            for (int i = 0; i < b; i++) {
                if (chunk.get(i).length != len) {
                    throw new IllegalArgumentException("oracle prompts must have equal length");
                }
                System.arraycopy(chunk.get(i), 0, seq[i], 0, len);
            }
            for (int k = 0; k < MAX_NEW; k++) {
                int t = len + k;
                long[] ids = new long[b * t];
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < t; j++) {
                        ids[i * t + j] = seq[i][j];
                    }
                }
                int[] next;
                try (NDManager scope = manager.newSubManager()) {
                    NDArray logits = model.forward(scope, model.embed(scope, ids, b, t), null);
                    NDArray last = logits.get(":, -1, :").argMax(-1);
                    long[] a = last.toLongArray();
                    next = new int[b];
                    for (int i = 0; i < b; i++) {
                        next[i] = (int) a[i];
                    }
                }
                boolean all = true;
                for (int i = 0; i < b; i++) {
                    if (!done[i]) {
                        seq[i][t] = next[i];
                        produced[i]++;
                        done[i] = next[i] == stop;
                    } else {
                        seq[i][t] = stop;
                    }
                    all &= done[i];
                }
                if (all) {
                    break;
                }
            }
            for (int i = 0; i < b; i++) {
                int[] a = new int[produced[i]];
                System.arraycopy(seq[i], len, a, 0, produced[i]);
                out.add(a);
            }
        }
        return out;
    }
}
