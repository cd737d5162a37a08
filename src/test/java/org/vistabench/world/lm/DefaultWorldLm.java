package org.vistabench.world.lm;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.vistabench.world.WorldSettings;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.text.Grammar;
import org.vistabench.world.text.WordTokenizer;

/**
 * What the on-demand LM benches need to read a built default-scale world (seed 17): its settings, lexicon,
 * tokenizer, LM config and corpus (for the oracle prompts), and the LM itself from {@code <world>/lm}.
 */
record DefaultWorldLm(WorldSettings settings, Lexicon lex, WordTokenizer tok, MiniGemmaConfig config,
                      LmCorpus corpus) {
    static DefaultWorldLm of() {
        WorldSettings s = WorldSettings.of("default", 17);
        Lexicon lex = Lexicon.mini();
        WordTokenizer tok = LmStage.tokenizer(lex);
        MiniGemmaConfig cfg = LmStage.config(tok, s.hidden(), s.layers(), s.heads(), s.kvHeads(), s.headDim(),
                s.intermediate(), s.slidingWindow());
        LmCorpus corpus = new LmCorpus(new Grammar(lex), tok, s.firstObjectShare(), s.maxTurns(), s.maxTokens());
        return new DefaultWorldLm(s, lex, tok, cfg, corpus);
    }

    MiniGemma load(Path world, NDManager manager) {
        return MiniGemma.load(config, world.resolve("lm/model.safetensors"), manager);
    }

    /** Greedy object answers to {@code entries}' grids, scored against their scenes. */
    OracleEval.Result read(List<LmCorpus.Entry> entries, MiniGemma model, NDManager manager) {
        return new OracleEval(entries, corpus, tok, lex, manager).evaluate(model, false);
    }
}
