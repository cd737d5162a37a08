package org.vistabench.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vistabench.golden.Fixtures.claim;
import static org.vistabench.golden.Fixtures.table;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.results.MetricsTable;

class GoldenEvaluatorTest {
    @TempDir
    Path tmp;

    private ClaimResult eval(String claimYaml, MetricsTable t) {
        return GoldenEvaluator.evaluate(claim(tmp, claimYaml), t, false).claims().get(0);
    }

    private static MetricsTable one(double v) {
        return table().add("mini-dino", "none", "m.x", v).build();
    }

    // ---- absolute ----------------------------------------------------------------------------------------------

    @Test
    void atLeastHoldsAtTheBoundAndFailsJustBelow() {
        assertEquals(Outcome.PASS, eval("expect: {at_least: 0.8}", one(0.8)).outcome());
        assertEquals(Outcome.PASS, eval("expect: {at_least: 0.8}", one(0.800001)).outcome());
        ClaimResult r = eval("expect: {at_least: 0.8}", one(0.799999));
        assertEquals(Outcome.FAIL, r.outcome());
        assertEquals("c: FAIL mean 0.799999 (mini-dino/mini-lm/none/none, n=1) < 0.8", r.explanation());
    }

    @Test
    void atMostHoldsAtTheBoundAndFailsJustAbove() {
        assertEquals(Outcome.PASS, eval("expect: {at_most: 0.35}", one(0.35)).outcome());
        ClaimResult r = eval("expect: {at_most: 0.35}", one(0.3501));
        assertEquals(Outcome.FAIL, r.outcome());
        assertTrue(r.explanation().endsWith("> 0.35"), r.explanation());
    }

    @Test
    void valueWithToleranceAcceptsBothEdgesDespiteBinaryRounding() {
        String e = "expect: {value: 0.7, tolerance: 0.1}";
        assertEquals(Outcome.PASS, eval(e, one(0.8)).outcome());
        assertEquals(Outcome.PASS, eval(e, one(0.6)).outcome());
        assertEquals(Outcome.FAIL, eval(e, one(0.80001)).outcome());
        ClaimResult low = eval(e, one(0.59999));
        assertEquals(Outcome.FAIL, low.outcome());
        assertTrue(low.explanation().contains("outside 0.7 +- 0.1"), low.explanation());
    }

    @Test
    void rangeRejectsBothSides() {
        String e = "expect: {at_least: 0.2, at_most: 0.4}";
        assertEquals(Outcome.PASS, eval(e, one(0.3)).outcome());
        assertEquals(Outcome.FAIL, eval(e, one(0.19)).outcome());
        assertEquals(Outcome.FAIL, eval(e, one(0.41)).outcome());
    }

    @Test
    void absoluteAveragesSeedsAndReportsTheirSpread() {
        MetricsTable t = table().add("mini-dino", "none", "none", 3, "m.x", 0.9)
                .add("mini-dino", "none", "none", 1, "m.x", 0.7)
                .add("mini-dino", "none", "none", 2, "m.x", 0.8).build();
        ClaimResult r = eval("expect: {at_least: 0.8}", t);
        assertEquals(Outcome.PASS, r.outcome());
        GroupStats g = r.results().get(0).left();
        assertEquals(List.of(1L, 2L, 3L), g.seeds());
        assertEquals(List.of(0.7, 0.8, 0.9), g.values());
        assertEquals(0.8, g.mean(), 1e-12);
        assertEquals(0.1, g.std(), 1e-12);
        assertEquals(3, g.n());
        assertEquals(Outcome.FAIL, eval("expect: {at_least: 0.81}", t).outcome());
    }

    @Test
    void absoluteChecksEverySelectedGroupAndNamesTheFailingOne() {
        MetricsTable t = table().add("mini-dino", "none", "m.x", 0.9).add("mini-clip", "none", "m.x", 0.5)
                .add("mini-ijepa", "none", "m.x", 0.85).build();
        ClaimResult r = eval("expect: {at_least: 0.8}", t);
        assertEquals(Outcome.FAIL, r.outcome());
        assertEquals(3, r.results().size());
        assertEquals("c: FAIL mean 0.5 (mini-clip/mini-lm/none/none, n=1) < 0.8 [1 failing of 3 groups]",
                r.explanation());
        ClaimResult dinoOnly = eval("for: {encoder: mini-dino}\nexpect: {at_least: 0.8}", t);
        assertEquals(Outcome.PASS, dinoOnly.outcome());
        assertEquals(1, dinoOnly.results().size());
    }

