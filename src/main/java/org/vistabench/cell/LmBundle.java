package org.vistabench.cell;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;
import org.vistabench.model.lm.CausalLm;
import org.vistabench.model.lm.ChatTemplate;
import org.vistabench.model.lm.LmLoader;
import org.vistabench.model.lm.Tokenizer;
import org.vistabench.model.sae.SaeChoice;
import org.vistabench.model.sae.SaeLoader;
import org.vistabench.model.sae.SaeSet;
import org.vistabench.model.vlm.CausalLmBackbone;
import org.vistabench.model.vlm.LmBackbone;
import org.vistabench.spec.SaeSpec;

/**
 * A loaded LM with its tokenizer, chat template and SAEs: one per LLM id per run (a shared object).
 *
 * @param encode text → ids, no special tokens added
 * @param decode ids → text, special tokens dropped
 * @param stopIds ids that end an answer (the template's end-of-turn, the config's eos ids)
 */
public record LmBundle(String id, Path dir, NDManager manager, CausalLm lm, Function<String, long[]> encode,
                       Function<long[], String> decode, ChatTemplate template, SaeSet saes, long[] stopIds,
                       long padId, AutoCloseable extra) implements AutoCloseable {

    public LmBackbone backbone() {
        return new CausalLmBackbone(lm);
    }

    /** Loads an HF LM folder (with tokenizer.json) and its SAEs (null root = none) onto {@code device}. */
    public static LmBundle load(String id, Path dir, Path saeRoot, String saeFormat, Device device) {
        return load(id, dir, saeRoot, saeFormat, SaeChoice.defaults(), device);
    }

    /**
     * The SAE choice a spec's {@code llms[].saes} makes: its {@code layers} (unless {@code all}), {@code width},
     * {@code l0}, {@code position} and {@code expansion}.
     */
    public static SaeChoice choice(SaeSpec s) {
        SaeChoice c = SaeChoice.defaults().withWidth(s.width()).withPosition(s.position())
                .withExpansion(s.expansion());
        if (s.l0() != null) {
            c = c.withL0(SaeChoice.L0.parse(s.l0()));
        }
        if (s.layers() != null && !s.layers().all()) {
            c = c.withLayers(new java.util.TreeSet<>(s.layers().layers()));
        }
        return c;
    }

    /** {@link #load(String, Path, Path, String, Device)} taking, per layer, the SAE {@code choice} picks. */
    public static LmBundle load(String id, Path dir, Path saeRoot, String saeFormat, SaeChoice choice,
                                Device device) {
        NDManager m = NDManager.newBaseManager(device);
        try {
            CausalLm lm = LmLoader.load(dir, m);
            Tokenizer tok = Tokenizer.load(dir);
            ChatTemplate tpl = ChatTemplate.of(lm.config().family());
            SaeSet saes = saeRoot == null ? null : SaeLoader.loadLayers(saeRoot, saeFormat, m, choice);
            List<Long> stop = new ArrayList<>(lm.config().eosTokenIds());
            OptionalLong eot = tok.tokenId(tpl.endOfTurn());
            if (eot.isPresent() && !stop.contains(eot.getAsLong())) {
                stop.add(eot.getAsLong());
            }
            return new LmBundle(id, dir, m, lm, tok::encode, ids -> tok.decode(ids, true), tpl, saes,
                    stop.stream().mapToLong(Long::longValue).toArray(), Math.max(0, lm.config().padTokenId()), tok);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        if (saes != null) {
            saes.close();
        }
        lm.close();
        if (extra != null) {
            extra.close();
        }
        manager.close();
    }
}
