package org.vistabench.data.feature;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Per-image frozen-encoder features: {@code count()} rows of {@code [tokens, dim]} floats. */
public interface FeatureSource {
    int count();

    int tokens();

    int dim();

    /** The dataset's id of row {@code row}'s image. */
    long imageId(int row);

    /** One row as {@code tokens × dim} floats. */
    float[] row(int row);

    /** Rows {@code rows} stacked as an F32 {@code [rows.length, tokens, dim]} array in {@code manager}. */
    default NDArray batch(NDManager manager, int[] rows) {
        int per = tokens() * dim();
        float[] out = new float[rows.length * per];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(row(rows[i]), 0, out, i * per, per);
        }
        return org.vistabench.tensor.NdArrays.owned(manager, out,
                new ai.djl.ndarray.types.Shape(rows.length, tokens(), dim()));
    }
}
