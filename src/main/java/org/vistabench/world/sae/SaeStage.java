package org.vistabench.world.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.tensor.NdArrays;
import org.vistabench.tensor.NpyArray;
import org.vistabench.tensor.Npz;
import org.vistabench.world.lm.LmCorpus;
import org.vistabench.world.lm.LmDoc;
import org.vistabench.world.lm.MiniGemma;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.scene.Scene;
import org.vistabench.world.scene.SceneObject;
import org.vistabench.world.text.ChatFormat;
import org.vistabench.world.text.Grammar;
import org.vistabench.world.text.WordTokenizer;

/**
 * The SAE stage: residual streams of the trained LM at content positions only (the 64 grid positions of oracle-format
 * documents and the tokens of plain captions; the chat boilerplate is left out because it makes many generic
 * latents), one SAE per layer, quality figures on held-out positions, labels from top activations.
 */
public final class SaeStage {
    /** Per-layer quality on held-out content positions. */
    public record LayerQuality(int layer, double mse, double explainedVariance, double meanL0, int live, int width,
                               double conceptShare, String folder) {
    }

    /** Activations at content positions with what each position shows. */
    public record Activations(float[][] perLayer, int n, List<SaeLabeler.Position> positions) {
    }

    private SaeStage() {
    }

    /** Residuals of every block at the content positions of oracle-format grid docs and plain captions. */
    public static Activations collect(MiniGemma model, LmCorpus corpus, WordTokenizer tok, Lexicon lex,
                                      List<LmCorpus.Entry> scenes, int captionDocs, long seed, NDManager manager) {
        Grammar grammar = new Grammar(lex);
        Random r = new Random(seed);
        List<int[]> docs = new ArrayList<>();
        List<int[]> positionIdx = new ArrayList<>();
        List<SaeLabeler.Position> positions = new ArrayList<>();
        for (LmCorpus.Entry e : scenes) {
            int[] ids = corpus.chat(LmCorpus.gridText(e.grid()), grammar.objectQa(e.scene())).tokens();
            int[] idx = new int[ChatFormat.IMAGE_TOKENS];
            int[] owner = e.owners();
            for (int p = 0; p < idx.length; p++) {
                idx[p] = ChatFormat.IMAGE_OFFSET + p;
                positions.add(gridPosition(e, owner[p], p, lex));
            }
            docs.add(ids);
            positionIdx.add(idx);
        }
        for (int c = 0; c < captionDocs; c++) {
            LmCorpus.Entry e = scenes.get(r.nextInt(scenes.size()));
            LmDoc d = corpus.plain(grammar.caption(e.scene(), r));
            int[] ids = d.tokens();
            int[] idx = new int[ids.length - 2];
            for (int i = 1; i < ids.length - 1; i++) {
                idx[i - 1] = i;
                positions.add(captionPosition(ids, i, tok, lex));
            }
            docs.add(ids);
            positionIdx.add(idx);
        }
        int layers = model.config().numLayers();
        int d = model.config().hiddenSize();
        int n = positions.size();
        float[][] acts = new float[layers][n * d];
        int at = 0;
        for (int start = 0; start < docs.size(); start += 64) {
            List<int[]> chunk = docs.subList(start, Math.min(docs.size(), start + 64));
            int b = chunk.size();
            int t = 0;
            for (int[] ids : chunk) {
                t = Math.max(t, ids.length);
            }
            long[] flat = new long[b * t];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < chunk.get(i).length; j++) {
                    flat[i * t + j] = chunk.get(i)[j];
                }
            }
            try (NDManager scope = manager.newSubManager()) {
                Map<Integer, NDArray> res = new TreeMap<>();
                model.hidden(scope, model.embed(scope, flat, b, t), res, layers);
                float[][] rl = new float[layers][];
                for (int l = 0; l < layers; l++) {
                    rl[l] = res.get(l).toFloatArray();
                }
                int pos = at;
                for (int l = 0; l < layers; l++) {
                    pos = at;
                    for (int i = 0; i < b; i++) {
                        for (int j : positionIdx.get(start + i)) {
                            System.arraycopy(rl[l], (i * t + j) * d, acts[l], pos * d, d);
                            pos++;
                        }
                    }
                }
                at = pos;
            }
        }
        return new Activations(acts, n, positions);
    }

    private static SaeLabeler.Position gridPosition(LmCorpus.Entry e, int owner, int patch, Lexicon lex) {
        Set<String> concepts = new TreeSet<>();
        Scene s = e.scene();
        if (owner < 0) {
            concepts.add(lex.backgrounds().get(s.background()));
        } else {
            SceneObject o = s.objects().get(owner);
            concepts.add(lex.category(o.category()).name());
            concepts.add(lex.colours().get(o.colour()));
            concepts.add(lex.statesOf(o.category()).get(o.state()));
        }
        String word = e.grid()[patch];
        return new SaeLabeler.Position(word, concepts, "grid patch " + patch + ": " + word + " of "
                + (owner < 0 ? "background" : String.join(" ", concepts)));
    }

    private static SaeLabeler.Position captionPosition(int[] ids, int i, WordTokenizer tok, Lexicon lex) {
        Set<String> concepts = new TreeSet<>();
        StringBuilder ctx = new StringBuilder();
        for (int j = Math.max(1, i - 3); j <= i; j++) {
            String w = tok.word(ids[j]);
            lex.concept(w).ifPresent(c -> concepts.add(c.word()));
            ctx.append(j == i ? "[" + w + "]" : w).append(j == i ? "" : " ");
        }
        return new SaeLabeler.Position(tok.word(ids[i]), concepts, "caption: ... " + ctx);
    }

    /** Encodes held-out activations with a trained SAE: returns {mse, explained variance, mean L0} and the acts. */
    public static double[] evaluate(SaeTrainer.JumpRelu sae, float[] x, int n, float[] actsOut, NDManager manager) {
        int d = sae.dModel();
        int w = sae.width();
        try (NDManager sc = manager.newSubManager()) {
            NDArray xs = NdArrays.owned(sc, x, new Shape(n, d));
            NDArray pre = xs.matMul(NdArrays.owned(sc, sae.wEnc(), new Shape(d, w)))
                    .add(NdArrays.owned(sc, sae.bEnc(), new Shape(w)));
            NDArray thr = NdArrays.owned(sc, sae.threshold(), new Shape(w));
            NDArray acts = pre.mul(pre.gt(thr).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
            NDArray recon = acts.matMul(NdArrays.owned(sc, sae.wDec(), new Shape(w, d)))
                    .add(NdArrays.owned(sc, sae.bDec(), new Shape(d)));
            float[] a = acts.toFloatArray();
            System.arraycopy(a, 0, actsOut, 0, a.length);
            double err = recon.sub(xs).square().sum().getFloat();
            NDArray mean = xs.mean(new int[] {0}, true);
            double var = xs.sub(mean).square().sum().getFloat();
            double l0 = acts.gt(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).sum().getFloat() / n;
            return new double[] {err / ((double) n * d), 1 - err / var, l0};
        }
    }

    /** Writes {@code layer_{L}/width_{W}/average_l0_{K}/params.npz}; returns the folder relative to {@code saesDir}. */
    public static String write(Path saesDir, int layer, SaeTrainer.JumpRelu sae, double meanL0) {
        String folder = "layer_" + layer + "/width_" + sae.width() + "/average_l0_" + Math.round(meanL0);
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("W_enc", NpyArray.ofFloats("W_enc", new long[] {sae.dModel(), sae.width()}, sae.wEnc()));
        arrays.put("W_dec", NpyArray.ofFloats("W_dec", new long[] {sae.width(), sae.dModel()}, sae.wDec()));
        arrays.put("b_enc", NpyArray.ofFloats("b_enc", new long[] {sae.width()}, sae.bEnc()));
        arrays.put("b_dec", NpyArray.ofFloats("b_dec", new long[] {sae.dModel()}, sae.bDec()));
        arrays.put("threshold", NpyArray.ofFloats("threshold", new long[] {sae.width()}, sae.threshold()));
        Npz.write(saesDir.resolve(folder).resolve("params.npz"), arrays);
        return folder;
    }

    /** Writes {@code layer_{L}/labels.json}: Neuronpedia-like rows, one per live latent, by index. */
    public static void writeLabels(Path saesDir, int layer, int width, SaeLabeler.Result labels) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SaeLabeler.Label l : labels.labels()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("modelId", "mini-gemma2");
            row.put("layer", layer + "-res-" + width);
            row.put("index", Integer.toString(l.index()));
            row.put("description", l.description());
            row.put("typeName", "world_top-act-contexts");
            row.put("explanationModelName", "vistabench-world");
            row.put("concept", l.concept());
            row.put("concept_kind", l.conceptKind());
            row.put("concept_share", round(l.conceptShare()));
            row.put("density", round(l.density()));
            row.put("max_activation", round(l.maxActivation()));
            row.put("top_tokens", l.topTokens());
            row.put("top_contexts", l.topContexts());
            rows.add(row);
        }
        try {
            AtomicFiles.writeString(saesDir.resolve("layer_" + layer).resolve("labels.json"),
                    Json.MAPPER.writeValueAsString(rows) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
