package org.vistabench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Drawing for the image panels (heat maps, steering examples) with java.awt, off screen: a white canvas, a title,
 * images scaled to a tile, a patch-grid heat overlay, patch-set outlines and wrapped text, all with fixed fonts of at
 * least {@value Charts#TEXT} px.
 */
final class Panels {
    static final int MARGIN = 20;
    static final int LINE = 21;
    static final int HEADER = 100;
    static final Font TEXT_BOLD = new Font(Font.SANS_SERIF, Font.BOLD, Charts.TEXT);
    /** Outlines: a dark band under a light line, visible on any image. */
    static final Color OUTLINE_UNDER = new Color(0, 0, 0, 200);

    private Panels() {
    }

    /** A white canvas with antialiased text and shapes. */
    static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    /** The title and a one- or two-line subtitle across the top {@value #HEADER} px. */
    static void header(Graphics2D g, String title, String subtitle, int width) {
        g.setColor(Color.BLACK);
        g.setFont(Charts.TITLE_FONT);
        g.drawString(title, MARGIN, MARGIN + 18);
        g.setFont(Charts.TEXT_FONT);
        g.setColor(new Color(0x333333));
        text(g, subtitle, MARGIN, MARGIN + 18 + LINE + 4, width - 2 * MARGIN, 2);
    }

    /** {@code img} scaled into the square tile at (x, y), with a thin frame. */
    static void image(Graphics2D g, BufferedImage img, int x, int y, int size) {
        g.drawImage(img, x, y, size, size, null);
        g.setColor(new Color(0x999999));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y, size, size);
    }

    /** A grey tile with a message, where an image is missing. */
    static void placeholder(Graphics2D g, String message, int x, int y, int size) {
        g.setColor(new Color(0xEEEEEE));
        g.fillRect(x, y, size, size);
        g.setColor(new Color(0x555555));
        g.setFont(Charts.TEXT_FONT);
        text(g, message, x + 10, y + size / 2 - LINE / 2, size - 20, 3);
    }

    /**
     * A translucent heat overlay of {@code map} (row-major, {@code grid × grid}) on the tile: each patch coloured by
     * its activation over the map's maximum (values ≤ 0 clear) on the inferno scale, more opaque when stronger. Drawn
     * over a {@link #grey} image, so that colour means activation only.
     */
    static void heat(Graphics2D g, float[] map, int grid, int x, int y, int size) {
        double max = 0;
        for (float v : map) {
            if (Float.isFinite(v)) {
                max = Math.max(max, v);
            }
        }
        if (max <= 0) {
            return;
        }
        for (int i = 0; i < map.length; i++) {
            double v = Float.isFinite(map[i]) ? Math.max(0, map[i] / max) : 0;
            if (v <= 0) {
                continue;
            }
            g.setColor(heatColour(v));
            int x0 = x + (i % grid) * size / grid;
            int y0 = y + (i / grid) * size / grid;
            g.fillRect(x0, y0, x + (i % grid + 1) * size / grid - x0, y + (i / grid + 1) * size / grid - y0);
        }
    }

    /** Stops of the inferno colour scale at 0, 1/3, 2/3, 1. */
    private static final int[][] INFERNO = {{40, 11, 84}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}};

    /** The overlay colour of a normalized activation v in (0, 1]: inferno, alpha from 0.3 to 0.85. */
    static Color heatColour(double v) {
        double t = Math.min(1, Math.max(0, v)) * (INFERNO.length - 1);
        int i = Math.min((int) t, INFERNO.length - 2);
        double f = t - i;
        int[] rgb = new int[3];
        for (int k = 0; k < 3; k++) {
            rgb[k] = (int) Math.round(INFERNO[i][k] + f * (INFERNO[i + 1][k] - INFERNO[i][k]));
        }
        return new Color(rgb[0], rgb[1], rgb[2], (int) Math.round(255 * (0.3 + 0.55 * v)));
    }

    /** The image in a dimmed grey (its luminance mapped into 45..160): under a heat overlay, colour and brightness
     * are the overlay's. */
    static BufferedImage grey(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int yy = 0; yy < img.getHeight(); yy++) {
            for (int xx = 0; xx < img.getWidth(); xx++) {
                int p = img.getRGB(xx, yy);
                double lum = 0.299 * (p >> 16 & 0xFF) + 0.587 * (p >> 8 & 0xFF) + 0.114 * (p & 0xFF);
                int v = (int) Math.round(45 + lum * 0.45);
                out.setRGB(xx, yy, v << 16 | v << 8 | v);
            }
        }
        return out;
    }

    /** The boundary of a set of patches (row-major over the grid) drawn on the tile in {@code colour}. */
    static void outline(Graphics2D g, boolean[] in, int grid, int x, int y, int size, Color colour) {
        Path2D.Double p = new Path2D.Double();
        double s = (double) size / grid;
        for (int i = 0; i < in.length; i++) {
            if (!in[i]) {
                continue;
            }
            int r = i / grid;
            int c = i % grid;
            double x0 = x + c * s;
            double y0 = y + r * s;
            if (r == 0 || !in[i - grid]) {
                edge(p, x0, y0, x0 + s, y0);
            }
            if (r == grid - 1 || !in[i + grid]) {
                edge(p, x0, y0 + s, x0 + s, y0 + s);
            }
            if (c == 0 || !in[i - 1]) {
                edge(p, x0, y0, x0, y0 + s);
            }
            if (c == grid - 1 || !in[i + 1]) {
                edge(p, x0 + s, y0, x0 + s, y0 + s);
            }
        }
        g.setStroke(new BasicStroke(5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.setColor(OUTLINE_UNDER);
        g.draw(p);
        g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.setColor(colour);
        g.draw(p);
    }

    private static void edge(Path2D.Double p, double x0, double y0, double x1, double y1) {
        p.moveTo(x0, y0);
        p.lineTo(x1, y1);
    }

    /** A legend swatch of an outline, then its label; returns the x after it. */
    static int outlineKey(Graphics2D g, Color colour, String label, int x, int y) {
        g.setStroke(new BasicStroke(5f));
        g.setColor(OUTLINE_UNDER);
        g.drawRect(x, y - 13, 26, 16);
        g.setStroke(new BasicStroke(2.5f));
        g.setColor(colour);
        g.drawRect(x, y - 13, 26, 16);
        g.setColor(Color.BLACK);
        g.setFont(Charts.TEXT_FONT);
        g.drawString(label, x + 36, y);
        return x + 36 + g.getFontMetrics().stringWidth(label) + 28;
    }

    /**
     * Draws {@code s} word-wrapped into {@code width} px from baseline {@code y}, at most {@code maxLines} lines (the
     * last cut with an ellipsis); returns the baseline after the last line.
     */
    static int text(Graphics2D g, String s, int x, int y, int width, int maxLines) {
        List<String> lines = wrap(g.getFontMetrics(), s, width);
        for (int i = 0; i < Math.min(lines.size(), maxLines); i++) {
            String line = lines.get(i);
            if (i == maxLines - 1 && lines.size() > maxLines) {
                line = fit(g.getFontMetrics(), line + " …", width);
            }
            g.drawString(line, x, y);
            y += LINE;
        }
        return y;
    }

    static List<String> wrap(FontMetrics fm, String s, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String w : s.split(" ")) {
            String next = cur.length() == 0 ? w : cur + " " + w;
            if (fm.stringWidth(next) <= width || cur.length() == 0) {
                cur = new StringBuilder(fit(fm, next, width));
            } else {
                lines.add(cur.toString());
                cur = new StringBuilder(fit(fm, w, width));
            }
        }
        if (cur.length() > 0) {
            lines.add(cur.toString());
        }
        return lines;
    }

    /** {@code s} cut (with an ellipsis) to at most {@code width} px. */
    private static String fit(FontMetrics fm, String s, int width) {
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (!t.isEmpty() && fm.stringWidth(t + "…") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }
}
