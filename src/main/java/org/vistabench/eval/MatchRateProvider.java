package org.vistabench.eval;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.vistabench.cell.CellContext;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.results.RecordFiles;
import org.vistabench.score.Concept;
import org.vistabench.score.MatchRate;

/**
 * {@code match_rate}: do the text-SAE latents that fire on an image's tokens carry labels naming what the image shows?
 * Per SAE layer L, at the image positions and (as the paper's reference) at the text positions of the same
 * sequences ({@link SaeCodes}), with the protocol and settings of {@link MatchSettings}, judged by the spec's
 * {@link Judge} (the {@link LexiconJudge} unless {@code judge:} names an {@link LlmJudge}; that one adds
 * {@code match_rate.judge_questions} and {@code .judge_malformed}).
 *
 * <p>Metrics, per layer {@code l<L>} and as the mean over layers ({@code mean}): {@code match_rate.rate},
 * {@code .shuffled} (the same picks judged against another image's concepts), {@code .excess} (rate − shuffled),
 * {@code .rate_object} / {@code .excess_object} (matches on category words), {@code .rate_attribute} /
 * {@code .excess_attribute} (colour and state words), {@code .text_rate} / {@code .text_excess} (text positions), and
 * {@code .generic} (latents dropped by the generic filters), and the labels-permuted control
 * ({@link #permuted}): {@code .permuted_rate} and {@code .permuted_excess} (which should be near 0). Writes {@code match_rate.jsonl}: one record per image,
 * layer and position kind with the picked latents, their labels, activations and matched concepts.
 */
public final class MatchRateProvider implements MetricProvider {
    static final String NAME = "match_rate";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Double> compute(CellContext ctx) throws Exception {
        MatchSettings ms = MatchSettings.from(ctx.params());
        MatchInputs in = MatchInputs.of(ctx, NAME);
        Map<String, Double> out = new LinkedHashMap<>();
        Map<String, double[]> means = new LinkedHashMap<>();
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (SaeCodes.Layer layer : in.codes().layers().values()) {
            List<MatchRate.Latent> latents = in.latents(layer);
            MatchRate.Result img = ms.score(in.images(layer.image()), latents);
            MatchRate.Result txt = ms.score(in.images(layer.text()), latents);
            String l = ".l" + layer.layer();
            put(out, means, "rate", l, img.rate());
            put(out, means, "shuffled", l, img.shuffled());
            put(out, means, "excess", l, img.excess());
            put(out, means, "rate_object", l, img.rateObject());
            put(out, means, "excess_object", l, img.excessObject());
            put(out, means, "rate_attribute", l, img.rateAttribute());
            put(out, means, "excess_attribute", l, img.excessAttribute());
            put(out, means, "text_rate", l, txt.rate());
            put(out, means, "text_excess", l, txt.excess());
            out.put(NAME + ".generic" + l, (double) img.generic());
            MatchRate.Result perm = ms.score(in.images(layer.image()), permuted(latents,
                    ctx.cell().seed() * 1_000_003L + layer.layer()));
            put(out, means, "permuted_rate", l, perm.rate());
            put(out, means, "permuted_excess", l, perm.excess());
            write(records, layer.layer(), "image", img, in);
            write(records, layer.layer(), "text", txt, in);
        }
        means.forEach((k, v) -> out.put(NAME + "." + k + ".mean", v[0] / v[1]));
        out.putAll(in.judge().metrics(NAME));
        AtomicFiles.write(ctx.cellDir().resolve(RecordFiles.MATCH_RATE), records.toByteArray());
        return out;
    }

    /**
     * The control "labels shuffled across latents": latent j carries the label (and label density) of latent
     * {@code perm[j]}, a permutation of every index drawn from {@code seed}. The latents that fire are the same; what
     * their labels say no longer comes from what they fire on, so the rate must fall to its shuffled-image baseline.
     */
    static List<MatchRate.Latent> permuted(List<MatchRate.Latent> latents, long seed) {
        List<MatchRate.Latent> out = new ArrayList<>(latents);
        Collections.shuffle(out, new Random(seed));
        return out;
    }

    private static void put(Map<String, Double> out, Map<String, double[]> means, String metric, String layer,
                            double v) {
        out.put(NAME + "." + metric + layer, v);
        double[] m = means.computeIfAbsent(metric, k -> new double[2]);
        m[0] += v;
        m[1] += 1;
    }

    private static void write(ByteArrayOutputStream to, int layer, String tokens, MatchRate.Result r,
                              MatchInputs in) throws Exception {
        for (MatchRate.ImageResult im : r.images()) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("image_id", im.id());
            o.put("layer", layer);
            o.put("tokens", tokens);
            o.put("rate", im.rate());
            o.put("shuffled", im.shuffled());
            ArrayNode picks = o.putArray("latents");
            for (MatchRate.Pick p : im.picks()) {
                ObjectNode po = picks.addObject();
                po.put("latent", p.latent());
                po.put("label", in.label(layer, p.latent()));
                po.put("activation", (float) p.activation());
                po.putPOJO("matched", words(p.matched()));
                po.putPOJO("matched_shuffled", words(p.matchedShuffled()));
            }
            to.write(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(o));
            to.write('\n');
        }
    }

    /** Concepts as {@code kind:word} ({@code object:dog}, {@code attribute:red}), in the set's order. */
    static List<String> words(Set<Concept> cs) {
        return cs.stream().map(c -> c.kind().name().toLowerCase(java.util.Locale.ROOT) + ":" + c.word()).toList();
    }
}
