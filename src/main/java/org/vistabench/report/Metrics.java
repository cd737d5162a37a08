package org.vistabench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.vistabench.results.MetricsTable;
import org.vistabench.spec.Cell;

/** The done cells' metrics, indexed by cell, with the seed statistics the tables are made of. */
final class Metrics {
    /** Layer suffixes {@code l0 < l1 < … < l10}, then {@code mean}, then anything else alphabetically. */
    static final Comparator<String> LAYERS = Comparator.comparingLong(Metrics::layerRank)
            .thenComparing(Comparator.naturalOrder());

    private final Map<String, Map<String, Double>> byCell = new HashMap<>();
    private final Map<String, Cell> byId = new HashMap<>();
    private final TreeSet<String> names = new TreeSet<>();

    Metrics(MetricsTable table) {
        for (MetricsTable.Row r : table.rows()) {
            byCell.computeIfAbsent(r.cell().id(), k -> new HashMap<>()).put(r.metric(), r.value());
            byId.put(r.cell().id(), r.cell());
            names.add(r.metric());
        }
    }

    /** NaN when the cell has no such metric (or did not finish). */
    double value(Cell c, String metric) {
        Double v = byCell.getOrDefault(c.id(), Map.of()).get(metric);
        return v == null ? Double.NaN : v;
    }

    /** Every metric name of the run, sorted. */
    List<String> names() {
        return List.copyOf(names);
    }

    boolean any(String prefix) {
        String next = names.ceiling(prefix);
        return next != null && next.startsWith(prefix);
    }

    /**
     * The next name part of every metric under {@code stem} ({@code match_rate.rate} → {@code l0, l1, mean};
     * {@code steering} → {@code removal, removal_success, …}), in {@link #LAYERS} order.
     */
    List<String> children(String stem) {
        TreeSet<String> out = new TreeSet<>(LAYERS);
        for (String n : names.tailSet(stem + ".")) {
            if (!n.startsWith(stem + ".")) {
                break;
            }
            String s = n.substring(stem.length() + 1);
            out.add(s.contains(".") ? s.substring(0, s.indexOf('.')) : s);
        }
        return new ArrayList<>(out);
    }

    /** {@code l<L>} or {@code mean}: a key of the per-layer tables. */
    static boolean layerKey(String suffix) {
        return layerRank(suffix) < Long.MAX_VALUE;
    }

    /** A metric over the group's done cells. */
    SeedStats stats(CellGroup g, String metric) {
        return SeedStats.of(g.done().stream().map(c -> value(c, metric)).toList());
    }

    /**
     * Per seed, a metric of each done cell beside a metric of its partner (the same seed), as {@code [cell, partner]},
     * for the seeds where both are finite; a cell without a done partner gives no pair.
     */
    List<double[]> pairs(CellGroup g, String metric, Function<Cell, Optional<Cell>> partner, String partnerMetric) {
        List<double[]> out = new ArrayList<>();
        for (Cell c : g.done()) {
            Optional<Cell> p = partner.apply(c);
            double a = value(c, metric);
            double b = p.map(x -> value(x, partnerMetric)).orElse(Double.NaN);
            if (Double.isFinite(a) && Double.isFinite(b)) {
                out.add(new double[] {a, b});
            }
        }
        return out;
    }

    /** The seed statistics of cell − partner over {@link #pairs}. */
    static SeedStats difference(List<double[]> pairs) {
        return SeedStats.of(pairs.stream().map(p -> p[0] - p[1]).toList());
    }

    /** The ratio of the two sides' means over {@link #pairs}; NaN without pairs or when the partner's mean is ≤ 0. */
    static double ratio(List<double[]> pairs) {
        double a = 0;
        double b = 0;
        for (double[] p : pairs) {
            a += p[0];
            b += p[1];
        }
        return pairs.isEmpty() || b <= 0 ? Double.NaN : a / b;
    }

    /** The done cell at these coordinates, if any. */
    Optional<Cell> done(String encoder, String llm, String saeLayers, String control, long seed) {
        return Optional.ofNullable(byId.get(Cell.idOf(encoder, llm, saeLayers, control, seed)));
    }

    private static long layerRank(String suffix) {
        if (suffix.matches("l\\d{1,9}")) {
            return Long.parseLong(suffix.substring(1));
        }
        return "mean".equals(suffix) ? Long.MAX_VALUE - 1 : Long.MAX_VALUE;
    }
}
