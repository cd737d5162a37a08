package org.vistabench.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.vistabench.results.RecordFiles;

/**
 * Figures drawn from a cell's per-image records over the run's images, one per finished cell:
 * {@code localization_<cell>.png}, up to {@value #HEAT_TILES} localization records (the first by image, layer,
 * category, latent: not picked for looks) as heat maps of the latent's activation over the patch grid with the
 * object's mask outlined; and {@code steering_<cell>.png}, per task, the first successful and the first unsuccessful
 * sample of the {@value #INTERVENTION} intervention (by image, object) with the edited patches outlined and the
 * answers before and after.
 */
final class RecordFigures {
    static final int HEAT_TILES = 6;
    static final int COLUMNS = 3;
    static final int HEAT_SIZE = 240;
    static final int HEAT_TEXT_LINES = 3;
    static final int STEER_SIZE = 220;
    static final int STEER_WIDTH = 360;
    static final int STEER_TEXT_LINES = 8;
    static final String INTERVENTION = "sae_edit";
    static final Color MASK = new Color(0x00E5FF);
    static final Color EDITED = new Color(0xFF4FD8);
    private static final int LEGEND = 44;

    private RecordFigures() {
    }

    static List<Figure> plan(ReportData d) {
        List<Figure> out = new ArrayList<>();
        List<ReportInput.CellRow> done = d.groups().stream().flatMap(g -> g.cells().stream())
                .filter(ReportInput.CellRow::done).toList();
        for (ReportInput.CellRow c : done) {
            out.add(heatMaps(d, c));
        }
        for (ReportInput.CellRow c : done) {
            out.add(steering(d, c));
        }
        return out;
    }

    /** Pixel size of a heat-map figure of {@code tiles} tiles. */
    static int[] heatSize(int tiles) {
        int rows = (tiles + COLUMNS - 1) / COLUMNS;
        return new int[] {Panels.MARGIN + COLUMNS * (HEAT_SIZE + Panels.MARGIN),
            Panels.HEADER + rows * heatTileHeight() + LEGEND};
    }

    private static int heatTileHeight() {
        return HEAT_SIZE + 10 + HEAT_TEXT_LINES * Panels.LINE + Panels.MARGIN;
    }

    /** Pixel size of a steering figure of {@code tasks} columns (two rows: a success, a failure). */
    static int[] steeringSize(int tasks) {
        return new int[] {Panels.MARGIN + Math.max(tasks, 2) * (STEER_WIDTH + Panels.MARGIN),
            Panels.HEADER + 2 * steerTileHeight() + LEGEND};
    }

    private static int steerTileHeight() {
        return STEER_SIZE + 10 + STEER_TEXT_LINES * Panels.LINE + Panels.MARGIN;
    }