    @Test
    void controlCellsStayOutUnlessTheClaimNamesThem() {
        MetricsTable t = table().add("mini-dino", "early", "none", 1, "m.x", 0.9)
                .add("mini-dino", "early", "random-sae", 1, "m.x", 0.1).build();
        assertEquals(Outcome.PASS, eval("expect: {at_least: 0.8}", t).outcome());
        assertEquals(Outcome.FAIL, eval("for: {control: \"*\"}\nexpect: {at_least: 0.8}", t).outcome());
        ClaimResult onlyControl = eval("for: {control: random-sae}\nexpect: {at_most: 0.2}", t);
        assertEquals(Outcome.PASS, onlyControl.outcome());
        assertEquals("mini-dino/mini-lm/early/random-sae", onlyControl.results().get(0).label());
    }

    // ---- relative ----------------------------------------------------------------------------------------------

    private static final String RATIO = "expect: {ratio_of: {sae_layers: early}, to: {sae_layers: none}, at_least: 2.33}";

    @Test
    void ratioHoldsAtTheBoundAndFailsJustBelow() {
        MetricsTable at = table().add("mini-dino", "early", "m.x", 2.33).add("mini-dino", "none", "m.x", 1.0).build();
        assertEquals(Outcome.PASS, eval(RATIO, at).outcome());
        MetricsTable below = table().add("mini-dino", "early", "m.x", 0.224).add("mini-dino", "none", "m.x", 0.2).build();
        ClaimResult r = eval(RATIO, below);
        assertEquals(Outcome.FAIL, r.outcome());
        assertEquals("c: FAIL ratio 1.12 (early/none, mini-dino/mini-lm/none) < 2.33", r.explanation());
        assertEquals(1.12, r.results().get(0).value(), 1e-12);
    }

    @Test
    void ratioPairsGroupsByTheCoordinatesTheSidesDoNotName() {
        MetricsTable t = table().add("mini-dino", "early", "m.x", 0.6).add("mini-dino", "none", "m.x", 0.2)
                .add("mini-clip", "early", "m.x", 0.3).add("mini-clip", "none", "m.x", 0.4).build();
        ClaimResult r = eval(RATIO, t);
        assertEquals(Outcome.FAIL, r.outcome());
        assertEquals(2, r.results().size());
        SubResult clip = r.results().get(0);
        SubResult dino = r.results().get(1);
        assertEquals("early/none, mini-clip/mini-lm/none", clip.label());
        assertEquals(0.75, clip.value(), 1e-12);
        assertFalse(clip.holds());
        assertEquals("early/none, mini-dino/mini-lm/none", dino.label());
        assertEquals(3.0, dino.value(), 1e-12);
        assertTrue(dino.holds());
        assertEquals("mini-dino/mini-lm/early/none", dino.left().group());
        assertEquals("mini-dino/mini-lm/none/none", dino.right().group());
    }

    @Test
    void ratioIsTheRatioOfSeedMeansPairedAcrossSeeds() {
        MetricsTable t = table()
                .add("mini-dino", "early", "none", 1, "m.x", 0.5).add("mini-dino", "early", "none", 2, "m.x", 0.7)
                .add("mini-dino", "none", "none", 1, "m.x", 0.3).add("mini-dino", "none", "none", 2, "m.x", 0.1).build();
        ClaimResult r = eval("expect: {ratio_of: {sae_layers: early}, to: {sae_layers: none}, at_least: 3.0}", t);
        SubResult s = r.results().get(0);
        assertEquals(3.0, s.value(), 1e-12); // 0.6 / 0.2, not the mean of 0.5/0.3 and 0.7/0.1
        // the means meet the bound, but the seeds scatter (se of the ratio 1.58) far more than the margin (0)
        assertEquals(Outcome.FAIL, r.outcome());
        assertTrue(s.detail().contains("< 2 x the seeds' se 1.581"), s.detail());
        assertEquals(2, s.left().n());
        assertEquals(2, s.right().n());
        assertEquals(Math.sqrt(0.02), s.right().std(), 1e-12);
    }

