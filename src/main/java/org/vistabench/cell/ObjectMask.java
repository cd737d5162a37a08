package org.vistabench.cell;

/**
 * The patches of an encoder's grid that show one object category of an image (instances of one category are
 * unioned, as the authors union a class's boxes).
 *
 * @param category the canonical category name
 * @param patches  per patch in raster order, whether it is in the mask
 */
public record ObjectMask(String category, boolean[] patches) {
    public int size() {
        int n = 0;
        for (boolean b : patches) {
            n += b ? 1 : 0;
        }
        return n;
    }
}
