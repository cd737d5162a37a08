package org.vistabench.data.feature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vistabench.tensor.NdArrays;

/** Streamed features: one encoder call per batch, rows in the order asked, a wrong shape refused. */
class StreamingFeaturesTest {
    /** Row r's features are 2 tokens x 3 dims of r*10 + position. */
    private static FeatureCache.Block fake(int[] rows) {
        float[] out = new float[rows.length * 6];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < 6; j++) {
                out[i * 6 + j] = rows[i] * 10 + j;
            }
        }
        return new FeatureCache.Block(out, 2, 3);
    }

    @Test
    void aBatchIsOneEncoderCallWithItsRowsInOrder() {
        List<int[]> calls = new ArrayList<>();
        StreamingFeatures f = new StreamingFeatures(new long[] {7, 8, 9, 11}, rows -> {
            calls.add(rows.clone());
            return fake(rows);
        });
        assertEquals(List.of(2, 3, 4, 11L), List.of(f.tokens(), f.dim(), f.count(), f.imageId(3)));
        assertEquals(1, calls.size()); // the shape probe: row 0
        try (NDManager m = NDManager.newBaseManager()) {
            float[] got = NdArrays.toFloats(f.batch(m, new int[] {3, 1}));
            assertEquals(2, calls.size());
            assertArrayEquals(new int[] {3, 1}, calls.get(1));
            assertArrayEquals(new float[] {30, 31, 32, 33, 34, 35, 10, 11, 12, 13, 14, 15}, got);
        }
        assertArrayEquals(new float[] {20, 21, 22, 23, 24, 25}, f.row(2));
    }

    @Test
    void anEncoderThatChangesShapeIsRefused() {
        int[] n = {0};
        StreamingFeatures f = new StreamingFeatures(new long[] {1, 2}, rows -> n[0]++ == 0 ? fake(rows)
                : new FeatureCache.Block(new float[rows.length * 4], 2, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.row(1));
        assertTrue(e.getMessage().contains("expected 2 x 3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StreamingFeatures(new long[0], StreamingFeaturesTest::fake));
    }
}