    @Test
    void aSingleSeedSideBorrowsItsPartnersScatter() {
        // early: seeds 1, 2 at 0.8, 1.0 (mean 0.9, sd sqrt(0.02), se 0.1); none: seed 1 only, at 0.1
        MetricsTable t = table()
                .add("mini-dino", "early", "none", 1, "m.x", 0.8).add("mini-dino", "early", "none", 2, "m.x", 1.0)
                .add("mini-dino", "none", "none", 1, "m.x", 0.1).build();
        ClaimResult ratio = eval(RATIO, t);
        assertEquals(Outcome.PASS, ratio.outcome(), ratio.explanation());
        assertTrue(ratio.missing().isEmpty(), ratio.missing().toString());
        SubResult s = ratio.results().get(0);
        assertEquals(9.0, s.value(), 1e-12);
        // a ratio borrows the coefficient of variation: se_none = 0.1 * sqrt(0.02) / 0.9; delta method on 0.9 / 0.1
        double seNone = 0.1 * Math.sqrt(0.02) / 0.9;
        assertEquals(9.0 * Math.sqrt(Math.pow(0.1 / 0.9, 2) + Math.pow(seNone / 0.1, 2)), s.se(), 1e-12);
        assertTrue(s.detail().contains("the single-seed side's scatter taken from its partner's seeds"), s.detail());
        // a difference borrows the sd: se = sqrt(0.1^2 + 0.02) = sqrt(0.03)
        ClaimResult diff = eval("expect: {compare: {sae_layers: early}, greater_than: {sae_layers: none}}", t);
        assertEquals(Outcome.PASS, diff.outcome(), diff.explanation());
        assertEquals(Math.sqrt(0.03), diff.results().get(0).se(), 1e-12);
        // by at least 0.5: margin 0.3 < 2 x 0.173, so the borrowed scatter fails it
        ClaimResult tight = eval("expect: {compare: {sae_layers: early}, greater_than: {sae_layers: none},"
                + " by_at_least: 0.5}", t);
        assertEquals(Outcome.FAIL, tight.outcome(), tight.explanation());
    }

    @Test
    void ratioOverANonPositiveDenominatorFails() {
        MetricsTable t = table().add("mini-dino", "early", "m.x", 0.3).add("mini-dino", "none", "m.x", -0.01).build();
        ClaimResult r = eval(RATIO, t);
        assertEquals(Outcome.FAIL, r.outcome());
        assertTrue(r.explanation().contains("ratio undefined (early/none, mini-dino/mini-lm/none): denominator mean -0.01 <= 0"),
                r.explanation());
        MetricsTable zero = table().add("mini-dino", "early", "m.x", 0.3).add("mini-dino", "none", "m.x", 0.0).build();
        assertEquals(Outcome.FAIL, eval(RATIO, zero).outcome());
    }

    @Test
    void ratioWithAListSideChecksEachMemberAgainstItsPartner() {
        MetricsTable t = table().add("mini-dino", "early", "m.x", 0.4).add("mini-dino", "all", "m.x", 0.6)
                .add("mini-dino", "none", "m.x", 1.0).build();
        String e = "expect: {ratio_of: {sae_layers: [early, all]}, to: {sae_layers: none}, at_most: 0.5}";
        ClaimResult r = eval(e, t);
        assertEquals(Outcome.FAIL, r.outcome());
        assertEquals(List.of("all/none, mini-dino/mini-lm/none", "early/none, mini-dino/mini-lm/none"),
                r.results().stream().map(SubResult::label).toList());
        assertEquals(List.of(false, true), r.results().stream().map(SubResult::holds).toList());
        assertTrue(r.explanation().startsWith("c: FAIL ratio 0.6 (all/none, mini-dino/mini-lm/none) > 0.5"),
                r.explanation());
    }

