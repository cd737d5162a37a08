package org.vistabench.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vistabench.results.MetricsTable;
import org.vistabench.spec.Cell;

/** The shipped golden files evaluate as intended on full synthetic matrices of their cells. */
class ShippedGoldenTest {
    private static final List<String> ENCODERS = List.of("dinov2-large", "clip-vit-large-336", "ijepa-huge");
    private static final List<String> LLMS = List.of("gemma-2-2b-it", "gemma-2-9b-it", "llama-3.1-8b-instruct");
    private static final List<String> LAYERS = List.of("none", "early", "mid", "late");

    /** A paper-like run: match rate x3, removal +35%, replacement +47%, DINOv2 localizes best, early costs least. */
    private static MetricsTable paperRun(double matchGain) {
        List<MetricsTable.Row> rows = new ArrayList<>();
        for (String e : ENCODERS) {
            for (String l : LLMS) {
                for (String s : LAYERS) {
                    for (long seed = 1; seed <= 3; seed++) {
                        Cell c = Cell.of(e, l, s, "none", seed);
                        double jitter = 0.001 * seed;
                        boolean sae = !s.equals("none");
                        rows.add(new MetricsTable.Row(c, "match_rate.excess.mean", (sae ? 0.1 * matchGain : 0.1) + jitter));
                        rows.add(new MetricsTable.Row(c, "steering.removal.additive", (sae ? 0.405 : 0.3) + jitter));
                        rows.add(new MetricsTable.Row(c, "steering.replacement.additive", (sae ? 0.294 : 0.2) + jitter));
                        double point = Map.of("dinov2-large", 0.6, "clip-vit-large-336", 0.4, "ijepa-huge", 0.5).get(e);
                        rows.add(new MetricsTable.Row(c, "localization.excess.mean", point + jitter));
                        double qa = Map.of("none", 0.70, "early", 0.69, "mid", 0.65, "late", 0.62).get(s);
                        rows.add(new MetricsTable.Row(c, "qa.accuracy", qa + jitter));
                    }
                }
            }
        }
        return new MetricsTable(rows);
    }

    @Test
    void paperClaimsAllPassOnAPaperLikeRun() {
        Golden g = GoldenLoader.load(Path.of("golden/vista-paper.yaml"));
        GoldenReport r = GoldenEvaluator.evaluate(g, paperRun(3.0), false);
        r.claims().forEach(c -> assertEquals(Outcome.PASS, c.outcome(), c.explanation()));
        assertEquals(0, r.exitCode());
        ClaimResult gain = r.claims().get(0);
        assertEquals(9, gain.results().size(), "3 encoders x 3 LLMs, early over none");
        ClaimResult cost = r.claims().get(5);
        assertEquals(18, cost.results().size(), "early vs mid and vs late for 9 encoder x LLM pairs");
    }

    @Test
    void paperMatchRateClaimFailsWithoutTwoThirdsOfTheGain() {
        Golden g = GoldenLoader.load(Path.of("golden/vista-paper.yaml"));
        GoldenReport r = GoldenEvaluator.evaluate(g, paperRun(2.2), false);
        ClaimResult gain = r.claims().get(0);
        assertEquals(Outcome.FAIL, gain.outcome());
        assertTrue(gain.explanation().startsWith("match-rate-gain: FAIL ratio "), gain.explanation());
        assertTrue(gain.explanation().contains("< 2.33"), gain.explanation());
        assertEquals(1, r.exitCode());
    }

    private static MetricsTable miniRun(double randomReconRatio) {
        return miniRun(randomReconRatio, false, false, false);
    }

