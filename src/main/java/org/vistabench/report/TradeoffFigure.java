package org.vistabench.report;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.vistabench.spec.Cell;

/**
 * The performance–interpretability trade-off (the paper's Figs 22-23) as scatters, one point per cell group: x = the
 * match rate's excess over its shuffled baseline (mean over layers), y = a benchmark score; colour = SAE layer set and
 * control, marker = encoder, each point its own legend entry; vertical error bars: the score's seed sd.
 */
final class TradeoffFigure {
    /** A benchmark score on the y axis. */
    record Score(String id, String metric, String axis) {
    }

    static final String X_METRIC = "match_rate.excess.mean";
    static final List<Score> SCORES = List.of(
            new Score("tradeoff_qa", "qa.accuracy", "held-out question accuracy (mean over question types)"),
            new Score("tradeoff_caption", "caption.recall", "caption object recall (named ∩ present / present)"));
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.OVAL};

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
                + "over layers), y = " + score.metric() + "; colour = SAE layer set and control, marker = encoder (the legend names the LLM when there are several). "
                + "Vertical bars: the score's seed sd, none with one seed (the x spread is in tables/tradeoff.csv).";
        List<Point> points = new ArrayList<>();
        for (CellGroup g : d.groups()) {
            SeedStats x = d.metrics().stats(g, X_METRIC);
            SeedStats y = d.metrics().stats(g, score.metric());
            if (x.n() > 0 && y.n() > 0) {
                points.add(new Point(g, x, y));
            }
        }
        if (points.isEmpty()) {
            return Figure.skipped(file, title, caption, "no cell group has both " + X_METRIC + " and "
                    + score.metric() + " (finite)");
        }
        List<String> encoders = points.stream().map(p -> p.group().encoder()).distinct().toList();
        // several LLMs share the chart: their points are told apart in the legend (series names must be unique)
        boolean severalLlms = points.stream().map(p -> p.group().llm()).distinct().count() > 1;
        List<String> variants = points.stream().map(p -> variant(p.group())).distinct()
                .sorted(java.util.Comparator.comparingInt(v -> firstIndex(points, v))).toList();
        return Figure.drawn(file, title, caption, () -> {
            XYChart chart = Charts.xy(title, "match-rate excess over shuffled (share of top latents)",
                    score.axis());
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            chart.getStyler().setMarkerSize(13);
            chart.getStyler().setDecimalPattern("0.00");
            pad(chart, points);
            for (Point p : points) {
                double sd = Double.isFinite(p.y().sd()) ? p.y().sd() : 0;
                XYSeries s = Charts.series(chart, p.group().encoder() + (severalLlms ? " · " + p.group().llm() : "")
                        + " · " + variant(p.group()),
                        new double[] {p.x().mean()}, new double[] {p.y().mean()}, new double[] {sd});
                s.setMarkerColor(Charts.colour(variants.indexOf(variant(p.group()))));
                s.setMarker(MARKERS[encoders.indexOf(p.group().encoder()) % MARKERS.length]);
            }
            return Charts.image(chart);
        });
    }

    /** {@code early}, or {@code early · random-sae} under a control. */
    private static String variant(CellGroup g) {
        return g.saeLayers() + (Cell.NO_CONTROL.equals(g.control()) ? "" : " · " + g.control());
    }

    /** The first point of a variant: variants take colours in the spec's order of the groups. */
    private static int firstIndex(List<Point> points, String variant) {
        for (int i = 0; i < points.size(); i++) {
            if (variant(points.get(i).group()).equals(variant)) {
                return i;
            }
        }
        return points.size();
    }

    /** Axis ranges with room around the points and their error bars. */
    private static void pad(XYChart chart, List<Point> points) {
        double[] x = range(points, Point::x);
        double[] y = range(points, Point::y);
        chart.getStyler().setXAxisMin(x[0] - margin(x));
        chart.getStyler().setXAxisMax(x[1] + margin(x));
        chart.getStyler().setYAxisMin(y[0] - y[2] - margin(y));
        chart.getStyler().setYAxisMax(y[1] + y[2] + margin(y));
    }

    /** {min, max, largest sd} of the points' means on one axis. */
    private static double[] range(List<Point> points, java.util.function.Function<Point, SeedStats> axis) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double sd = 0;
        for (Point p : points) {
            SeedStats s = axis.apply(p);
            lo = Math.min(lo, s.mean());
            hi = Math.max(hi, s.mean());
            sd = Double.isFinite(s.sd()) ? Math.max(sd, s.sd()) : sd;
        }
        return new double[] {lo, hi, sd};
    }

    private static double margin(double[] r) {
        return Math.max(0.08 * (r[1] - r[0]), 0.02);
    }
}
