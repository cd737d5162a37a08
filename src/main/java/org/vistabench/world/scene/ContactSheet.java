package org.vistabench.world.scene;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/** Sample scenes beside their instance masks (one colour per object, background black), two tiles per scene. */
public final class ContactSheet {
    private static final int[][] MASK_RGB = {{255, 80, 80}, {80, 220, 80}, {90, 140, 255}};

    private ContactSheet() {
    }

    public static BufferedImage of(List<RenderedScene> scenes, int columns) {
        int s = SceneGenerator.IMAGE_SIZE;
        int gap = 4;
        int rows = (scenes.size() + columns - 1) / columns;
        int w = columns * (2 * s + 3 * gap);
        int h = rows * (s + gap) + gap;
        BufferedImage sheet = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        for (int i = 0; i < scenes.size(); i++) {
            RenderedScene rs = scenes.get(i);
            int x0 = (i % columns) * (2 * s + 3 * gap) + gap;
            int y0 = (i / columns) * (s + gap) + gap;
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    sheet.setRGB(x0 + x, y0 + y, rs.image().getRGB(x, y));
                    int o = rs.instanceMap()[y * s + x];
                    int[] c = o < 0 ? new int[] {0, 0, 0} : MASK_RGB[o % MASK_RGB.length];
                    boolean gridLine = x % SceneGenerator.PATCH == 0 || y % SceneGenerator.PATCH == 0;
                    int k = gridLine ? 2 : 1;
                    sheet.setRGB(x0 + s + gap + x, y0 + y, (0xFF << 24) | (c[0] / k << 16) | (c[1] / k << 8) | (c[2] / k)
                            | (gridLine && o < 0 ? 0x303030 : 0));
                }
            }
        }
        return sheet;
    }
}