    @Test
    void ratioOverTheControlKeyPairsControlWithItsRealSaeCell() {
        MetricsTable t = table().add("mini-dino", "early", "random-sae", 1, "m.x", 2.0)
                .add("mini-dino", "early", "none", 1, "m.x", 1.0).add("mini-dino", "none", "none", 1, "m.x", 9.0).build();
        ClaimResult r = eval("for: {sae_layers: early}\n"
                + "expect: {ratio_of: {control: random-sae}, to: {control: none}, at_least: 1.0}", t);
        assertEquals(Outcome.PASS, r.outcome());
        assertEquals(1, r.results().size());
        assertEquals("random-sae/none, mini-dino/mini-lm/early", r.results().get(0).label());
        assertEquals(2.0, r.results().get(0).value(), 1e-12);
    }

    // ---- relational --------------------------------------------------------------------------------------------

    private static MetricsTable dinoClip(double dino, double clip) {
        return table().add("mini-dino", "early", "m.x", dino).add("mini-clip", "early", "m.x", clip).build();
    }

    @Test
    void greaterThanWithoutMarginIsStrict() {
        String e = "expect: {compare: {encoder: mini-dino}, greater_than: {encoder: mini-clip}}";
        assertEquals(Outcome.PASS, eval(e, dinoClip(0.51, 0.5)).outcome());
        ClaimResult tie = eval(e, dinoClip(0.5, 0.5));
        assertEquals(Outcome.FAIL, tie.outcome());
        assertEquals("c: FAIL difference 0 (mini-dino vs mini-clip, mini-lm/early/none) but required > 0",
                tie.explanation());
    }

    @Test
    void greaterThanByAtLeastHoldsAtTheMarginAndFailsJustBelow() {
        String e = "expect: {compare: {encoder: mini-dino}, greater_than: {encoder: mini-clip}, by_at_least: 0.10}";
        assertEquals(Outcome.PASS, eval(e, dinoClip(0.6, 0.5)).outcome()); // 0.09999999999999998 in binary
        ClaimResult r = eval(e, dinoClip(0.5999, 0.5));
        assertEquals(Outcome.FAIL, r.outcome());
        assertEquals(0.0999, r.results().get(0).value(), 1e-12);
        assertTrue(r.explanation().contains("difference 0.0999 "), r.explanation());
        ClaimResult close = eval(e, dinoClip(0.59999999, 0.5));
        assertTrue(close.explanation().contains("difference 0.09999999 "), close.explanation());
        assertTrue(r.explanation().endsWith("but required >= 0.1"), r.explanation());
    }

    @Test
    void lessThanMirrorsGreaterThan() {
        String e = "expect: {compare: {encoder: mini-dino}, less_than: {encoder: mini-clip}, by_at_least: 0.2}";
        assertEquals(Outcome.PASS, eval(e, dinoClip(0.3, 0.5)).outcome());
        assertEquals(Outcome.FAIL, eval(e, dinoClip(0.35, 0.5)).outcome());
        assertEquals(Outcome.FAIL, eval(e, dinoClip(0.7, 0.5)).outcome());
        String strict = "expect: {compare: {encoder: mini-dino}, less_than: {encoder: mini-clip}}";
        assertEquals(Outcome.FAIL, eval(strict, dinoClip(0.5, 0.5)).outcome());
        assertEquals(Outcome.PASS, eval(strict, dinoClip(0.49, 0.5)).outcome());
    }

