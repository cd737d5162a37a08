package org.vistabench.golden;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.vistabench.results.MetricsTable;
import org.vistabench.spec.Cell;

/**
 * Evaluates a golden file against a metrics table.
 *
 * <p>Cells are first grouped by every coordinate except the seed and the claim's quantity (metric, minus the baseline
 * metric cell by cell) is averaged over the seeds of each group. An absolute claim checks every selected group. A
 * relative or relational claim pairs each group of one side with each group of the other side that agrees on every
 * coordinate the sides do not name (same encoder, LLM, control, ... ), and checks each pair.
 *
 * <p>FAIL dominates: one failing group or pair fails the claim even when others are missing. Otherwise anything
 * missing (a cell, a metric, a partner, a seed present on one side only) makes it NOT_EVALUATED, naming what.
 */
public final class GoldenEvaluator {
    private static final int LIST_AT_MOST = 4;

    private final Map<String, Cell> cells = new LinkedHashMap<>();
    private final Map<String, Map<String, Double>> values = new HashMap<>();
    private final Set<String> metricsPresent = new java.util.HashSet<>();

    private GoldenEvaluator(MetricsTable table) {
        for (MetricsTable.Row r : table.rows()) {
            cells.putIfAbsent(r.cell().id(), r.cell());
            values.computeIfAbsent(r.cell().id(), k -> new HashMap<>()).put(r.metric(), r.value());
            metricsPresent.add(r.metric());
        }
    }

    public static GoldenReport evaluate(Golden golden, MetricsTable table, boolean allowMissing) {
        GoldenEvaluator e = new GoldenEvaluator(table);
        List<ClaimResult> out = new ArrayList<>();
        for (Claim c : golden.claims()) {
            out.add(e.evaluate(c));
        }
        return new GoldenReport(golden, out, allowMissing);
    }

    private record GroupKey(String encoder, String llm, String saeLayers, String control) {
        static final Comparator<GroupKey> ORDER = Comparator.comparing(GroupKey::encoder).thenComparing(GroupKey::llm)
                .thenComparing(GroupKey::saeLayers).thenComparing(GroupKey::control);

        static GroupKey of(Cell c) {
            return new GroupKey(c.encoder(), c.llm(), c.saeLayers(), c.control());
        }

        String get(Coordinate c) {
            return switch (c) {
                case ENCODER -> encoder;
                case LLM -> llm;
                case SAE_LAYERS -> saeLayers;
                case CONTROL -> control;
            };
        }

        String label() {
            return encoder + "/" + llm + "/" + saeLayers + "/" + control;
        }

        String join(Set<Coordinate> coords) {
            List<String> parts = new ArrayList<>();
            for (Coordinate c : Coordinate.values()) {
                if (coords.contains(c)) {
                    parts.add(get(c));
                }
            }
            return String.join("/", parts);
        }
    }

    private ClaimResult evaluate(Claim claim) {
        List<String> missing = new ArrayList<>();
        List<SubResult> results = new ArrayList<>();
        Expectation ex = claim.expect();
        if (ex instanceof Expectation.Absolute a) {
            Map<GroupKey, GroupStats> groups = collect(claim, claim.select(), "", missing);
            groups.forEach((k, g) -> results.add(absolute(k, g, a.bound())));
        } else if (ex instanceof Expectation.Ratio r) {
            pairs(claim, r.of(), r.to(), "ratio_of", "to", missing, results,
                    (l, rt, label) -> ratio(l, rt, label, r.bound()));
        } else if (ex instanceof Expectation.Compare c) {
            pairs(claim, c.left(), c.right(), "compare", c.greater() ? "greater_than" : "less_than", missing, results,
                    (l, rt, label) -> difference(l, rt, label, c));
        }
        return decide(claim, results, missing);
    }

    @FunctionalInterface
    private interface PairCheck {
        SubResult check(GroupStats left, GroupStats right, String label);
    }

