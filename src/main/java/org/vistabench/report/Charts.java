package org.vistabench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * The look shared by the report's charts (XChart, rendered off screen): {@value #WIDTH} × {@value #HEIGHT} px, white,
 * sans-serif text of at least {@value #TEXT} px, a colour-blind-safe palette (Okabe–Ito), the legend below the plot.
 * PNG bytes come from {@link ImageIO} without metadata, so the same chart gives the same bytes.
 */
final class Charts {
    static final int WIDTH = 1000;
    static final int HEIGHT = 560;
    static final int TEXT = 15;
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 19);
    static final Font AXIS_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
    static final Font TEXT_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, TEXT);

    static final BasicStroke SOLID = new BasicStroke(2.5f);
    static final BasicStroke DASHED = new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
            new float[] {10f, 7f}, 0f);

    /** Okabe–Ito, then darker variants; {@link #colour} cycles through them. */
    private static final Color[] PALETTE = {
        new Color(0x000000), new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0x8C6D00), new Color(0x5A2D82), new Color(0x7F7F7F)};

    private Charts() {
    }

    static Color colour(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** An XY chart with the report's look; {@code x} and {@code y} are axis titles with units. */
    static XYChart xy(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        Styler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartFontColor(Color.BLACK);
        s.setChartTitleFont(TITLE_FONT);
        s.setLegendFont(TEXT_FONT);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        s.setLegendBorderColor(Color.WHITE);
        s.setLegendSeriesLineLength(36);
        s.setMarkerSize(9);
        s.setAntiAlias(true);
        s.setToolTipsEnabled(false);
        s.setAnnotationTextFont(TEXT_FONT);
        c.getStyler().setAxisTitleFont(AXIS_FONT);
        c.getStyler().setAxisTickLabelsFont(TEXT_FONT);
        c.getStyler().setPlotGridLinesColor(new Color(0xDDDDDD));
        c.getStyler().setErrorBarsColorSeriesColor(true);
        c.getStyler().setLocale(Locale.ROOT);
        c.getStyler().setPlotMargin(12);
        return c;
    }

    /** A series with error bars, or without when every bar is 0 (one seed: XChart would draw a flat tick). */
    static XYSeries series(XYChart chart, String name, double[] x, double[] y, double[] err) {
        boolean any = java.util.Arrays.stream(err).anyMatch(e -> e > 0);
        return any ? chart.addSeries(name, x, y, err) : chart.addSeries(name, x, y);
    }

    static BufferedImage image(XYChart chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
