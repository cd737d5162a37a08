package org.vistabench.cell;

import java.util.ArrayList;
import java.util.List;
import org.vistabench.data.CocoDataset;
import org.vistabench.model.vision.VisibleRegion;

/** Object masks of a COCO-format image laid over the part of its served image that an encoder sees. */
final class VisibleMasks {
    private VisibleMasks() {
    }

    /**
     * The masks on a {@code cols × rows} grid over the visible part of the served image, the served image being the
     * region {@code [sx, sx + sw) × [sy, sy + sh)} of the dataset's image. The visible region is rounded to whole
     * pixels ({@link VisibleRegion#inPixels}) and clamped to the served image (a padded crop's zero border is not
     * modelled). The whole served image gives exactly {@code categoryPatchMasks} over {@code sx, sy, sw, sh}.
     */
    static List<ObjectMask> of(CocoDataset ds, long id, int cols, int rows, double minCover, int sx, int sy, int sw,
                               int sh, ImageSplit.Visible visible) {
        int[] r = visible.of(sw, sh).inPixels(sw, sh);
        int x0 = clamp(r[0], 0, sw - 1);
        int y0 = clamp(r[1], 0, sh - 1);
        int x1 = clamp(r[0] + r[2], x0 + 1, sw);
        int y1 = clamp(r[1] + r[3], y0 + 1, sh);
        List<ObjectMask> out = new ArrayList<>();
        ds.categoryPatchMasks(id, cols, rows, minCover, sx + x0, sy + y0, x1 - x0, y1 - y0)
                .forEach((cat, in) -> out.add(new ObjectMask(cat, in)));
        return out;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