    private void pairs(Claim claim, Selector of, Selector to, String ofKey, String toKey, List<String> missing,
                       List<SubResult> results, PairCheck check) {
        Map<GroupKey, GroupStats> left = collect(claim, claim.select().with(of), ofKey + " side ", missing);
        Map<GroupKey, GroupStats> right = collect(claim, claim.select().with(to), toKey + " side ", missing);
        Set<Coordinate> varied = EnumSet.noneOf(Coordinate.class);
        varied.addAll(of.keys());
        Set<Coordinate> shared = EnumSet.complementOf(EnumSet.copyOf(varied));
        Set<GroupKey> rightPaired = new java.util.HashSet<>();
        for (Map.Entry<GroupKey, GroupStats> l : left.entrySet()) {
            boolean paired = false;
            for (Map.Entry<GroupKey, GroupStats> r : right.entrySet()) {
                if (r.getKey().equals(l.getKey()) || !r.getKey().join(shared).equals(l.getKey().join(shared))) {
                    continue;
                }
                paired = true;
                rightPaired.add(r.getKey());
                String sep = claim.expect() instanceof Expectation.Ratio ? "/" : " vs ";
                String label = l.getKey().join(varied) + sep + r.getKey().join(varied)
                        + (shared.isEmpty() ? "" : ", " + l.getKey().join(shared));
                results.add(check.check(l.getValue(), r.getValue(), label));
            }
            if (!paired) {
                missing.add("no " + toKey + " partner " + to.describe() + " for " + l.getKey().label());
            }
        }
        for (GroupKey r : right.keySet()) {
            // A glob on the right may also select the left's own groups; those are not missing partners.
            if (!rightPaired.contains(r) && !left.containsKey(r)) {
                missing.add("no " + ofKey + " partner " + of.describe() + " for " + r.label());
            }
        }
    }

    /** Groups the cells {@code sel} selects, with the claim's quantity per seed; records what is missing. */
    private Map<GroupKey, GroupStats> collect(Claim claim, Selector sel, String side, List<String> missing) {
        List<Cell> selected = cells.values().stream().filter(sel::matches).toList();
        if (selected.isEmpty()) {
            missing.add("no cell in the table matches " + side + sel.describe());
            return Map.of();
        }
        List<String> needed = claim.baseline() == null ? List.of(claim.metric())
                : List.of(claim.metric(), claim.baseline());
        for (String m : needed) {
            if (!metricsPresent.contains(m)) {
                missing.add("metric " + m + " is not in the table (" + selected.size() + " cells selected by "
                        + side + sel.describe() + ")");
                return Map.of();
            }
        }
        Map<String, List<String>> lacking = new TreeMap<>();
        Map<GroupKey, List<Cell>> byGroup = new TreeMap<>(GroupKey.ORDER);
        for (Cell c : selected) {
            Map<String, Double> v = values.get(c.id());
            boolean ok = true;
            for (String m : needed) {
                if (!v.containsKey(m)) {
                    lacking.computeIfAbsent(m, k -> new ArrayList<>()).add(c.id());
                    ok = false;
                }
            }
            if (ok) {
                byGroup.computeIfAbsent(GroupKey.of(c), k -> new ArrayList<>()).add(c);
            }
        }
        lacking.forEach((m, ids) -> missing.add("metric " + m + " missing for " + ids.size() + " cell"
                + (ids.size() == 1 ? "" : "s") + ": " + list(ids)));
        Map<GroupKey, GroupStats> out = new TreeMap<>(GroupKey.ORDER);
        byGroup.forEach((k, cs) -> {
            List<Cell> sorted = new ArrayList<>(cs);
            sorted.sort(Comparator.comparingLong(Cell::seed).thenComparing(Cell::id));
            List<Long> seeds = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<Double> xs = new ArrayList<>();
            for (Cell c : sorted) {
                Map<String, Double> v = values.get(c.id());
                double x = v.get(claim.metric());
                if (claim.baseline() != null) {
                    x -= v.get(claim.baseline());
                }
                seeds.add(c.seed());
                ids.add(c.id());
                xs.add(x);
            }
            out.put(k, new GroupStats(k.label(), seeds, ids, xs, Numbers.mean(xs), Numbers.std(xs), xs.size()));
        });
        return out;
    }

