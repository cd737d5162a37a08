package org.vistabench.data.feature;

import java.util.List;

/** Features held in Java arrays (tests, small synthetic setups). */
public record InMemoryFeatures(long[] imageIds, List<float[]> rows, int tokens, int dim) implements FeatureSource {
    public InMemoryFeatures {
        rows = List.copyOf(rows);
        if (imageIds.length != rows.size()) {
            throw new IllegalArgumentException(imageIds.length + " image ids for " + rows.size() + " rows");
        }
        for (float[] r : rows) {
            if (r.length != tokens * dim) {
                throw new IllegalArgumentException("feature row has " + r.length + " values, expected " + tokens
                        + " × " + dim);
            }
        }
    }

    @Override
    public int count() {
        return rows.size();
    }

    @Override
    public long imageId(int row) {
        return imageIds[row];
    }

    @Override
    public float[] row(int row) {
        return rows.get(row);
    }
}
