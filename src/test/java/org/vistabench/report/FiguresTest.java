package org.vistabench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.spec.Cell;

/** The figures on the hand-made {@link ReportFixture}: which are drawn, their pixel sizes, skips, stable bytes. */
class FiguresTest {
    @TempDir
    Path tmp;

    private static final ReportPart.Options OPTS = new ReportPart.Options(false);

    private List<Path> write(ReportFixture f, String name) throws IOException {
        ReportInput in = f.input(tmp.resolve("results-" + name));
        return new Figures().write(in, tmp.resolve("out-" + name), OPTS);
    }

    /** Width and height a figure file must have, by its kind. */
    private static int[] expectedSize(String file) {
        if (file.startsWith("localization_")) {
            // 2 images x 2 layers of records, all with maps and images
            return RecordFigures.heatSize(4);
        }
        if (file.startsWith("steering_")) {
            return RecordFigures.steeringSize(3);
        }
        return new int[] {Charts.WIDTH, Charts.HEIGHT};
    }

    @Test
    void everyFigureIsAPngOfItsSizeDrawnHeadless() throws IOException {
        List<Path> files = write(ReportFixture.full(), "a");
        List<String> pngs = files.stream().map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png"))
                .toList();
        List<String> want = new ArrayList<>();
        for (String kind : List.of("match_rate_layers", "recon_mse_layers", "recon_l0_layers")) {
            want.add(kind + "_enc-b_lm.png");
            want.add(kind + "_enc-a_lm.png");
        }
        want.addAll(List.of("tradeoff_qa.png", "tradeoff_caption.png"));
        List<Cell> done = ReportFixture.cells().stream().filter(ReportFixture::done).toList();
        assertEquals(10, done.size());
        for (String kind : List.of("localization_", "steering_")) {
            done.forEach(c -> assertTrue(pngs.contains(kind + c.id() + ".png"), kind + c.id()));
        }
        assertTrue(pngs.containsAll(want), pngs.toString());
        assertEquals(want.size() + 2 * done.size(), pngs.size(), pngs.toString());
        for (String name : pngs) {
            BufferedImage img = ImageIO.read(tmp.resolve("out-a/figures").resolve(name).toFile());
            assertNotNull(img, name + " does not decode");
            int[] size = expectedSize(name);
            assertEquals(size[0], img.getWidth(), name);
            assertEquals(size[1], img.getHeight(), name);
        }
        assertTrue(GraphicsEnvironment.isHeadless(), "figures must not need a display");
        String index = Files.readString(tmp.resolve("out-a/figures/README.md"));
        assertFalse(index.contains("## Not drawn"), index);
    }

    @Test
    void theHeatMapOutlinesTheMaskAndTheSteeringPanelTheEditedPatches() throws IOException {
        write(ReportFixture.full(), "a");
        Cell c = Cell.of("enc-a", "lm", "early", "none", 1);
        BufferedImage heat = ImageIO.read(tmp.resolve("out-a/figures/localization_" + c.id() + ".png").toFile());
        // mask 0000011001100000 on a 4 x 4 grid: patches (1,1) (1,2) (2,1) (2,2); its top edge runs at y = 1/4
        int patch = RecordFigures.HEAT_SIZE / ReportFixture.GRID;
        int x = Panels.MARGIN + 2 * patch;
        int y = Panels.HEADER + patch;
        assertNear(RecordFigures.MASK, new Color(heat.getRGB(x, y)), "mask outline at " + x + "," + y);
        BufferedImage steer = ImageIO.read(tmp.resolve("out-a/figures/steering_" + c.id() + ".png").toFile());
        // the same patches were edited; the first tile's image is centred in its column
        int s = RecordFigures.STEER_SIZE / ReportFixture.GRID;
        int ix = Panels.MARGIN + (RecordFigures.STEER_WIDTH - RecordFigures.STEER_SIZE) / 2;
        assertNear(RecordFigures.EDITED, new Color(steer.getRGB(ix + 2 * s, Panels.HEADER + s)), "edited outline");
    }

    private static void assertNear(Color want, Color got, String what) {
        int d = Math.abs(want.getRed() - got.getRed()) + Math.abs(want.getGreen() - got.getGreen())
                + Math.abs(want.getBlue() - got.getBlue());
        assertTrue(d < 60, what + ": want " + want + ", got " + got);
    }

    @Test
    void missingImagesAndMetricsSkipFiguresWithANote() throws IOException {
        List<Path> files = write(new ReportFixture(List.of("recon", "steering", "localization"), false), "n");
        List<String> names = files.stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.stream().noneMatch(n -> n.startsWith("localization_") || n.startsWith("steering_")
                || n.startsWith("match_rate") || n.startsWith("tradeoff")), names.toString());
        assertTrue(names.contains("recon_mse_layers_enc-a_lm.png"), names.toString());
        String index = Files.readString(tmp.resolve("out-n/figures/README.md"));
        assertTrue(index.contains("## Not drawn"), index);
        assertTrue(index.contains("`match_rate_layers_enc-a_lm.png` (Match rate by layer: enc-a → lm): no finished "
                + "cell"), index);
        assertTrue(index.contains("are not in images/"), index);
        assertTrue(index.contains("no cell group has both match_rate.excess.mean and qa.accuracy"), index);
    }

    @Test
    void twoWritesGiveTheSameBytes() throws IOException {
        ReportInput in = ReportFixture.full().input(tmp.resolve("results"));
        List<Path> a = new Figures().write(in, tmp.resolve("o1"), OPTS);
        List<Path> b = new Figures().write(in, tmp.resolve("o2"), OPTS);
        assertEquals(a, b);
        for (Path p : a) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("o1").resolve(p)),
                    Files.readAllBytes(tmp.resolve("o2").resolve(p)), p.toString());
        }
    }
}
