package org.vistabench.world.lm;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.optim.AdamW;
import org.vistabench.tensor.NdArrays;

/**
 * Trains the mini LM: AdamW, linear warmup then cosine decay, batches drawn fresh from the corpus, loss only on target
 * tokens. Every {@code evalEvery} steps it measures oracle-prefix recall on validation scenes and stops early once
 * both recall and precision reach {@code stopAt}.
 */
public final class LmTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(LmTrainer.class);

    /** Training settings (part of the LM stage's cache key). */
    public record Settings(int maxSteps, int batch, double lr, int warmup, double minLrFraction, double weightDecay,
                           double gradClip, int evalEvery, double stopAt, double initStd) {
    }

    /** What training did: steps run, final train loss, the validation oracle figures at each evaluation. */
    public record Result(int steps, double finalTrainLoss, List<double[]> evals) {
    }

    private LmTrainer() {
    }

    public static Result train(MiniGemma model, LmCorpus corpus, List<LmCorpus.Entry> trainPool,
                               OracleEval valOracle, Settings s, long seed, NDManager manager, IntConsumer progress) {
        Random r = new Random(seed);
        model.setTrainable(true);
        Set<String> noDecay = new TreeSet<>();
        for (String n : model.parameters().keySet()) {
            if (n.endsWith("norm.weight") || n.contains("embed_tokens")) {
                noDecay.add(n);
            }
        }
        List<double[]> evals = new ArrayList<>();
        double ema = Double.NaN;
        int step = 0;
        Map<String, NDArray> params = model.parameters();
        try (AdamW opt = new AdamW(manager, params, AdamW.decayMatricesExcept(params, noDecay),
                new AdamW.Settings(AdamW.Form.WORLD, 0.9, 0.98, 1e-8, s.weightDecay()))) {
            for (step = 1; step <= s.maxSteps(); step++) {
                List<LmDoc> docs = new ArrayList<>();
                for (int b = 0; b < s.batch(); b++) {
                    docs.add(corpus.sample(trainPool, r));
                }
                double loss = trainStep(model, opt, docs, lr(s, step), s.gradClip(), manager);
                ema = Double.isNaN(ema) ? loss : 0.95 * ema + 0.05 * loss;
                progress.accept(step);
                if (valOracle != null && s.evalEvery() > 0 && (step % s.evalEvery() == 0 || step == s.maxSteps())) {
                    model.setTrainable(false);
                    OracleEval.Result o = valOracle.evaluate(model, false);
                    model.setTrainable(true);
                    evals.add(new double[] {step, o.recall(), o.precision(), ema});
                    LOG.info("lm step {}: train loss {} val oracle recall {} precision {}", step,
                            String.format("%.3f", ema), String.format("%.3f", o.recall()),
                            String.format("%.3f", o.precision()));
                    if (o.recall() >= s.stopAt() && o.precision() >= s.stopAt()) {
                        break;
                    }
                }
            }
        }
        model.setTrainable(false);
        return new Result(Math.min(step, s.maxSteps()), ema, evals);
    }

    static double lr(Settings s, int step) {
        if (step <= s.warmup()) {
            return s.lr() * step / Math.max(1, s.warmup());
        }
        double p = (step - s.warmup()) / (double) Math.max(1, s.maxSteps() - s.warmup());
        double cos = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p)));
        return s.lr() * (s.minLrFraction() + (1 - s.minLrFraction()) * cos);
    }

    private static double trainStep(MiniGemma model, AdamW opt, List<LmDoc> docs, double lr, double clip,
                                    NDManager manager) {
        int b = docs.size();
        int t = 0;
        for (LmDoc d : docs) {
            t = Math.max(t, d.tokens().length);
        }
        int v = model.config().vocabSize();
        long[] ids = new long[b * t];
        float[] w = new float[b * t * v];
        int count = 0;
        for (int i = 0; i < b; i++) {
            LmDoc d = docs.get(i);
            for (int j = 0; j < d.tokens().length; j++) {
                ids[i * t + j] = d.tokens()[j];
                if (j > 0 && d.target()[j]) {
                    w[((i * t) + j - 1) * v + d.tokens()[j]] = 1f;
                    count++;
                }
            }
            // right padding with <pad> (id 0): causal attention keeps it from touching real positions
        }
        float inv = 1f / count;
        for (int i = 0; i < w.length; i++) {
            if (w[i] != 0f) {
                w[i] = inv;
            }
        }
        float loss;
        try (NDManager scope = manager.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray x = model.embed(scope, ids, b, t);
                NDArray logits = model.forward(scope, x, null);
                NDArray weights = NdArrays.owned(scope, w, new Shape(b, t, v));
                NDArray l = logits.logSoftmax(-1).mul(weights).sum().neg();
                gc.backward(l);
                loss = l.getFloat();
            }
            opt.step(lr, clip);
        }
        if (!Float.isFinite(loss)) {
            throw new IllegalStateException("mini LM training diverged: loss " + loss);
        }
        return loss;
    }

    /** Mean cross-entropy (nats) over the target tokens of {@code docs}, and the count of those tokens. */
    public static double[] heldOutLoss(MiniGemma model, List<LmDoc> docs, NDManager manager) {
        double sum = 0;
        int count = 0;
        int v = model.config().vocabSize();
        for (int start = 0; start < docs.size(); start += 64) {
            List<LmDoc> chunk = docs.subList(start, Math.min(docs.size(), start + 64));
            int b = chunk.size();
            int t = 0;
            for (LmDoc d : chunk) {
                t = Math.max(t, d.tokens().length);
            }
            long[] ids = new long[b * t];
            for (int i = 0; i < b; i++) {
                int[] tk = chunk.get(i).tokens();
                for (int j = 0; j < tk.length; j++) {
                    ids[i * t + j] = tk[j];
                }
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray logp = model.forward(scope, model.embed(scope, ids, b, t), null).logSoftmax(-1);
                float[] lp = logp.toFloatArray();
                for (int i = 0; i < b; i++) {
                    LmDoc d = chunk.get(i);
                    for (int j = 1; j < d.tokens().length; j++) {
                        if (d.target()[j]) {
                            sum -= lp[((i * t) + j - 1) * v + d.tokens()[j]];
                            count++;
                        }
                    }
                }
            }
        }
        return new double[] {sum / count, count};
    }

    /** Entropy (nats) of the unigram distribution of the target tokens of {@code docs}. */
    public static double unigramEntropy(List<LmDoc> docs, int vocab) {
        long[] c = new long[vocab];
        long n = 0;
        for (LmDoc d : docs) {
            for (int j = 1; j < d.tokens().length; j++) {
                if (d.target()[j]) {
                    c[d.tokens()[j]]++;
                    n++;
                }
            }
        }
        double h = 0;
        for (long k : c) {
            if (k > 0) {
                double p = k / (double) n;
                h -= p * Math.log(p);
            }
        }
        return h;
    }
}
