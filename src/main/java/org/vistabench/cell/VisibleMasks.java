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
     * pixels ({@link VisibleRegion#inPixels}); where it reaches beyond the served image (a crop larger than the
     * resized image: the tensor's border is zero padding) those grid pixels count towards their patch's area but
     * show no object. The whole served image gives exactly {@code categoryPatchMasks} over {@code sx, sy, sw, sh}.
     */
    static List<ObjectMask> of(CocoDataset ds, long id, int cols, int rows, double minCover, int sx, int sy, int sw,
                               int sh, ImageSplit.Visible visible) {
        int[] r = visible.of(sw, sh).inPixels(sw, sh);
        List<ObjectMask> out = new ArrayList<>();
        ds.categoryPatchMasks(id, cols, rows, minCover, sx + r[0], sy + r[1], r[2], r[3], new int[] {sx, sy, sw, sh})
                .forEach((cat, in) -> out.add(new ObjectMask(cat, in)));
        return out;
    }
}