    /**
     * A mini run where every effect the paper reports is there (seeds 17-19, a little jitter), or with one cause
     * removed: {@code saeLossOff} gives the SAE-loss cells the no-SAE projector's match rate and steering;
     * {@code encodersSwapped} gives mini-dino mini-clip's localization and the reverse; {@code controlsInert} gives
     * the labels-permuted and masks-moved controls the real measurement's values (a permutation or a move that did
     * nothing).
     */
    private static MetricsTable miniRun(double randomReconRatio, boolean saeLossOff, boolean encodersSwapped,
                                        boolean controlsInert) {
        List<MetricsTable.Row> rows = new ArrayList<>();
        for (String e : List.of("mini-dino", "mini-clip", "mini-ijepa")) {
            for (String s : List.of("none", "early", "all")) {
                for (String control : s.equals("none") ? List.of("none") : List.of("none", "random-sae")) {
                    for (long seed = 17; seed <= 19; seed++) {
                        Cell c = Cell.of(e, "mini-lm", s, control, seed);
                        rows.add(new MetricsTable.Row(c, "train.ce_final_over_untrained", 0.6));
                        double recon = s.equals("none") ? 1.0 : 0.3;
                        for (int layer = 0; layer < 4; layer++) {
                            for (String m : List.of("train.image_recon_mse.l", "train.image_recon_rel.l")) {
                                rows.add(new MetricsTable.Row(c, m + layer,
                                        control.equals("none") ? recon : recon * randomReconRatio));
                            }
                        }
                        rows.add(new MetricsTable.Row(c, "caption.recall", 0.82));
                        rows.add(new MetricsTable.Row(c, "caption.recall_shuffled", 0.09));
                        double j = 0.001 * (seed - 17);
                        boolean gain = !s.equals("none") && control.equals("none") && !saeLossOff;
                        double match = (gain ? 0.3 : 0.1) + j;
                        rows.add(new MetricsTable.Row(c, "match_rate.excess.mean", match));
                        rows.add(new MetricsTable.Row(c, "match_rate.permuted_excess.mean",
                                controlsInert ? match : 0.004 - j));
                        String loc = encodersSwapped ? Map.of("mini-dino", "mini-clip", "mini-clip", "mini-dino")
                                .getOrDefault(e, e) : e;
                        double pointing = (loc.equals("mini-dino") ? 0.6 : 0.3) + j;
                        rows.add(new MetricsTable.Row(c, "localization.excess.mean", pointing));
                        rows.add(new MetricsTable.Row(c, "localization.moved_excess.mean",
                                controlsInert ? pointing : 0.01 + j));
                        double gap = s.equals("none") ? 2.0 : 0.2;
                        rows.add(new MetricsTable.Row(c, "recon.rel_gap.l0", gap + j));
                        rows.add(new MetricsTable.Row(c, "recon.l0_gap.l0", gap + j));
                        rows.add(new MetricsTable.Row(c, "qa.accuracy",
                                Map.of("none", 0.70, "early", 0.69, "all", 0.62).get(s) + j));
                        double removal = (gain ? 0.45 : 0.3) + j;
                        rows.add(new MetricsTable.Row(c, "steering.removal_success", removal));
                        rows.add(new MetricsTable.Row(c, "steering.removal.sae_edit", removal));
                        rows.add(new MetricsTable.Row(c, "steering.removal.random_latents", 0.05 + j));
                        rows.add(new MetricsTable.Row(c, "steering.removal.random_patches", 0.05 + j));
                        rows.add(new MetricsTable.Row(c, "steering.replacement_success", (gain ? 0.3 : 0.2) + j));
                    }
                }
            }
        }
        return new MetricsTable(rows);
    }

    @Test
    void miniClaimsAllPassOnAHealthyRunAndTheControlClaimCatchesMiswiring() {
        Golden g = strip(GoldenLoader.load(Path.of("golden/mini.yaml")));
        GoldenReport ok = GoldenEvaluator.evaluate(g, miniRun(2.0), false);
        ok.claims().forEach(c -> assertEquals(Outcome.PASS, c.outcome(), c.explanation()));
        assertEquals(15, ok.claims().get(0).results().size(), "3 encoders x (none + early, all with and without the control)");
        GoldenReport miswired = GoldenEvaluator.evaluate(g, miniRun(0.8), false);
        ClaimResult control = miswired.claims().stream().filter(c -> c.id().equals("random-sae-recon-control"))
                .findFirst().orElseThrow();
        assertEquals(Outcome.FAIL, control.outcome(), control.explanation());
    }

    private static Outcome outcome(GoldenReport r, String id) {
        return r.claims().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow().outcome();
    }

    /** The paper-mirroring claims are earned: each fails when its cause is removed. */
    @Test
    void miniPaperClaimsFailWhenTheirCauseIsRemoved() {
        Golden g = GoldenLoader.load(Path.of("golden/mini.yaml"));
        GoldenReport off = GoldenEvaluator.evaluate(strip(g), miniRun(2.0, true, false, false), false);
        for (String id : List.of("sae-loss-raises-match-rate", "random-sae-gives-no-match-rate-gain", "removal-gain",
                "replacement-gain", "removal-gain-not-from-any-regularizer")) {
            assertEquals(Outcome.FAIL, outcome(off, id), id);
        }
        GoldenReport swapped = GoldenEvaluator.evaluate(strip(g), miniRun(2.0, false, true, false), false);
        assertEquals(Outcome.FAIL, outcome(swapped, "dino-localizes-better"));
        assertEquals(Outcome.PASS, outcome(swapped, "sae-loss-raises-match-rate"));
        GoldenReport inert = GoldenEvaluator.evaluate(strip(g), miniRun(2.0, false, false, true), false);
        for (String id : List.of("match-rate-falls-to-baseline-with-permuted-labels", "match-rate-needs-the-labels",
                "pointing-falls-to-chance-with-moved-masks", "pointing-needs-the-masks")) {
            assertEquals(Outcome.FAIL, outcome(inert, id), id);
        }
    }

    /** The golden file without its known_failure marks, so that outcomes are PASS or FAIL. */
    private static Golden strip(Golden g) {
        return new Golden(g.file(), g.sha256(), g.name(), g.claims().stream()
                .map(c -> new Claim(c.id(), c.source(), c.metric(), c.baseline(), c.select(), c.expect(), null,
                        c.note(), c.line())).toList());
    }
}
