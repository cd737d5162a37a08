package org.vistabench.world.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The image-level targets of the global encoders and the image-level probe's labels, on hand-made patch labels. */
class GlobalTargetsTest {
    // 2 images of 4 patches; 3 categories, 2 colours; -1 = background
    private static final EncoderTrainingData DATA = new EncoderTrainingData(
            List.of(new float[0], new float[0]),
            List.of(new int[] {-1, 2, 2, 0}, new int[] {-1, -1, -1, -1}),
            List.of(new int[] {-1, 1, 1, 1}, new int[] {-1, -1, -1, -1}),
            List.of("a", "b"), List.of("a", "b"), 3, 2, 28, 14);

    @Test
    void categoriesPresentMarksEveryCategoryOwningAPatchAndNothingForAnEmptyImage() {
        float[][] c = EncoderTrainer.categoriesPresent(DATA);
        assertArrayEquals(new float[] {1, 0, 1}, c[0]);
        assertArrayEquals(new float[] {0, 0, 0}, c[1]);
    }

    @Test
    void mainObjectLabelsEveryPatchWithTheLargestObjectTiesToTheLowestAndBackgroundOnlyStaysBackground() {
        List<int[]> m = EncoderStage.mainObject(List.of(new int[] {-1, 2, 2, 0}, new int[] {1, 0, -1, -1},
                new int[] {-1, -1, -1, -1}));
        assertArrayEquals(new int[] {2, 2, 2, 2}, m.get(0));
        assertArrayEquals(new int[] {0, 0, 0, 0}, m.get(1));
        assertArrayEquals(new int[] {-1, -1, -1, -1}, m.get(2));
        assertEquals(3, m.size());
    }
}
