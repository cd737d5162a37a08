package org.vistabench.eval;

import java.util.Locale;
import java.util.Map;
import org.vistabench.cell.Resources;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.score.MatchRate;

/**
 * The match-rate settings of a provider's params ({@code metrics.match_rate}, also read by {@code localization}),
 * with each protocol's defaults:
 * <pre>
 *   protocol          vistabench (default) | vista
 *   k                 vistabench 5         | vista 3 (the authors')
 *   aggregation       max | mean           (vistabench only; default max)
 *   max_image_share   vistabench 0.5       | vista 0.05 (the authors')
 *   max_text_density  vistabench 0.2       | vista 0.005 (the authors', for 16k-wide SAEs)
 * </pre>
 * Why vistabench's generic filters are looser: the authors' thresholds assume COCO's 80 categories and 16k-latent
 * SAEs; in a world of 16 categories a category latent is on in about 1 image in 8, and a 64-latent SAE at L0 4 has
 * mean text density 1/16, so their 5% / 0.005 would drop every latent. The shuffled baseline, not the filter, is what
 * guards against generic latents in our protocol.
 */
record MatchSettings(boolean vista, MatchRate.Settings settings) {
    static MatchSettings from(Map<String, Object> params) {
        String protocol = Resources.param(params, "protocol", "vistabench");
        boolean vista = switch (protocol) {
            case "vista" -> true;
            case "vistabench" -> false;
            default -> throw new VistaException(ExitCodes.USAGE, "match_rate protocol: expected vista or vistabench,"
                    + " got " + protocol);
        };
        int k = Resources.intParam(params, "k", vista ? 3 : 5);
        String agg = Resources.param(params, "aggregation", "max").toUpperCase(Locale.ROOT);
        MatchRate.Aggregation aggregation;
        try {
            aggregation = MatchRate.Aggregation.valueOf(agg);
        } catch (IllegalArgumentException e) {
            throw new VistaException(ExitCodes.USAGE, "match_rate aggregation: expected max or mean, got "
                    + agg.toLowerCase(Locale.ROOT));
        }
        double share = Resources.doubleParam(params, "max_image_share", vista ? 0.05 : 0.5);
        double density = Resources.doubleParam(params, "max_text_density", vista ? 0.005 : 0.2);
        return new MatchSettings(vista, new MatchRate.Settings(k, aggregation, share, density));
    }

    MatchRate.Result score(java.util.List<MatchRate.Image> images, java.util.List<MatchRate.Latent> latents) {
        return vista ? MatchRate.vista(images, latents, settings) : MatchRate.vistabench(images, latents, settings);
    }
}
