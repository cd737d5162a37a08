package org.vistabench.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.vistabench.cell.CellContext;
import org.vistabench.cell.DataBundle;
import org.vistabench.cell.ImageSplit;
import org.vistabench.cell.LmBundle;
import org.vistabench.cell.Resources;
import org.vistabench.model.sae.SaeLabels;
import org.vistabench.score.MatchRate;

/**
 * What {@code match_rate} and {@code localization} both judge: the cell's SAE codes, the held-out split (its concepts
 * and masks), each layer's labels and the spec's {@link Judge}, turned into {@link MatchRate}'s inputs. The
 * {@code lexicon} judge is always there too, for what is read from the data's own words (steering's state questions,
 * its choice of latents), which an LLM would only make slower and less exact.
 */
record MatchInputs(SaeCodes codes, ImageSplit split, SortedMap<Integer, SaeLabels> labels, Judge judge,
                   LexiconJudge lexicon) {
    static MatchInputs of(CellContext ctx, String provider) {
        SaeCodes codes = SaeCodes.of(ctx, provider);
        LmBundle lm = Resources.lm(ctx);
        DataBundle data = Resources.data(ctx);
        ImageSplit split = data.split("test");
        return new MatchInputs(codes, split, Resources.labels(ctx, lm),
                Judges.of(ctx, data, split, codes.imageIds()), new LexiconJudge(data));
    }

    /**
     * The judge's view of every latent of a layer (no labels file: all unlabelled). A label is judged when a measure
     * first reads its names ({@link Judges#lazily}).
     */
    List<MatchRate.Latent> latents(SaeCodes.Layer layer) {
        return latents(layer, judge);
    }

    /** As {@link #latents(SaeCodes.Layer)}, judged by {@code by}. */
    List<MatchRate.Latent> latents(SaeCodes.Layer layer, Judge by) {
        SaeLabels l = labels.get(layer.layer());
        List<MatchRate.Latent> out = new ArrayList<>(layer.width());
        for (int i = 0; i < layer.width(); i++) {
            SaeLabels.Label lab = l == null ? null : l.entry(i).orElse(null);
            out.add(lab == null ? MatchRate.Latent.UNLABELLED
                    : new MatchRate.Latent(true, Judges.lazily(() -> by.named(lab.description())), lab.density()));
        }
        return out;
    }

    /** One {@link MatchRate.Image} per held-out image, from its codes at one kind of position. */
    List<MatchRate.Image> images(List<float[][]> acts) {
        List<MatchRate.Image> out = new ArrayList<>();
        for (int i = 0; i < acts.size(); i++) {
            long id = codes.imageIds().get(i);
            out.add(new MatchRate.Image(id, acts.get(i), split.concepts(id)));
        }
        return out;
    }

    String label(int layer, int latent) {
        SaeLabels l = labels.get(layer);
        return l == null ? null : l.label(latent).orElse(null);
    }
}
