package org.vistabench.data;

import java.util.List;
import java.util.Map;

/**
 * An instance annotation: bbox {@code [x, y, w, h]}, area, and its segmentation either as polygons ({@code
 * polygons}, COCO's list of flat x,y lists) or as a run-length mask ({@code rle}); the other is null.
 *
 * @param attributes extra per-instance fields (the mini world writes {@code colour} and {@code state}), sorted
 */
public record CocoAnnotation(long id, long imageId, int categoryId, double[] bbox, double area, int iscrowd,
                             List<double[]> polygons, Rle rle, Map<String, String> attributes) {
}
