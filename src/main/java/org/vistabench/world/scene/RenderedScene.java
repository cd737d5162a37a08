package org.vistabench.world.scene;

import java.awt.image.BufferedImage;
import java.util.function.ToIntFunction;

/**
 * A scene drawn: the RGB image, the exact instance map (per pixel, the index into {@code scene.objects()} of the
 * visible object, or -1 for background), and per patch (raster order) the owning object (-1 = background) and the
 * content word the LM reads there.
 */
public record RenderedScene(Scene scene, BufferedImage image, int[] instanceMap, int[] patchOwner, String[] grid) {
    /** The image as CHW float values in [0, 1] (what the encoder stage trains on): {@link #unit} of {@link #chw8}. */
    public float[] chw01() {
        return unit(chw8());
    }

    /** The image as CHW 8-bit values (a quarter of {@link #chw01}'s memory, the same information). */
    public byte[] chw8() {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        byte[] chw = new byte[3 * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                chw[y * w + x] = (byte) (rgb >> 16);
                chw[plane + y * w + x] = (byte) (rgb >> 8);
                chw[2 * plane + y * w + x] = (byte) rgb;
            }
        }
        return chw;
    }

    /** 8-bit values as floats in [0, 1] ({@code v / 255}, exactly as {@link #chw01} gives them). */
    public static float[] unit(byte[] chw8) {
        float[] out = new float[chw8.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (chw8[i] & 0xFF) / 255f;
        }
        return out;
    }

    /** Per patch, the owning object's category index, or -1 for background. */
    public int[] patchCategories() {
        return perPatch(SceneObject::category);
    }

    /** Per patch, the owning object's colour index, or -1 for background. */
    public int[] patchColours() {
        return perPatch(SceneObject::colour);
    }

    private int[] perPatch(ToIntFunction<SceneObject> f) {
        int[] out = new int[patchOwner.length];
        for (int p = 0; p < out.length; p++) {
            int o = patchOwner[p];
            out[p] = o < 0 ? -1 : f.applyAsInt(scene.objects().get(o));
        }
        return out;
    }
}