    private static SubResult absolute(GroupKey k, GroupStats g, Bound bound) {
        String where = "(" + k.label() + ", n=" + g.n() + ")";
        if (!Double.isFinite(g.mean())) {
            return new SubResult(k.label(), g, null, g.mean(), bound.text(), false,
                    "mean " + Numbers.human(g.mean()) + " " + where + ": " + nonFinite(g) + "; required " + bound.text());
        }
        boolean holds = bound.holds(g.mean());
        return new SubResult(k.label(), g, null, g.mean(), bound.text(), holds,
                "mean " + Numbers.human(g.mean(), bound.atLeast(), bound.atMost()) + " " + where + " " + bound.relation(g.mean()));
    }

    private static SubResult ratio(GroupStats l, GroupStats r, String label, Bound bound) {
        double value = l.mean() / r.mean();
        String where = "(" + label + ")";
        if (!Double.isFinite(l.mean()) || !Double.isFinite(r.mean())) {
            GroupStats bad = Double.isFinite(l.mean()) ? r : l;
            return new SubResult(label, l, r, Double.NaN, bound.text(), false,
                    "ratio NaN " + where + ": " + nonFinite(bad) + "; required " + bound.text());
        }
        if (r.mean() <= 0) {
            // A ratio of gains only means something over a positive denominator; a negative one flips its sense.
            return new SubResult(label, l, r, Double.NaN, bound.text(), false, "ratio undefined " + where
                    + ": denominator mean " + Numbers.human(r.mean()) + " <= 0 (" + r.group() + "); required "
                    + bound.text());
        }
        // delta method: se(l/r) = |l/r| * sqrt((se_l/l)^2 + (se_r/r)^2)
        double se = Math.abs(value) * Math.sqrt(sq(Spread.se(l, r, true) / l.mean())
                + sq(Spread.se(r, l, true) / r.mean()));
        String text = "ratio " + Numbers.human(value, bound.atLeast(), bound.atMost()) + " " + where + " "
                + bound.relation(value);
        if (!bound.holds(value)) {
            return new SubResult(label, l, r, value, bound.text(), false, text);
        }
        Spread spread = Spread.of(l, r, se, bound.margin(value));
        return new SubResult(label, l, r, value, bound.text(), spread.clear(), text + spread.detail(), spread.se());
    }

    private static double sq(double x) {
        return x * x;
    }

    private static SubResult difference(GroupStats l, GroupStats r, String label, Expectation.Compare c) {
        double value = l.mean() - r.mean();
        String where = "(" + label + ")";
        if (!Double.isFinite(l.mean()) || !Double.isFinite(r.mean())) {
            GroupStats bad = Double.isFinite(l.mean()) ? r : l;
            return new SubResult(label, l, r, Double.NaN, c.requirement(), false,
                    "difference NaN " + where + ": " + nonFinite(bad) + "; required " + c.requirement());
        }
        boolean holds = c.holds(value);
        String text = "difference " + Numbers.human(value, c.byAtLeast(), -c.byAtLeast()) + " " + where + " "
                + (holds ? c.requirement() : "but required " + c.requirement());
        if (!holds) {
            return new SubResult(label, l, r, value, c.requirement(), false, text);
        }
        double se = Math.sqrt(sq(Spread.se(l, r, false)) + sq(Spread.se(r, l, false)));
        Spread spread = Spread.of(l, r, se, c.margin(value));
        return new SubResult(label, l, r, value, c.requirement(), spread.clear(), text + spread.detail(),
                spread.se());
    }

