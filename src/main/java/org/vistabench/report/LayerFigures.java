package org.vistabench.report;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.vistabench.spec.Cell;

/**
 * Per-layer curves, one figure per (encoder, LLM): x = the LLM layer whose text SAE is read, one colour per cell
 * group (SAE layer set and control), the seed mean with the seed sd as error bars. The match rate at image tokens with
 * its shuffled-image baseline dashed; the reconstruction MSE and the L0 fraction at image positions, text positions
 * dashed (the paper's Figs 11-18).
 */
final class LayerFigures {
    /** A quantity drawn per group: solid or dashed, its legend suffix. */
    record Line(String metric, String suffix, boolean dashed) {
    }

    /** One kind of per-layer figure. */
    record Kind(String id, String title, String yAxis, String caption, List<Line> lines, boolean logWhenSpread) {
    }

    static final Kind MATCH_RATE = new Kind("match_rate_layers", "Match rate by layer",
            "match rate at image tokens (share of top latents)",
            "Share of the top labelled latents at image tokens whose label names a concept of the image, per LLM "
                    + "layer, one line per SAE layer set (and control); dashed: the same latents judged against "
                    + "another image (the shuffled baseline). Error bars: seed sd (none with one seed).",
            List.of(new Line("match_rate.rate", "", false), new Line("match_rate.shuffled", "shuffled", true)),
            false);
    static final Kind RECON_MSE = new Kind("recon_mse_layers", "SAE reconstruction MSE by layer",
            "reconstruction MSE (mean over tokens × d_model)",
            "The text SAE's reconstruction MSE at image positions (solid) and at the text positions of the same "
                    + "sequences (dashed), per LLM layer and SAE layer set. Error bars: seed sd (none with one seed). "
                    + "Log axis when the values span more than 30×.",
            List.of(new Line("recon.image_mse", "image", false), new Line("recon.text_mse", "text", true)), true);
    static final Kind RECON_L0 = new Kind("recon_l0_layers", "SAE L0 fraction by layer",
            "L0 / SAE width (fraction of latents active)",
            "Active latents per token as a fraction of the SAE width, image positions (solid) vs text positions "
                    + "(dashed), per LLM layer and SAE layer set. Error bars: seed sd (none with one seed).",
            List.of(new Line("recon.image_l0_frac", "image", false), new Line("recon.text_l0_frac", "text", true)),
            false);
    static final List<Kind> KINDS = List.of(MATCH_RATE, RECON_MSE, RECON_L0);
    static final double LOG_SPREAD = 30;

    private LayerFigures() {
    }

    static List<Figure> plan(ReportData d) {
        List<Figure> out = new ArrayList<>();
        for (Kind k : KINDS) {
            for (ReportData.ModelPair p : d.modelPairs()) {
                out.add(figure(d, k, p));
            }
        }
        return out;
    }

    /** A series: its legend name, colour index, style and points. */
    private record Curve(String name, int colour, boolean dashed, double[] x, double[] y, double[] sd) {
    }

    static Figure figure(ReportData d, Kind k, ReportData.ModelPair p) {
        String file = k.id() + "_" + Figures.safe(p.encoder()) + "_" + Figures.safe(p.llm()) + ".png";
        String title = k.title() + ": " + p.encoder() + " → " + p.llm();
        List<Curve> curves = new ArrayList<>();
        int colour = 0;
        for (CellGroup g : d.groups()) {
            if (!p.has(g)) {
                continue;
            }
            for (Line l : k.lines()) {
                Curve c = curve(d, g, l, colour);
                if (c.x().length > 0) {
                    curves.add(c);
                }
            }
            colour++;
        }
        if (curves.isEmpty()) {
            return Figure.skipped(file, title, k.caption(), "no finished cell of " + p.encoder() + " → " + p.llm()
                    + " has " + k.lines().get(0).metric() + ".l<L>");
        }
        return Figure.drawn(file, title, k.caption(), () -> Charts.image(chart(title, k, curves)));
    }

    private static Curve curve(ReportData d, CellGroup g, Line l, int colour) {
        List<double[]> pts = new ArrayList<>();
        for (String layer : d.metrics().children(l.metric())) {
            if (!layer.equals("mean") && Metrics.layerKey(layer)) {
                SeedStats s = d.metrics().stats(g, l.metric() + "." + layer);
                if (s.n() > 0) {
                    pts.add(new double[] {Double.parseDouble(layer.substring(1)), s.mean(),
                        Double.isFinite(s.sd()) ? s.sd() : 0});
                }
            }
        }
        String name = g.saeLayers() + (Cell.NO_CONTROL.equals(g.control()) ? "" : " · " + g.control())
                + (l.suffix().isEmpty() ? "" : " " + l.suffix()) + (g.gaps().isEmpty() ? "" : " (gaps)");
        return new Curve(name, colour, l.dashed(), pts.stream().mapToDouble(a -> a[0]).toArray(),
                pts.stream().mapToDouble(a -> a[1]).toArray(), pts.stream().mapToDouble(a -> a[2]).toArray());
    }

    private static XYChart chart(String title, Kind k, List<Curve> curves) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double xMax = 0;
        for (Curve c : curves) {
            for (int i = 0; i < c.y().length; i++) {
                lo = Math.min(lo, c.y()[i]);
                hi = Math.max(hi, c.y()[i]);
                xMax = Math.max(xMax, c.x()[i]);
            }
        }
        boolean log = k.logWhenSpread() && lo > 0 && hi / lo > LOG_SPREAD;
        XYChart chart = Charts.xy(title, "LLM layer (text SAE read at its residual)",
                k.yAxis() + (log ? ", log scale" : ""));
        chart.getStyler().setYAxisLogarithmic(log);
        if (log) {
            // whole decades at both ends, so that the axis has labelled ticks above and below the data
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lo))));
            chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(hi))));
        }
        chart.getStyler().setXAxisMin(-0.25);
        chart.getStyler().setXAxisMax(xMax + 0.25);
        // whole layers only: XChart widens the tick spacing until the labels are distinct
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern(hi - lo < 0.05 ? "0.000" : hi < 10 ? "0.00" : "0.#");
        for (Curve c : curves) {
            double[] err = c.sd().clone();
            if (log) {
                // a bar reaching 0 has no place on a log axis: keep it inside the positive range
                for (int i = 0; i < err.length; i++) {
                    err[i] = Math.min(err[i], 0.95 * c.y()[i]);
                }
            }
            XYSeries s = Charts.series(chart, c.name(), c.x(), c.y(), err);
            s.setLineColor(Charts.colour(c.colour()));
            s.setMarkerColor(Charts.colour(c.colour()));
            s.setLineStyle(c.dashed() ? Charts.DASHED : Charts.SOLID);
            s.setMarker(c.dashed() ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        return chart;
    }
}
