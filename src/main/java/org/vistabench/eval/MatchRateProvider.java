package org.vistabench.eval;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import org.vistabench.cell.CellContext;
import org.vistabench.cell.DataBundle;
import org.vistabench.cell.ImageSplit;
import org.vistabench.cell.LmBundle;
import org.vistabench.cell.Resources;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.model.sae.SaeLabels;
import org.vistabench.score.Concept;
import org.vistabench.score.MatchRate;

/**
 * {@code match_rate}: do the text-SAE latents that fire on an image's tokens carry labels naming what the image shows?
 * Per SAE layer L, at the image positions and (as the paper's reference) at the text positions of the same
 * sequences ({@link SaeCodes}), with the protocol and settings of {@link MatchSettings}, judged by the
 * {@link LexiconJudge}.
 *
 * <p>Metrics, per layer {@code l<L>} and as the mean over layers ({@code mean}): {@code match_rate.rate},
 * {@code .shuffled} (the same picks judged against another image's concepts), {@code .excess} (rate − shuffled),
 * {@code .rate_object} / {@code .excess_object} (matches on category words), {@code .rate_attribute} /
 * {@code .excess_attribute} (colour and state words), {@code .text_rate} / {@code .text_excess} (text positions), and
 * {@code .generic} (latents dropped by the generic filters). Writes {@code match_rate.jsonl}: one record per image,
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
        SaeCodes codes = SaeCodes.of(ctx, NAME);
        LmBundle lm = Resources.lm(ctx);
        DataBundle data = Resources.data(ctx);
        ImageSplit split = data.split("test");
        SortedMap<Integer, SaeLabels> labels = Resources.labels(ctx, lm);
        LexiconJudge judge = new LexiconJudge(data);
        Map<String, Double> out = new LinkedHashMap<>();
        Map<String, double[]> means = new LinkedHashMap<>();
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (SaeCodes.Layer layer : codes.layers().values()) {
            List<MatchRate.Latent> latents = latents(labels.get(layer.layer()), layer.width(), judge);
            MatchRate.Result img = ms.score(images(codes, layer.image(), split), latents);
            MatchRate.Result txt = ms.score(images(codes, layer.text(), split), latents);
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
            write(records, layer.layer(), "image", img, labels.get(layer.layer()));
            write(records, layer.layer(), "text", txt, labels.get(layer.layer()));
        }
        means.forEach((k, v) -> out.put(NAME + "." + k + ".mean", v[0] / v[1]));
        AtomicFiles.write(ctx.cellDir().resolve("match_rate.jsonl"), records.toByteArray());
        return out;
    }

    private static void put(Map<String, Double> out, Map<String, double[]> means, String metric, String layer,
                            double v) {
        out.put(NAME + "." + metric + layer, v);
        double[] m = means.computeIfAbsent(metric, k -> new double[2]);
        m[0] += v;
        m[1] += 1;
    }

    /** The judge's view of every latent of a layer (no labels file: all unlabelled). */
    static List<MatchRate.Latent> latents(SaeLabels labels, int width, LexiconJudge judge) {
        List<MatchRate.Latent> out = new ArrayList<>(width);
        for (int i = 0; i < width; i++) {
            SaeLabels.Label lab = labels == null ? null : labels.entry(i).orElse(null);
            out.add(lab == null ? MatchRate.Latent.UNLABELLED
                    : new MatchRate.Latent(true, judge.named(lab.description()), lab.density()));
        }
        return out;
    }

    static List<MatchRate.Image> images(SaeCodes codes, List<float[][]> acts, ImageSplit split) {
        List<MatchRate.Image> out = new ArrayList<>();
        for (int i = 0; i < acts.size(); i++) {
            long id = codes.imageIds().get(i);
            out.add(new MatchRate.Image(id, acts.get(i), split.concepts(id)));
        }
        return out;
    }

    private static void write(ByteArrayOutputStream to, int layer, String tokens, MatchRate.Result r,
                              SaeLabels labels) throws Exception {
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
                po.put("label", labels == null ? null : labels.label(p.latent()).orElse(null));
                po.put("activation", (float) p.activation());
                po.putPOJO("matched", words(p.matched()));
                po.putPOJO("matched_shuffled", words(p.matchedShuffled()));
            }
            to.write(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(o));
            to.write('\n');
        }
    }

    private static List<String> words(Set<Concept> cs) {
        return cs.stream().map(c -> c.kind().name().toLowerCase(java.util.Locale.ROOT) + ":" + c.word()).toList();
    }
}
