package org.vistabench.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A COCO run-length mask: alternating runs of 0s and 1s (starting with 0s) over the pixels in column-major
 * (Fortran) order, as pycocotools writes them. {@link #fromCompressed} reads the compressed string form.
 */
public record Rle(int height, int width, int[] counts) {

    /** Row-major mask, {@code mask[y * width + x]}. */
    public boolean[] decode() {
        boolean[] m = new boolean[height * width];
        int pos = 0;
        boolean v = false;
        for (int c : counts) {
            for (int i = 0; i < c; i++, pos++) {
                if (v) {
                    int x = pos / height;
                    int y = pos % height;
                    m[y * width + x] = true;
                }
            }
            v = !v;
        }
        if (pos != height * width) {
            throw new IllegalArgumentException("RLE counts cover " + pos + " pixels, the mask has " + height * width);
        }
        return m;
    }

    public static Rle encode(boolean[] mask, int height, int width) {
        List<Integer> runs = new ArrayList<>();
        boolean v = false;
        int run = 0;
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                boolean p = mask[y * width + x];
                if (p != v) {
                    runs.add(run);
                    run = 0;
                    v = p;
                }
                run++;
            }
        }
        runs.add(run);
        int[] c = new int[runs.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = runs.get(i);
        }
        return new Rle(height, width, c);
    }

    /** pycocotools' compressed counts string (6 bits per char, offset 48, deltas from the run two back). */
    public static Rle fromCompressed(String s, int height, int width) {
        List<Integer> cnts = new ArrayList<>();
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                int c = s.charAt(p) - 48;
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (cnts.size() > 2) {
                x += cnts.get(cnts.size() - 2);
            }
            cnts.add((int) x);
        }
        int[] c = new int[cnts.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = cnts.get(i);
        }
        return new Rle(height, width, c);
    }
}