    static Figure heatMaps(ReportData d, ReportInput.CellRow c) {
        String file = "localization_" + Figures.safe(c.cell().id()) + ".png";
        String title = "Localization: " + CellGroup.label(c.cell()) + " seed " + c.cell().seed();
        String caption = "Up to " + HEAT_TILES + " localization records of the cell (the first by image, layer, "
                + "category): the image with the matched latent's activation over the patch grid as a translucent "
                + "overlay (scaled to the map's maximum) and the object's mask outlined.";
        List<CellRecords.Localization> recs;
        try {
            recs = CellRecords.localization(c.dir().resolve(RecordFiles.LOCALIZATION));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (recs.isEmpty()) {
            return Figure.skipped(file, title, caption, "no " + RecordFiles.LOCALIZATION + " records (no matched "
                    + "object was scored, or the spec does not measure localization)");
        }
        List<CellRecords.Localization> drawable = recs.stream().filter(CellRecords.Localization::drawable)
                .sorted(Comparator.comparingLong(CellRecords.Localization::imageId)
                        .thenComparingInt(CellRecords.Localization::layer)
                        .thenComparing(CellRecords.Localization::category)
                        .thenComparingInt(CellRecords.Localization::latent))
                .filter(r -> CellRecords.image(d.in().results(), r.imageId()).isPresent())
                .limit(HEAT_TILES).toList();
        if (drawable.isEmpty()) {
            return Figure.skipped(file, title, caption, recs.stream().anyMatch(CellRecords.Localization::drawable)
                    ? "the images its records name are not in " + RecordFiles.IMAGES + "/"
                    : "its records carry no activation map (written before maps were recorded)");
        }
        return Figure.drawn(file, title, caption, () -> drawHeatMaps(d.in().results(), title, drawable));
    }

    private static BufferedImage drawHeatMaps(Path results, String title, List<CellRecords.Localization> recs) {
        int[] size = heatSize(recs.size());
        BufferedImage img = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        Panels.header(g, title, "Image dimmed to grey; overlay: the latent's activation per patch relative to its "
                + "maximum (clear = 0, dark purple to yellow = stronger). Outline: the object's patch mask.", size[0]);
        for (int i = 0; i < recs.size(); i++) {
            CellRecords.Localization r = recs.get(i);
            int x = Panels.MARGIN + (i % COLUMNS) * (HEAT_SIZE + Panels.MARGIN);
            int y = Panels.HEADER + (i / COLUMNS) * heatTileHeight();
            Panels.image(g, Panels.grey(CellRecords.image(results, r.imageId()).orElseThrow()), x, y, HEAT_SIZE);
            Panels.heat(g, r.map(), r.grid(), x, y, HEAT_SIZE);
            Panels.outline(g, bits(r.mask()), r.grid(), x, y, HEAT_SIZE, MASK);
            g.setColor(Color.BLACK);
            g.setFont(Panels.TEXT_BOLD);
            int ty = y + HEAT_SIZE + 10 + 15;
            g.drawString("image " + r.imageId() + " · layer " + r.layer() + " · " + r.category(), x, ty);
            g.setFont(Charts.TEXT_FONT);
            g.drawString("latent " + r.latent() + " · pointing " + (r.hit() >= 0.5 ? "hit" : "miss")
                    + " (" + Fmt.sig(r.hit()) + ")", x, ty + Panels.LINE);
            g.drawString("chance " + Fmt.sig(r.chance()) + " · AUROC " + Fmt.sig(r.auroc()), x, ty + 2 * Panels.LINE);
        }
        legendHeat(g, size);
        g.dispose();
        return img;
    }

    private static void legendHeat(Graphics2D g, int[] size) {
        int y = size[1] - LEGEND / 2 + 5;
        int x = Panels.outlineKey(g, MASK, "object mask", Panels.MARGIN, y);
        for (int i = 0; i < 120; i++) {
            double v = (i + 1) / 120.0;
            g.setColor(new Color(0x5A5A5A));
            g.fillRect(x + i, y - 13, 1, 16);
            g.setColor(Panels.heatColour(v));
            g.fillRect(x + i, y - 13, 1, 16);
        }
        g.setColor(Color.BLACK);
        g.drawString("activation / map max: 0 → 1", x + 132, y);
    }

    static Figure steering(ReportData d, ReportInput.CellRow c) {
        String file = "steering_" + Figures.safe(c.cell().id()) + ".png";
        String title = "Steering (" + INTERVENTION + "): " + CellGroup.label(c.cell()) + " seed " + c.cell().seed();
        String caption = "Per task, the first successful and the first unsuccessful " + INTERVENTION + " sample of "
                + "the cell (by image, object): the image with the edited patches outlined, the question, and the "
                + "answers before and after the edit.";
        List<CellRecords.Steering> recs;
        try {
            recs = CellRecords.steering(c.dir().resolve(RecordFiles.STEERING)).stream()
                    .filter(r -> r.intervention().equals(INTERVENTION)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (recs.isEmpty()) {
            return Figure.skipped(file, title, caption, "no " + INTERVENTION + " records in " + RecordFiles.STEERING
                    + " (no steering pair was found, or the spec does not measure steering)");
        }
        if (recs.stream().noneMatch(CellRecords.Steering::drawable)) {
            return Figure.skipped(file, title, caption, "its records carry no patch grid (written before it was "
                    + "recorded)");
        }
        Map<String, CellRecords.Steering[]> byTask = new TreeMap<>(SpecOrder.by(PaperTables.TASKS));
        recs.stream().filter(CellRecords.Steering::drawable)
                .sorted(Comparator.comparingLong(CellRecords.Steering::imageId)
                        .thenComparing(CellRecords.Steering::object))
                .forEach(r -> {
                    CellRecords.Steering[] slot = byTask.computeIfAbsent(r.task(), k -> new CellRecords.Steering[2]);
                    int i = r.success() ? 0 : 1;
                    if (slot[i] == null) {
                        slot[i] = r;
                    }
                });
        boolean anyImage = byTask.values().stream().flatMap(java.util.Arrays::stream)
                .anyMatch(r -> r != null && CellRecords.image(d.in().results(), r.imageId()).isPresent());
        if (!anyImage) {
            return Figure.skipped(file, title, caption, "the images its samples name are not in "
                    + RecordFiles.IMAGES + "/");
        }
        return Figure.drawn(file, title, caption, () -> drawSteering(d.in().results(), title, byTask));
    }

    private static BufferedImage drawSteering(Path results, String title,
                                              Map<String, CellRecords.Steering[]> byTask) {
        int[] size = steeringSize(byTask.size());
        BufferedImage img = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Panels.canvas(img);
        Panels.header(g, title, "Top row: a sample the edit succeeded on; bottom row: one it did not. Outline: "
                + "the image patches whose tokens were edited.", size[0]);
        int col = 0;
        for (Map.Entry<String, CellRecords.Steering[]> e : byTask.entrySet()) {
            for (int row = 0; row < 2; row++) {
                int x = Panels.MARGIN + col * (STEER_WIDTH + Panels.MARGIN);
                int y = Panels.HEADER + row * steerTileHeight();
                CellRecords.Steering r = e.getValue()[row];
                if (r == null) {
                    g.setColor(new Color(0x555555));
                    g.setFont(Charts.TEXT_FONT);
                    Panels.text(g, "no " + (row == 0 ? "successful " : "unsuccessful ") + e.getKey() + " sample",
                            x, y + STEER_SIZE / 2, STEER_WIDTH, 2);
                    continue;
                }
                steeringTile(g, results, r, x, y);
            }
            col++;
        }
        int y = size[1] - LEGEND / 2 + 5;
        Panels.outlineKey(g, EDITED, "edited patches", Panels.MARGIN, y);
        g.dispose();
        return img;
    }

    private static void steeringTile(Graphics2D g, Path results, CellRecords.Steering r, int x, int y) {
        int ix = x + (STEER_WIDTH - STEER_SIZE) / 2;
        Optional<BufferedImage> im = CellRecords.image(results, r.imageId());
        if (im.isPresent()) {
            Panels.image(g, im.get(), ix, y, STEER_SIZE);
        } else {
            Panels.placeholder(g, "image " + r.imageId() + " is not in " + RecordFiles.IMAGES + "/", ix, y,
                    STEER_SIZE);
        }
        Panels.outline(g, r.edited(), r.grid(), ix, y, STEER_SIZE, EDITED);
        int ty = y + STEER_SIZE + 10 + 15;
        g.setColor(Color.BLACK);
        g.setFont(Panels.TEXT_BOLD);
        g.drawString(what(r) + " · image " + r.imageId(), x, ty);
        g.setFont(Charts.TEXT_FONT);
        ty = Panels.text(g, "Q: " + (r.question().isEmpty() ? "the object question" : r.question()), x,
                ty + Panels.LINE, STEER_WIDTH, 1);
        ty = Panels.text(g, "before: " + r.unsteered(), x, ty, STEER_WIDTH, 2);
        ty = Panels.text(g, "after: " + r.steered(), x, ty, STEER_WIDTH, 2);
        g.setFont(Panels.TEXT_BOLD);
        g.setColor(r.success() ? new Color(0x007A3D) : new Color(0xB00020));
        Panels.text(g, (r.success() ? "success" : "no success") + (r.why().isEmpty() ? "" : ": " + r.why()), x, ty,
                STEER_WIDTH, 2);
    }

    /** {@code removal of dog}, {@code replacement: dog → cat}, {@code attribute: dog sleeping → awake}. */
    static String what(CellRecords.Steering r) {
        return switch (r.task()) {
            case "removal" -> "removal of " + r.object();
            case "replacement" -> "replacement: " + r.from() + " → " + r.to();
            case "attribute" -> "attribute: " + r.object() + " " + r.from() + " → " + r.to();
            default -> r.task() + ": " + r.object();
        };
    }

    static boolean[] bits(String mask) {
        boolean[] b = new boolean[mask.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = mask.charAt(i) == '1';
        }
        return b;
    }
}