    @Test
    void aRelationalPairPassesOnlyWhenItsMarginClearsTwiceTheSeedsStandardError() {
        // dino - clip = 0.2 over by_at_least 0.1: margin 0.1; each side's se 0.1 (seeds 0.2 apart), together sqrt(0.02)
        MetricsTable noisy = table()
                .add("mini-dino", "early", "none", 1, "m.x", 0.7).add("mini-dino", "early", "none", 2, "m.x", 0.9)
                .add("mini-clip", "early", "none", 1, "m.x", 0.5).add("mini-clip", "early", "none", 2, "m.x", 0.7).build();
        String claim = "expect: {compare: {encoder: mini-dino}, greater_than: {encoder: mini-clip}, by_at_least: 0.1}";
        ClaimResult r = eval(claim, noisy);
        assertEquals(Outcome.FAIL, r.outcome());
        assertEquals(Math.sqrt(0.02), r.results().get(0).se(), 1e-12);
        // the same means with seeds 0.01 apart: se 0.005 a side, 0.00707 together; margin 0.1 >= 0.0141
        MetricsTable tight = table()
                .add("mini-dino", "early", "none", 1, "m.x", 0.795).add("mini-dino", "early", "none", 2, "m.x", 0.805)
                .add("mini-clip", "early", "none", 1, "m.x", 0.595).add("mini-clip", "early", "none", 2, "m.x", 0.605)
                .build();
        ClaimResult ok = eval(claim, tight);
        assertEquals(Outcome.PASS, ok.outcome());
        assertTrue(ok.explanation().contains("(margin 0.1 >= 2 x se 0.007071)"), ok.explanation());
    }

    @Test
    void listSideMakesOnePairPerMember() {
        MetricsTable t = table().add("mini-dino", "early", "m.x", 0.8).add("mini-dino", "mid", "m.x", 0.7)
                .add("mini-dino", "late", "m.x", 0.85).build();
        ClaimResult r = eval("expect: {compare: {sae_layers: early}, greater_than: {sae_layers: [mid, late]}}", t);
        assertEquals(Outcome.FAIL, r.outcome());
        assertEquals(List.of("early vs late, mini-dino/mini-lm/none", "early vs mid, mini-dino/mini-lm/none"),
                r.results().stream().map(SubResult::label).toList());
        assertEquals(List.of(false, true), r.results().stream().map(SubResult::holds).toList());
    }

    @Test
    void relationalPairsSeedMeansPerSharedCoordinates() {
        MetricsTable t = table()
                .add("mini-dino", "early", "none", 1, "m.x", 0.79).add("mini-dino", "early", "none", 2, "m.x", 0.81)
                .add("mini-clip", "early", "none", 1, "m.x", 0.6).add("mini-clip", "early", "none", 2, "m.x", 0.6)
                .add("mini-dino", "all", "none", 1, "m.x", 0.1).add("mini-dino", "all", "none", 2, "m.x", 0.1)
                .add("mini-clip", "all", "none", 1, "m.x", 0.0).add("mini-clip", "all", "none", 2, "m.x", 0.0).build();
        ClaimResult r = eval("expect: {compare: {encoder: mini-dino}, greater_than: {encoder: mini-clip}, by_at_least: 0.1}", t);
        assertEquals(Outcome.PASS, r.outcome());
        assertEquals(List.of("mini-dino vs mini-clip, mini-lm/all/none", "mini-dino vs mini-clip, mini-lm/early/none"),
                r.results().stream().map(SubResult::label).toList());
        assertEquals(0.2, r.results().get(1).value(), 1e-12);
        assertEquals(2, r.results().get(1).left().n());
    }

    @Test
    void globSideThatAlsoSelectsTheLeftComparesWithEveryOtherGroup() {
        MetricsTable t = table().add("mini-dino", "early", "m.x", 0.9).add("mini-clip", "early", "m.x", 0.5)
                .add("mini-ijepa", "early", "m.x", 0.6).build();
        ClaimResult r = eval("expect: {compare: {encoder: mini-dino}, greater_than: {encoder: \"mini-*\"}}", t);
        assertEquals(Outcome.PASS, r.outcome(), r.explanation());
        assertEquals(List.of("mini-dino vs mini-clip, mini-lm/early/none", "mini-dino vs mini-ijepa, mini-lm/early/none"),
                r.results().stream().map(SubResult::label).toList());
        assertTrue(r.missing().isEmpty(), r.missing().toString());
    }

