package org.vistabench.model.vision;

/**
 * The part of a processor's input image that ends up in its pixel tensor, as fractions of the input's width
 * ({@code x0}, {@code x1}) and height ({@code y0}, {@code y1}): the tensor's columns span {@code [x0, x1)} of the
 * input's width, its rows {@code [y0, y1)} of its height. A resize maps the whole input onto the whole resized
 * image, so a crop of the resized image is the same fraction of the input. Values outside {@code [0, 1]} mean the
 * crop was larger than the resized image and the tensor's border is zero padding.
 */
public record VisibleRegion(double x0, double y0, double x1, double y1) {
    /** The whole input (a processor that does not crop, or crops to the resized size). */
    public static final VisibleRegion FULL = new VisibleRegion(0, 0, 1, 1);

    public VisibleRegion {
        if (!(x1 > x0) || !(y1 > y0)) {
            throw new IllegalArgumentException("empty visible region " + x0 + "," + y0 + " – " + x1 + "," + y1);
        }
    }

    public boolean isFull() {
        return x0 == 0 && y0 == 0 && x1 == 1 && y1 == 1;
    }

    /**
     * This region on a {@code width × height} image in whole pixels: {@code {x0, y0, w, h}}, each edge rounded to
     * the nearest pixel ({@code Math.round(fraction × size)}); may reach outside the image when the region does.
     * {@link #FULL} gives exactly {@code {0, 0, width, height}}.
     */
    public int[] inPixels(int width, int height) {
        int px0 = (int) Math.round(x0 * width);
        int py0 = (int) Math.round(y0 * height);
        int px1 = (int) Math.round(x1 * width);
        int py1 = (int) Math.round(y1 * height);
        return new int[] {px0, py0, Math.max(1, px1 - px0), Math.max(1, py1 - py0)};
    }
}
