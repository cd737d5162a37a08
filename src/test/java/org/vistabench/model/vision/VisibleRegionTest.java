package org.vistabench.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.vistabench.io.Json;

/** {@link ImageProcessor#visibleRegion}: hand-computed crop windows, and the tensor they predict. */
class VisibleRegionTest {
    private static final double EPS = 0;   // the same divisions: exact

    private static ImageProcessor config(int shortestEdge, int crop, boolean doCrop) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.putObject("size").put("shortest_edge", shortestEdge);
        n.putObject("crop_size").put("height", crop).put("width", crop);
        n.put("do_center_crop", doCrop);
        return ImageProcessor.fromJson(n, Path.of("preprocessor_config.json"));
    }

    @Test
    void dinov2KeepsTheCentreOfTheResizedImage() {
        ImageProcessor p = ImageProcessor.dinov2();   // shortest edge 256, crop 224
        // 640 x 480 (landscape): resized to int(256 * 640 / 480) = int(341.33) = 341 x 256;
        // left = int((341 - 224) / 2.0) = int(58.5) = 58, top = int((256 - 224) / 2.0) = 16
        assertEquals(new VisibleRegion(58 / 341.0, 16 / 256.0, 282 / 341.0, 240 / 256.0), p.visibleRegion(640, 480));
        // 480 x 640 (portrait): resized to 256 x 341, the same window transposed
        assertEquals(new VisibleRegion(16 / 256.0, 58 / 341.0, 240 / 256.0, 282 / 341.0), p.visibleRegion(480, 640));
        // 500 x 333: 333 is short; int(256 * 500 / 333) = int(384.38) = 384; left = int(160 / 2.0) = 80
        assertEquals(new VisibleRegion(80 / 384.0, 16 / 256.0, 304 / 384.0, 240 / 256.0), p.visibleRegion(500, 333));
        // any square: [1/16, 15/16) both ways (what COCO's centre squares get)
        VisibleRegion sq = p.visibleRegion(480, 480);
        assertEquals(new VisibleRegion(0.0625, 0.0625, 0.9375, 0.9375), sq);
        assertArrayEquals(new int[] {30, 30, 420, 420}, sq.inPixels(480, 480));
        // the same from a preprocessor_config.json
        assertEquals(p.visibleRegion(640, 480), config(256, 224, true).visibleRegion(640, 480));
    }

    @Test
    void clipKeepsTheCentreSquareOfTheLongSide() {
        ImageProcessor p = ImageProcessor.clip();     // shortest edge 224, crop 224
        // 640 x 480: resized to int(224 * 640 / 480) = int(298.67) = 298 x 224; left = int(74 / 2.0) = 37
        assertEquals(new VisibleRegion(37 / 298.0, 0, 261 / 298.0, 1), p.visibleRegion(640, 480));
        // 333 x 500 (portrait): int(224 * 500 / 333) = int(336.34) = 336; top = int(112 / 2.0) = 56
        assertEquals(new VisibleRegion(0, 56 / 336.0, 1, 280 / 336.0), p.visibleRegion(333, 500));
        // a square is seen whole
        assertTrue(p.visibleRegion(480, 480).isFull());
        assertTrue(p.visibleRegion(17, 17).isFull());
    }

    @Test
    void withoutACropOrWhenPaddedTheRegionSaysSo() {
        assertEquals(VisibleRegion.FULL, config(256, 224, false).visibleRegion(640, 480));
        // crop 300 > resized 256 rows: pad (300 - 256) / 2 = 22 rows on top, so rows [-22/256, 278/256)
        VisibleRegion r = config(256, 300, true).visibleRegion(256, 256);
        assertEquals(new VisibleRegion(-22 / 256.0, -22 / 256.0, 278 / 256.0, 278 / 256.0), r);
        assertArrayEquals(new int[] {0, 0, 640, 480}, VisibleRegion.FULL.inPixels(640, 480));
    }

    /** The window predicts the tensor: every cropped pixel is the resized image's pixel at the window's offset. */
    @Test
    void theWindowIsWhereTheTensorComesFrom() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.putObject("crop_size").put("height", 6).put("width", 6);
        n.put("do_resize", false);
        ImageProcessor p = ImageProcessor.fromJson(n, Path.of("preprocessor_config.json"));
        BufferedImage img = new BufferedImage(8, 12, BufferedImage.TYPE_INT_RGB);   // portrait, not resized
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, (x * 20) << 16 | (y * 20) << 8);
            }
        }
        VisibleRegion r = p.visibleRegion(8, 12);     // columns [1, 7) of 8, rows [3, 9) of 12
        assertEquals(new VisibleRegion(1 / 8.0, 3 / 12.0, 7 / 8.0, 9 / 12.0), r);
        int[] dims = new int[2];
        int[][] planes = p.resizedAndCropped(img, dims);
        assertArrayEquals(new int[] {6, 6}, dims);
        int[] px = r.inPixels(8, 12);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                assertEquals((x + px[0]) * 20, planes[0][y * 6 + x], EPS);
                assertEquals((y + px[1]) * 20, planes[1][y * 6 + x], EPS);
            }
        }
    }
}