    @Test
    void globsMatchWholeNamesWithStarAndQuestionMark() {
        MetricsTable t = table().add("mini-dino", "none", "m.x", 0.9).add("mini-clip", "none", "m.x", 0.1)
                .add("dinov2-large", "none", "m.x", 0.9).build();
        assertEquals(2, eval("for: {encoder: \"*dino*\"}\nexpect: {at_least: 0.5}", t).results().size());
        assertEquals(Outcome.PASS, eval("for: {encoder: \"*dino*\"}\nexpect: {at_least: 0.5}", t).outcome());
        assertEquals(1, eval("for: {encoder: \"mini-d???\"}\nexpect: {at_least: 0.5}", t).results().size());
        assertEquals(Outcome.NOT_EVALUATED, eval("for: {encoder: dino}\nexpect: {at_least: 0.5}", t).outcome());
        assertEquals(Outcome.NOT_EVALUATED, eval("for: {encoder: \"mini.dino\"}\nexpect: {at_least: 0.5}", t).outcome());
    }

    // ---- missing -----------------------------------------------------------------------------------------------

    @Test
    void noMatchingCellIsNotEvaluatedAndExitsOneUnlessAllowed() {
        Golden g = claim(tmp, "for: {encoder: mini-ijepa}\nexpect: {at_least: 0.1}");
        GoldenReport report = GoldenEvaluator.evaluate(g, one(0.5), false);
        ClaimResult r = report.claims().get(0);
        assertEquals(Outcome.NOT_EVALUATED, r.outcome());
        assertEquals("c: NOT_EVALUATED no cell in the table matches {encoder: mini-ijepa, control: none}",
                r.explanation());
        assertEquals(1, report.exitCode(false));
        assertEquals(0, report.exitCode(true));
        assertEquals(1, report.exitCode());
        assertEquals(0, GoldenEvaluator.evaluate(g, one(0.5), true).exitCode());
    }

    @Test
    void metricAbsentFromSomeCellsIsNotEvaluatedNamingThem() {
        MetricsTable t = table().add("mini-dino", "none", "none", 1, "m.x", 0.9)
                .add("mini-dino", "none", "none", 2, "m.other", 0.9).build();
        ClaimResult r = eval("expect: {at_least: 0.8}", t);
        assertEquals(Outcome.NOT_EVALUATED, r.outcome());
        assertEquals(List.of("metric m.x missing for 1 cell: mini-dino__mini-lm__none__none__s2"), r.missing());
        assertEquals(1, r.results().size()); // the seed that has it is still shown
    }

    @Test
    void metricAbsentFromTheWholeTableSaysSo() {
        ClaimResult r = eval("expect: {at_least: 0.8}", table().add("mini-dino", "none", "m.other", 1).build());
        assertEquals(Outcome.NOT_EVALUATED, r.outcome());
        assertTrue(r.explanation().contains("metric m.x is not in the table (1 cells selected by {control: none})"),
                r.explanation());
    }

    @Test
    void groupWithoutAPartnerIsNotEvaluated() {
        MetricsTable t = table().add("mini-dino", "early", "m.x", 0.9).add("mini-dino", "none", "m.x", 0.1)
                .add("mini-clip", "early", "m.x", 0.9).build();
        ClaimResult r = eval(RATIO, t);
        assertEquals(Outcome.NOT_EVALUATED, r.outcome());
        assertEquals(List.of("no to partner {sae_layers: none} for mini-clip/mini-lm/early/none"), r.missing());
        assertEquals(1, r.results().size());
        MetricsTable reverse = table().add("mini-dino", "none", "m.x", 0.1).add("mini-dino", "early", "m.x", 0.9)
                .add("mini-clip", "none", "m.x", 0.1).build();
        assertEquals(List.of("no ratio_of partner {sae_layers: early} for mini-clip/mini-lm/none/none"),
                eval(RATIO, reverse).missing());
    }

    @Test
    void aFailureCountsEvenWhenOtherPairsAreMissing() {
        MetricsTable t = table().add("mini-dino", "early", "m.x", 0.1).add("mini-dino", "none", "m.x", 0.1)
                .add("mini-clip", "early", "m.x", 0.9).build();
        ClaimResult r = eval(RATIO, t);
        assertEquals(Outcome.FAIL, r.outcome());
        assertTrue(r.explanation().contains("also missing: no to partner"), r.explanation());
    }

