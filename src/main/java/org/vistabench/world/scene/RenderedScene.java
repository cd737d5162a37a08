package org.vistabench.world.scene;

import java.awt.image.BufferedImage;

/**
 * A scene drawn: the RGB image, the exact instance map (per pixel, the index into {@code scene.objects()} of the
 * visible object, or -1 for background), and per patch (raster order) the owning object (-1 = background) and the
 * content word the LM reads there.
 */
public record RenderedScene(Scene scene, BufferedImage image, int[] instanceMap, int[] patchOwner, String[] grid) {
}
