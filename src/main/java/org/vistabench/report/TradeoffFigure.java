package org.vistabench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.vistabench.spec.Cell;

/**
 * The performance–interpretability trade-off (the paper's Figs 22-23) as scatters, one point per cell group: x = the
 * match rate's excess over its shuffled baseline (mean over layers), y = a benchmark score; one colour per SAE layer
 * set and control, each point labelled with its encoder; vertical error bars: the score's seed sd.
 */
final class TradeoffFigure {
    /** A benchmark score on the y axis. */
    record Score(String id, String metric, String axis) {
    }

    static final String X_METRIC = "match_rate.excess.mean";
    static final List<Score> SCORES = List.of(
            new Score("tradeoff_qa", "qa.accuracy", "held-out question accuracy (mean over question types)"),
            new Score("tradeoff_caption", "caption.recall", "caption object recall (named ∩ present / present)"));

    private TradeoffFigure() {
    }

    static List<Figure> plan(ReportData d) {
        return SCORES.stream().map(s -> figure(d, s)).toList();
    }

    private record Point(CellGroup group, SeedStats x, SeedStats y) {
    }

    static Figure figure(ReportData d, Score score) {
        String file = score.id() + ".png";
        String title = "Trade-off: " + score.metric() + " vs match-rate excess";
        String caption = "One point per cell group: x = " + X_METRIC + " (match rate over its shuffled baseline, mean "
                + "over layers), y = " + score.metric() + "; colour = SAE layer set and control, label = encoder. "
                + "Vertical bars: the score's seed sd, none with one seed (the x spread is in tables/tradeoff.csv).";
        Map<String, List<Point>> series = new LinkedHashMap<>();
        for (CellGroup g : d.groups()) {
            SeedStats x = d.metrics().stats(g, X_METRIC);
            SeedStats y = d.metrics().stats(g, score.metric());
            if (x.n() > 0 && y.n() > 0) {
                String name = g.saeLayers() + (Cell.NO_CONTROL.equals(g.control()) ? "" : " · " + g.control());
                series.computeIfAbsent(name, k -> new ArrayList<>()).add(new Point(g, x, y));
            }
        }
        if (series.isEmpty()) {
            return Figure.skipped(file, title, caption, "no cell group has both " + X_METRIC + " and "
                    + score.metric() + " (finite)");
        }
        List<String> order = orderedNames(d, series);
        return Figure.drawn(file, title, caption, () -> {
            XYChart chart = Charts.xy(title, "match-rate excess over shuffled (share of top latents)",
                    score.axis());
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            chart.getStyler().setMarkerSize(12);
            chart.getStyler().setDecimalPattern("0.00");
            double[] xr = range(series, Point::x);
            double[] yr = range(series, Point::y);
            // room around the points for their labels and the error bars
            chart.getStyler().setXAxisMin(xr[0] - pad(xr));
            chart.getStyler().setXAxisMax(xr[1] + pad(xr));
            chart.getStyler().setYAxisMin(yr[0] - yr[2] - pad(yr));
            chart.getStyler().setYAxisMax(yr[1] + yr[2] + 2 * pad(yr));
            double lift = pad(yr) * 0.6;
            for (int i = 0; i < order.size(); i++) {
                List<Point> ps = series.get(order.get(i));
                double[] x = ps.stream().mapToDouble(p -> p.x().mean()).toArray();
                double[] y = ps.stream().mapToDouble(p -> p.y().mean()).toArray();
                double[] e = ps.stream().mapToDouble(p -> Double.isFinite(p.y().sd()) ? p.y().sd() : 0).toArray();
                XYSeries s = Charts.series(chart, order.get(i), x, y, e);
                s.setMarkerColor(Charts.colour(i));
                s.setMarker(SeriesMarkers.CIRCLE);
                for (Point p : ps) {
                    chart.addAnnotation(new AnnotationText(p.group().encoder(), p.x().mean(),
                            p.y().mean() + lift, false));
                }
            }
            return Charts.image(chart);
        });
    }

    /** {min, max, largest sd} of the points' means on one axis. */
    private static double[] range(Map<String, List<Point>> series, java.util.function.Function<Point, SeedStats> axis) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double sd = 0;
        for (List<Point> ps : series.values()) {
            for (Point p : ps) {
                SeedStats s = axis.apply(p);
                lo = Math.min(lo, s.mean());
                hi = Math.max(hi, s.mean());
                sd = Double.isFinite(s.sd()) ? Math.max(sd, s.sd()) : sd;
            }
        }
        return new double[] {lo, hi, sd};
    }

    private static double pad(double[] r) {
        return Math.max(0.1 * (r[1] - r[0]), 0.02);
    }

    /** The series names in the spec's order of layer sets, then controls. */
    private static List<String> orderedNames(ReportData d, Map<String, List<Point>> series) {
        List<String> names = new ArrayList<>(series.keySet());
        names.sort(java.util.Comparator.comparing((String n) -> series.get(n).get(0).group().saeLayers(),
                SpecOrder.by(d.order().layerSets())).thenComparing(n -> series.get(n).get(0).group().control(),
                SpecOrder.by(d.order().controls())));
        return names;
    }
}