    // ---- known failures ----------------------------------------------------------------------------------------

    @Test
    void knownFailureThatFailsIsKnownFailAndExitsZero() {
        Golden g = claim(tmp, "expect: {at_least: 0.8}\nknown_failure: \"prototype: match rate did not rise\"");
        GoldenReport report = GoldenEvaluator.evaluate(g, one(0.5), false);
        ClaimResult r = report.claims().get(0);
        assertEquals(Outcome.KNOWN_FAIL, r.outcome());
        assertEquals("prototype: match rate did not rise", r.knownFailure());
        assertTrue(r.explanation().contains("mean 0.5"), "keeps its numbers: " + r.explanation());
        assertEquals(0, report.exitCode(false));
    }

    @Test
    void knownFailureThatPassesIsUnexpectedPassAndExitsOne() {
        Golden g = claim(tmp, "expect: {at_least: 0.8}\nknown_failure: \"prototype\"");
        GoldenReport report = GoldenEvaluator.evaluate(g, one(0.9), true);
        assertEquals(Outcome.UNEXPECTED_PASS, report.claims().get(0).outcome());
        assertTrue(report.claims().get(0).explanation().contains("remove the mark"));
        assertEquals(1, report.exitCode(true));
    }

    @Test
    void knownFailureWithMissingCellsStaysNotEvaluated() {
        Golden g = claim(tmp, "for: {encoder: nope}\nexpect: {at_least: 0.8}\nknown_failure: \"x\"");
        assertEquals(Outcome.NOT_EVALUATED, GoldenEvaluator.evaluate(g, one(0.1), false).claims().get(0).outcome());
    }

    // ---- baseline ----------------------------------------------------------------------------------------------

    @Test
    void baselineIsSubtractedPerCellBeforeTheSeedMean() {
        MetricsTable t = table()
                .add("mini-dino", "none", "none", 1, "m.x", 0.9).add("mini-dino", "none", "none", 1, "m.base", 0.2)
                .add("mini-dino", "none", "none", 2, "m.x", 0.8).add("mini-dino", "none", "none", 2, "m.base", 0.3).build();
        ClaimResult r = eval("baseline: m.base\nexpect: {at_least: 0.6}", t);
        assertEquals(Outcome.PASS, r.outcome());
        assertEquals("m.x - m.base", r.quantity());
        GroupStats g = r.results().get(0).left();
        assertEquals(0.7, g.values().get(0), 1e-12);
        assertEquals(0.5, g.values().get(1), 1e-12);
        assertEquals(0.6, g.mean(), 1e-12);
        assertEquals(Outcome.FAIL, eval("baseline: m.base\nexpect: {at_least: 0.61}", t).outcome());
    }

    @Test
    void baselineWorksInsideARatio() {
        MetricsTable t = table().add("mini-dino", "early", "m.x", 0.5).add("mini-dino", "early", "m.base", 0.1)
                .add("mini-dino", "none", "m.x", 0.3).add("mini-dino", "none", "m.base", 0.1).build();
        ClaimResult r = eval("baseline: m.base\nexpect: {ratio_of: {sae_layers: early}, to: {sae_layers: none}, at_least: 2.0}", t);
        assertEquals(2.0, r.results().get(0).value(), 1e-9);
        assertEquals(Outcome.PASS, r.outcome());
    }

    @Test
    void cellLackingTheBaselineIsMissing() {
        MetricsTable t = table().add("mini-dino", "none", "none", 1, "m.x", 0.9).add("mini-dino", "none", "none", 1, "m.base", 0.1)
                .add("mini-clip", "none", "none", 1, "m.x", 0.9).build();
        ClaimResult r = eval("baseline: m.base\nexpect: {at_least: 0.5}", t);
        assertEquals(Outcome.NOT_EVALUATED, r.outcome());
        assertEquals(List.of("metric m.base missing for 1 cell: mini-clip__mini-lm__none__none__s1"), r.missing());
    }

    // ---- NaN ---------------------------------------------------------------------------------------------------

