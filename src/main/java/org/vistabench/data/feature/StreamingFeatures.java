package org.vistabench.data.feature;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.vistabench.tensor.NdArrays;

/**
 * Features computed when a batch asks for them, never stored: the frozen encoder runs on the batch's images, as
 * LLaVA-style trainers do. For training splits whose cached features would not fit on disk (LLaVA-Pretrain's 558k
 * images at 256 × 1024 floats are about 590 GB; COCO train2017 at DINOv2-L's shape about 120 GB). Rows are the split's
 * images in its order; the same rows give the same floats (the encoder is deterministic on CPU for a given batch).
 */
public final class StreamingFeatures implements FeatureSource {
    /** Encodes the images of some rows of the split, in that order. */
    @FunctionalInterface
    public interface RowsEncoder {
        FeatureCache.Block encode(int[] rows);
    }

    private final long[] ids;
    private final RowsEncoder encoder;
    private final int tokens;
    private final int dim;

    /** {@code tokens} and {@code dim} come from encoding row 0 once. */
    public StreamingFeatures(long[] ids, RowsEncoder encoder) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("a split with no images has no features to stream");
        }
        this.ids = ids.clone();
        this.encoder = encoder;
        FeatureCache.Block first = encoder.encode(new int[] {0});
        this.tokens = first.tokens();
        this.dim = first.dim();
    }

    @Override
    public int count() {
        return ids.length;
    }

    @Override
    public int tokens() {
        return tokens;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public long imageId(int row) {
        return ids[row];
    }

    @Override
    public float[] row(int row) {
        return check(encoder.encode(new int[] {row}), 1).data();
    }

    /** One encoder call for the whole batch. */
    @Override
    public NDArray batch(NDManager manager, int[] rows) {
        FeatureCache.Block b = check(encoder.encode(rows.clone()), rows.length);
        return NdArrays.owned(manager, b.data(), new Shape(rows.length, tokens, dim));
    }

    private FeatureCache.Block check(FeatureCache.Block b, int n) {
        if (b.tokens() != tokens || b.dim() != dim || b.data().length != (long) n * tokens * dim) {
            throw new IllegalStateException("the encoder gave " + b.data().length + " floats of " + b.tokens() + " x "
                    + b.dim() + " for " + n + " images, expected " + tokens + " x " + dim + " each");
        }
        return b;
    }
}