    private static String nonFinite(GroupStats g) {
        for (int i = 0; i < g.values().size(); i++) {
            if (!Double.isFinite(g.values().get(i))) {
                return "measured " + g.values().get(i) + " in cell " + g.cells().get(i) + ", which never satisfies a claim";
            }
        }
        return "measured a non-finite mean in " + g.group();
    }

    private static ClaimResult decide(Claim claim, List<SubResult> results, List<String> missing) {
        List<SubResult> failing = results.stream().filter(s -> !s.holds()).toList();
        Outcome outcome;
        String text;
        String count = results.size() > 1 ? " [" + (failing.isEmpty() ? "weakest" : failing.size() + " failing")
                + " of " + results.size() + " " + unit(claim) + "]" : "";
        if (!failing.isEmpty()) {
            SubResult worst = failing.stream().min(Comparator.comparingDouble(s -> margin(claim, s))).orElseThrow();
            outcome = Outcome.FAIL;
            text = worst.detail() + count + (missing.isEmpty() ? "" : "; also missing: " + missing.get(0)
                    + (missing.size() > 1 ? " (+" + (missing.size() - 1) + " more)" : ""));
        } else if (!missing.isEmpty() || results.isEmpty()) {
            outcome = Outcome.NOT_EVALUATED;
            text = missing.isEmpty() ? "nothing to evaluate" : missing.get(0)
                    + (missing.size() > 1 ? " (+" + (missing.size() - 1) + " more)" : "");
        } else {
            SubResult weakest = results.stream().min(Comparator.comparingDouble(s -> margin(claim, s))).orElseThrow();
            outcome = Outcome.PASS;
            text = weakest.detail() + count;
        }
        // known_failure records numbers that do not reproduce; a NaN is no number but a broken run, so it still fails.
        boolean nonFinite = failing.stream().anyMatch(GoldenEvaluator::hasNonFinite);
        if (claim.knownFailure() != null && nonFinite && outcome == Outcome.FAIL) {
            text = text + " (known_failure does not cover a non-finite measurement)";
        } else if (claim.knownFailure() != null) {
            if (outcome == Outcome.FAIL) {
                outcome = Outcome.KNOWN_FAIL;
                text = text + " (known failure: " + claim.knownFailure() + ")";
            } else if (outcome == Outcome.PASS) {
                outcome = Outcome.UNEXPECTED_PASS;
                text = text + " although marked known_failure (\"" + claim.knownFailure()
                        + "\"): remove the mark if the reproduction is real";
            }
        }
        String explanation = claim.id() + ": " + outcome + " " + text;
        return new ClaimResult(claim.id(), claim.source(), claim.expect().kind(), claim.quantity(), outcome, results,
                missing, explanation, claim.knownFailure());
    }

    private static boolean hasNonFinite(SubResult s) {
        return hasNonFinite(s.left()) || hasNonFinite(s.right());
    }

    private static boolean hasNonFinite(GroupStats g) {
        return g != null && g.values().stream().anyMatch(v -> !Double.isFinite(v));
    }

    private static String unit(Claim claim) {
        return claim.expect() instanceof Expectation.Absolute ? "groups" : "pairs";
    }

    private static double margin(Claim claim, SubResult s) {
        if (!Double.isFinite(s.value())) {
            return Double.NEGATIVE_INFINITY;
        }
        Expectation ex = claim.expect();
        if (ex instanceof Expectation.Absolute a) {
            return a.bound().margin(s.value());
        }
        if (ex instanceof Expectation.Ratio r) {
            return r.bound().margin(s.value());
        }
        return ((Expectation.Compare) ex).margin(s.value());
    }

    private static String list(List<String> items) {
        if (items.size() <= LIST_AT_MOST) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, LIST_AT_MOST)) + " and " + (items.size() - LIST_AT_MOST) + " more";
    }
}