    @Test
    void nanNeverPassesAnAbsoluteClaimAndNamesTheCell() {
        MetricsTable t = table().add("mini-dino", "none", "none", 1, "m.x", 0.1)
                .add("mini-dino", "none", "none", 2, "m.x", Double.NaN).build();
        for (String e : List.of("expect: {at_most: 1.0}", "expect: {at_least: 0.0}", "expect: {value: 0, tolerance: 9}")) {
            ClaimResult r = eval(e, t);
            assertEquals(Outcome.FAIL, r.outcome(), e);
            assertTrue(r.explanation().contains("measured NaN in cell mini-dino__mini-lm__none__none__s2"),
                    r.explanation());
        }
    }

    @Test
    void nanOnEitherSideFailsRatiosAndComparisons() {
        MetricsTable t = table().add("mini-dino", "early", "m.x", 1.0).add("mini-dino", "none", "m.x", Double.NaN)
                .add("mini-clip", "early", "m.x", Double.NaN).add("mini-clip", "none", "m.x", 0.1).build();
        ClaimResult ratio = eval("expect: {ratio_of: {sae_layers: early}, to: {sae_layers: none}, at_most: 100}", t);
        assertEquals(Outcome.FAIL, ratio.outcome());
        assertTrue(ratio.results().stream().noneMatch(SubResult::holds));
        ClaimResult less = eval("expect: {compare: {sae_layers: early}, less_than: {sae_layers: none}}", t);
        assertEquals(Outcome.FAIL, less.outcome());
        ClaimResult greater = eval("expect: {compare: {sae_layers: early}, greater_than: {sae_layers: none}}", t);
        assertEquals(Outcome.FAIL, greater.outcome());
        assertTrue(greater.explanation().contains("difference NaN"), greater.explanation());
    }

    @Test
    void knownFailureDoesNotCoverANan() {
        Golden g = claim(tmp, "expect: {at_least: 0.8}\nknown_failure: \"does not reproduce\"");
        ClaimResult r = GoldenEvaluator.evaluate(g, one(Double.NaN), false).claims().get(0);
        assertEquals(Outcome.FAIL, r.outcome());
        assertTrue(r.explanation().contains("known_failure does not cover"), r.explanation());
    }

    // ---- report ------------------------------------------------------------------------------------------------

    @Test
    void reportKeepsFileOrderAndCountsOutcomes() {
        Golden g = Fixtures.golden(tmp, """
                claims:
                  - {id: z-pass, source: s, metric: m.x, expect: {at_least: 0}}
                  - {id: a-fail, source: s, metric: m.x, expect: {at_least: 9}}
                  - {id: m-missing, source: s, metric: m.y, expect: {at_least: 0}}
                  - {id: b-known, source: s, metric: m.x, expect: {at_least: 9}, known_failure: why}
                """);
        GoldenReport report = GoldenEvaluator.evaluate(g, one(0.5), false);
        assertEquals(List.of("z-pass", "a-fail", "m-missing", "b-known"),
                report.claims().stream().map(ClaimResult::id).toList());
        assertEquals(1, report.counts().get(Outcome.PASS));
        assertEquals(1, report.counts().get(Outcome.FAIL));
        assertEquals(1, report.counts().get(Outcome.NOT_EVALUATED));
        assertEquals(1, report.counts().get(Outcome.KNOWN_FAIL));
        assertEquals(0, report.counts().get(Outcome.UNEXPECTED_PASS));
        assertEquals(1, report.exitCode(true));
        assertNull(report.claims().get(0).knownFailure());
    }

    @Test
    void passExplanationShowsTheWeakestPair() {
        MetricsTable t = table().add("mini-dino", "early", "m.x", 0.9).add("mini-dino", "none", "m.x", 0.3)
                .add("mini-clip", "early", "m.x", 0.5).add("mini-clip", "none", "m.x", 0.2).build();
        ClaimResult r = eval(RATIO, t);
        assertEquals(Outcome.PASS, r.outcome());
        assertEquals("c: PASS ratio 2.5 (early/none, mini-clip/mini-lm/none) >= 2.33 (one seed: spread unknown)"
                + " [weakest of 2 pairs]",
                r.explanation());
    }
}
