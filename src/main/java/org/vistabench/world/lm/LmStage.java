package org.vistabench.world.lm;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.text.ChatFormat;
import org.vistabench.world.text.Grammar;
import org.vistabench.world.text.WordTokenizer;

/**
 * The LM stage: trains the mini Gemma-2 on the world's text and writes it as a Hugging Face folder
 * ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}, {@code tokenizer_config.json},
 * {@code generation_config.json}), then measures held-out loss against the unigram entropy of the same tokens and
 * the oracle-prefix test on the test split.
 */
public final class LmStage {
    private static final Logger LOG = LoggerFactory.getLogger(LmStage.class);

    /** What the stage needs: the LM's architecture and training settings, and the scene pools. */
    public record Inputs(MiniGemmaConfig config, LmTrainer.Settings settings, double firstObjectShare, int maxTurns,
                         int maxTokens, List<LmCorpus.Entry> trainPool, List<LmCorpus.Entry> valPool,
                         List<LmCorpus.Entry> testPool, int evalScenes, int heldOutDocs, long seed) {
    }

    private LmStage() {
    }

    public static WordTokenizer tokenizer(Lexicon lex) {
        return WordTokenizer.of(new Grammar(lex).vocabulary());
    }

    /**
     * Architecture for a vocabulary (ids as Gemma: pad 0, eos 1, bos 2).
     *
     * @param window the sliding window of the even layers (see {@code WorldSettings#slidingWindow})
     */
    public static MiniGemmaConfig config(WordTokenizer tok, int hidden, int layers, int heads, int kvHeads, int headDim,
                                         int intermediate, int window) {
        return new MiniGemmaConfig(tok.size(), hidden, layers, heads, kvHeads, headDim, intermediate, 1e-6, 10000.0,
                50.0, 30.0, headDim, window, 256, tok.id(WordTokenizer.PAD), tok.id(WordTokenizer.EOS),
                tok.id(WordTokenizer.BOS));
    }

    public static Map<String, Object> build(Path lmDir, Inputs in, Lexicon lex, NDManager manager, IntConsumer progress) {
        Grammar grammar = new Grammar(lex);
        WordTokenizer tok = tokenizer(lex);
        LmCorpus corpus = new LmCorpus(grammar, tok, in.firstObjectShare(), in.maxTurns(), in.maxTokens());
        Map<String, Object> q = new LinkedHashMap<>();
        try (NDManager m = manager.newSubManager()) {
            MiniGemma model = MiniGemma.init(in.config(), m, in.seed(), in.settings().initStd());
            OracleEval valOracle = new OracleEval(in.valPool().subList(0, Math.min(in.evalScenes(), in.valPool().size())),
                    corpus, tok, lex, m);
            LmTrainer.Result res = LmTrainer.train(model, corpus, in.trainPool(), valOracle, in.settings(), in.seed() + 1,
                    m, progress);
            Random r = new Random(in.seed() + 2);
            List<LmDoc> heldOut = new ArrayList<>();
            for (int i = 0; i < in.heldOutDocs(); i++) {
                heldOut.add(corpus.sample(in.valPool(), r));
            }
            double[] loss = LmTrainer.heldOutLoss(model, heldOut, m);
            double unigram = LmTrainer.unigramEntropy(heldOut, tok.size());
            OracleEval.Result oracle = new OracleEval(in.testPool(), corpus, tok, lex, m).evaluate(model, true);
            LOG.info("lm: held-out loss {} nats vs unigram entropy {} nats ({} target tokens)", fmt(loss[0]),
                    fmt(unigram), (int) loss[1]);
            LOG.info("lm: oracle-prefix test on {} test scenes: recall {} precision {}; shuffled prefix: recall {} "
                            + "precision {}; e.g. \"{}\"", oracle.scenes(), fmt(oracle.recall()), fmt(oracle.precision()),
                    fmt(oracle.shuffledRecall()), fmt(oracle.shuffledPrecision()), oracle.sampleAnswers().get(0));
            q.put("lm.steps", res.steps());
            q.put("lm.train_loss_final", round(res.finalTrainLoss()));
            q.put("lm.heldout_loss", round(loss[0]));
            q.put("lm.heldout_tokens", (int) loss[1]);
            q.put("lm.unigram_entropy", round(unigram));
            q.put("lm.oracle_recall", round(oracle.recall()));
            q.put("lm.oracle_precision", round(oracle.precision()));
            q.put("lm.oracle_shuffled_recall", round(oracle.shuffledRecall()));
            q.put("lm.oracle_shuffled_precision", round(oracle.shuffledPrecision()));
            q.put("lm.oracle_scenes", oracle.scenes());
            q.put("lm.oracle_samples", oracle.sampleAnswers());
            List<List<Double>> curve = new ArrayList<>();
            for (double[] e : res.evals()) {
                curve.add(List.of(e[0], round(e[1]), round(e[2]), round(e[3])));
            }
            q.put("lm.val_oracle_curve", curve);
            q.put("lm.parameters", parameterCount(model));
            model.save(lmDir.resolve("model.safetensors"));
        }
        writeJson(lmDir.resolve("config.json"), in.config().toHfConfig());
        writeJson(lmDir.resolve("tokenizer.json"), tok.toHfJson());
        writeJson(lmDir.resolve("tokenizer_config.json"), tok.toHfConfig(ChatFormat.IMAGE_TOKENS));
        Map<String, Object> gen = new LinkedHashMap<>();
        gen.put("_from_model_config", true);
        gen.put("bos_token_id", tok.id(WordTokenizer.BOS));
        gen.put("eos_token_id", List.of(tok.id(WordTokenizer.EOS), tok.id(WordTokenizer.END_OF_TURN)));
        gen.put("pad_token_id", tok.id(WordTokenizer.PAD));
        gen.put("transformers_version", "5.17.0");
        gen.put("use_cache", true);
        writeJson(lmDir.resolve("generation_config.json"), gen);
        return q;
    }

    private static long parameterCount(MiniGemma model) {
        long n = 0;
        for (var p : model.parameters().values()) {
            n += p.getShape().size();
        }
        return n;
    }

    static String fmt(double v) {
        return String.format("%.3f", v);
    }

    static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    public static void writeJson(Path file, Object value) {
        try {
            AtomicFiles.writeString(file, Json.MAPPER.writeValueAsString(value) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + file, e);
        }
    }
}
