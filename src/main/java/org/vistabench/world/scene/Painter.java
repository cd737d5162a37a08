package org.vistabench.world.scene;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws backgrounds and objects without anti-aliasing, so every pixel belongs to exactly one layer and the instance
 * masks are exact. Each category is a silhouette of a few primitives in a unit box, scaled to the object's size; its
 * state is a visible cue (open/closed eyes and "z" marks, highlight/dark spots, a crack).
 */
final class Painter {
    /** Part of the scene stage's cache key: bump it whenever a change here changes the pixels a layout gives. */
    static final String VERSION = "painter-1";

    static final int[][] COLOUR_RGB = {
        {214, 40, 40}, {46, 160, 67}, {40, 90, 220}, {240, 210, 40},
        {245, 130, 30}, {140, 60, 190}, {240, 130, 180}, {125, 75, 40},
    };
    private static final Color INK = new Color(25, 25, 25);
    private static final Color WHITE = new Color(250, 250, 250);

    private final Lexicon lexicon;

    Painter(Lexicon lexicon) {
        this.lexicon = lexicon;
    }

    void background(BufferedImage img, int background, long seed) {
        Random r = new Random(seed);
        int w = img.getWidth();
        int h = img.getHeight();
        int[][] base = {{96, 150, 70}, {222, 200, 150}, {236, 240, 245}, {70, 120, 180}, {150, 135, 120}};
        int[] b = base[background];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int n = r.nextInt(17) - 8;
                img.setRGB(x, y, rgb(b[0] + n, b[1] + n, b[2] + n));
            }
        }
        Graphics2D g = graphics(img);
        switch (background) {
            case 0 -> { // grass: blades
                g.setColor(new Color(60, 115, 45));
                for (int i = 0; i < 90; i++) {
                    int x = r.nextInt(w);
                    int y = r.nextInt(h);
                    g.drawLine(x, y, x + r.nextInt(3) - 1, y - 3 - r.nextInt(4));
                }
            }
            case 1 -> { // sand: ripples and grains
                g.setColor(new Color(196, 172, 120));
                for (int y = 6 + r.nextInt(6); y < h; y += 10 + r.nextInt(6)) {
                    g.drawLine(0, y, w, y + r.nextInt(5) - 2);
                }
            }
            case 2 -> { // snow: pale blue flakes
                g.setColor(new Color(200, 215, 235));
                for (int i = 0; i < 60; i++) {
                    int x = r.nextInt(w);
                    int y = r.nextInt(h);
                    g.fillRect(x, y, 2, 2);
                }
            }
            case 3 -> { // water: wave crests
                g.setColor(new Color(150, 190, 230));
                for (int i = 0; i < 40; i++) {
                    int x = r.nextInt(w);
                    int y = r.nextInt(h);
                    g.drawLine(x, y, x + 3, y - 2);
                    g.drawLine(x + 3, y - 2, x + 6, y);
                }
            }
            default -> { // floor: planks
                g.setColor(new Color(110, 95, 80));
                for (int y = 0; y < h; y += 16) {
                    g.drawLine(0, y, w, y);
                    int off = r.nextInt(40);
                    for (int x = off; x < w; x += 40) {
                        g.drawLine(x, y, x, y + 16);
                    }
                }
            }
        }
        g.dispose();
    }

    /** Draws one object on a transparent layer of the image's size. */
    void object(BufferedImage layer, SceneObject o, Random r) {
        Graphics2D g = graphics(layer);
        AffineTransform t = new AffineTransform();
        t.translate(o.x(), o.y());
        if (o.flip()) {
            t.translate(o.size(), 0);
            t.scale(-1, 1);
        }
        t.scale(o.size(), o.size());
        int[] c = COLOUR_RGB[o.colour()];
        Color body = new Color(c[0], c[1], c[2]);
        Color dark = new Color(c[0] * 3 / 5, c[1] * 3 / 5, c[2] * 3 / 5);
        String name = lexicon.category(o.category()).name();
        String state = lexicon.statesOf(o.category()).get(o.state());
        List<Shape> parts = new ArrayList<>();
        List<Shape> darkParts = new ArrayList<>();
        List<Shape> whiteParts = new ArrayList<>();
        double[] eye = null; // x, y, r of the eye in unit coordinates, for animals
        switch (name) {
            case "cat" -> {
                parts.add(new Ellipse2D.Double(0.05, 0.45, 0.62, 0.38));
                parts.add(new Ellipse2D.Double(0.52, 0.22, 0.38, 0.36));
                parts.add(tri(0.55, 0.32, 0.60, 0.08, 0.70, 0.26));
                parts.add(tri(0.72, 0.26, 0.84, 0.08, 0.88, 0.32));
                parts.add(new Rectangle2D.Double(0.0, 0.25, 0.09, 0.35));
                darkParts.add(new Rectangle2D.Double(0.2, 0.76, 0.08, 0.16));
                darkParts.add(new Rectangle2D.Double(0.48, 0.76, 0.08, 0.16));
                eye = new double[] {0.78, 0.38, 0.06};
            }
            case "dog" -> {
                parts.add(new RoundRectangle2D.Double(0.05, 0.42, 0.62, 0.32, 0.15, 0.15));
                for (double lx : new double[] {0.1, 0.25, 0.45, 0.57}) {
                    parts.add(new Rectangle2D.Double(lx, 0.7, 0.08, 0.24));
                }
                parts.add(new Ellipse2D.Double(0.56, 0.16, 0.4, 0.36));
                parts.add(new Rectangle2D.Double(0.0, 0.36, 0.08, 0.1));
                darkParts.add(new Ellipse2D.Double(0.56, 0.2, 0.12, 0.3));
                eye = new double[] {0.8, 0.3, 0.06};
            }
            case "bird" -> {
                parts.add(new Ellipse2D.Double(0.1, 0.35, 0.6, 0.42));
                parts.add(new Ellipse2D.Double(0.55, 0.18, 0.32, 0.32));
                parts.add(tri(0.85, 0.28, 1.0, 0.35, 0.85, 0.42));
                parts.add(tri(0.12, 0.5, 0.0, 0.35, 0.0, 0.7));
                darkParts.add(new Ellipse2D.Double(0.22, 0.45, 0.35, 0.18));
                eye = new double[] {0.74, 0.3, 0.05};
            }
            case "fish" -> {
                parts.add(new Ellipse2D.Double(0.22, 0.25, 0.72, 0.48));
                parts.add(tri(0.28, 0.49, 0.0, 0.2, 0.0, 0.8));
                darkParts.add(tri(0.5, 0.3, 0.62, 0.12, 0.7, 0.3));
                eye = new double[] {0.8, 0.42, 0.06};
            }
            case "apple" -> {
                parts.add(new Ellipse2D.Double(0.1, 0.22, 0.8, 0.72));
                darkParts.add(new Rectangle2D.Double(0.46, 0.06, 0.08, 0.2));
                darkParts.add(new Ellipse2D.Double(0.54, 0.08, 0.22, 0.1));
            }
            case "banana" -> {
                Area a = new Area(new Ellipse2D.Double(0.05, 0.05, 0.9, 0.9));
                a.subtract(new Area(new Ellipse2D.Double(0.05, -0.2, 0.9, 0.9)));
                parts.add(a);
                darkParts.add(new Rectangle2D.Double(0.04, 0.45, 0.08, 0.08));
            }
            case "cake" -> {
                parts.add(new Rectangle2D.Double(0.08, 0.5, 0.84, 0.42));
                parts.add(new Rectangle2D.Double(0.2, 0.3, 0.6, 0.22));
                whiteParts.add(new Rectangle2D.Double(0.08, 0.62, 0.84, 0.07));
                whiteParts.add(new Rectangle2D.Double(0.46, 0.1, 0.08, 0.2));
                darkParts.add(new Rectangle2D.Double(0.2, 0.3, 0.6, 0.05));
            }
            case "pizza" -> {
                parts.add(tri(0.05, 0.1, 0.95, 0.1, 0.5, 0.95));
                darkParts.add(new Rectangle2D.Double(0.05, 0.1, 0.9, 0.1));
                for (double[] p : new double[][] {{0.35, 0.3}, {0.55, 0.35}, {0.47, 0.55}}) {
                    darkParts.add(new Ellipse2D.Double(p[0], p[1], 0.1, 0.1));
                }
            }
            case "car" -> {
                parts.add(new RoundRectangle2D.Double(0.02, 0.45, 0.96, 0.3, 0.1, 0.1));
                parts.add(new RoundRectangle2D.Double(0.22, 0.25, 0.52, 0.25, 0.1, 0.1));
                whiteParts.add(new Rectangle2D.Double(0.28, 0.3, 0.18, 0.14));
                whiteParts.add(new Rectangle2D.Double(0.5, 0.3, 0.18, 0.14));
                wheels(darkParts, 0.12, 0.62, 0.24);
            }
            case "bus" -> {
                parts.add(new RoundRectangle2D.Double(0.0, 0.22, 1.0, 0.52, 0.08, 0.08));
                for (double wx = 0.06; wx < 0.9; wx += 0.2) {
                    whiteParts.add(new Rectangle2D.Double(wx, 0.3, 0.14, 0.16));
                }
                wheels(darkParts, 0.1, 0.64, 0.22);
            }
            case "truck" -> {
                parts.add(new Rectangle2D.Double(0.0, 0.15, 0.62, 0.55));
                parts.add(new RoundRectangle2D.Double(0.6, 0.35, 0.38, 0.35, 0.1, 0.1));
                whiteParts.add(new Rectangle2D.Double(0.72, 0.4, 0.18, 0.14));
                wheels(darkParts, 0.08, 0.64, 0.24);
            }
            case "boat" -> {
                Path2D hull = new Path2D.Double();
                hull.moveTo(0.0, 0.6);
                hull.lineTo(1.0, 0.6);
                hull.lineTo(0.82, 0.88);
                hull.lineTo(0.18, 0.88);
                hull.closePath();
                parts.add(hull);
                parts.add(tri(0.5, 0.05, 0.5, 0.58, 0.88, 0.58));
                parts.add(tri(0.46, 0.15, 0.46, 0.58, 0.15, 0.58));
                darkParts.add(new Rectangle2D.Double(0.46, 0.05, 0.05, 0.55));
            }
            case "chair" -> {
                parts.add(new Rectangle2D.Double(0.18, 0.05, 0.16, 0.55));
                parts.add(new Rectangle2D.Double(0.18, 0.5, 0.64, 0.14));
                parts.add(new Rectangle2D.Double(0.2, 0.6, 0.1, 0.35));
                parts.add(new Rectangle2D.Double(0.7, 0.6, 0.1, 0.35));
                parts.add(new Rectangle2D.Double(0.18, 0.05, 0.4, 0.12));
            }
            case "cup" -> {
                parts.add(new RoundRectangle2D.Double(0.15, 0.25, 0.52, 0.65, 0.12, 0.12));
                Area handle = new Area(new Ellipse2D.Double(0.52, 0.35, 0.38, 0.38));
                handle.subtract(new Area(new Ellipse2D.Double(0.62, 0.45, 0.18, 0.18)));
                parts.add(handle);
                darkParts.add(new Ellipse2D.Double(0.17, 0.22, 0.48, 0.1));
            }
            case "lamp" -> {
                Path2D shade = new Path2D.Double();
                shade.moveTo(0.28, 0.05);
                shade.lineTo(0.72, 0.05);
                shade.lineTo(0.92, 0.45);
                shade.lineTo(0.08, 0.45);
                shade.closePath();
                parts.add(shade);
                parts.add(new Rectangle2D.Double(0.44, 0.45, 0.12, 0.4));
                parts.add(new Ellipse2D.Double(0.22, 0.8, 0.56, 0.16));
            }
            default -> { // clock
                parts.add(new Ellipse2D.Double(0.05, 0.05, 0.9, 0.9));
                whiteParts.add(new Ellipse2D.Double(0.18, 0.18, 0.64, 0.64));
                darkParts.add(new Rectangle2D.Double(0.48, 0.25, 0.05, 0.27));
                darkParts.add(new Rectangle2D.Double(0.48, 0.48, 0.22, 0.05));
            }
        }
        for (Shape s : parts) {
            fill(g, t, s, body);
        }
        for (Shape s : darkParts) {
            fill(g, t, s, dark);
        }
        for (Shape s : whiteParts) {
            fill(g, t, s, WHITE);
        }
        g.setStroke(new BasicStroke(1f));
        g.setColor(INK);
        for (Shape s : parts) {
            g.draw(t.createTransformedShape(s));
        }
        drawState(g, t, state, eye, r, dark);
        g.dispose();
    }

    private void drawState(Graphics2D g, AffineTransform t, String state, double[] eye, Random r, Color dark) {
        switch (state) {
            case "awake" -> {
                fill(g, t, new Ellipse2D.Double(eye[0] - eye[2] * 1.4, eye[1] - eye[2] * 1.4, eye[2] * 2.8, eye[2] * 2.8), WHITE);
                fill(g, t, new Ellipse2D.Double(eye[0] - eye[2] * 0.7, eye[1] - eye[2] * 0.7, eye[2] * 1.4, eye[2] * 1.4), INK);
            }
            case "sleeping" -> {
                g.setStroke(new BasicStroke(2f));
                g.setColor(INK);
                g.draw(t.createTransformedShape(new Line2D.Double(eye[0] - eye[2] * 1.5, eye[1], eye[0] + eye[2] * 1.5, eye[1])));
                // "z" above the head
                Path2D z = new Path2D.Double();
                z.moveTo(eye[0] - 0.12, eye[1] - 0.3);
                z.lineTo(eye[0] + 0.02, eye[1] - 0.3);
                z.lineTo(eye[0] - 0.12, eye[1] - 0.18);
                z.lineTo(eye[0] + 0.02, eye[1] - 0.18);
                g.draw(t.createTransformedShape(z));
            }
            case "fresh" -> fill(g, t, new Ellipse2D.Double(0.3, 0.35, 0.14, 0.1), WHITE);
            case "rotten" -> {
                Color spot = new Color(60, 45, 20);
                for (int i = 0; i < 4; i++) {
                    double x = 0.25 + r.nextDouble() * 0.4;
                    double y = 0.35 + r.nextDouble() * 0.35;
                    fill(g, t, new Ellipse2D.Double(x, y, 0.12, 0.1), spot);
                }
            }
            case "broken" -> {
                g.setStroke(new BasicStroke(2f));
                g.setColor(INK);
                Path2D crack = new Path2D.Double();
                crack.moveTo(0.3, 0.25);
                for (int i = 1; i <= 4; i++) {
                    crack.lineTo(0.3 + 0.1 * i + (i % 2 == 0 ? -0.08 : 0.08), 0.25 + 0.13 * i);
                }
                g.draw(t.createTransformedShape(crack));
            }
            default -> { // whole: no mark
            }
        }
    }

    private static void wheels(List<Shape> out, double x, double y, double d) {
        out.add(new Ellipse2D.Double(x, y, d, d));
        out.add(new Ellipse2D.Double(1 - x - d, y, d, d));
    }

    private static Shape tri(double x1, double y1, double x2, double y2, double x3, double y3) {
        Path2D p = new Path2D.Double();
        p.moveTo(x1, y1);
        p.lineTo(x2, y2);
        p.lineTo(x3, y3);
        p.closePath();
        return p;
    }

    private static void fill(Graphics2D g, AffineTransform t, Shape s, Color c) {
        g.setColor(c);
        g.fill(t.createTransformedShape(s));
    }

    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_SPEED);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }

    static int rgb(int r, int g, int b) {
        return 0xFF000000 | (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
