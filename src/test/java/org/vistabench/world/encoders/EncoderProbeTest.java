package org.vistabench.world.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncoderProbeTest {
    /** Rows whose class shifts the mean of a few dimensions; {@code signal} 0 makes them pure noise. */
    private static float[] rows(int[] y, int d, double signal, Random r) {
        float[] x = new float[y.length * d];
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (r.nextGaussian() + (j == y[i] ? signal : 0));
            }
        }
        return x;
    }

    private static int[] labels(int n, int classes, Random r) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextDouble() < 0.6 ? 0 : 1 + r.nextInt(classes - 1);
        }
        return y;
    }

    @Test
    void decodesLinearlySeparableClassesAndNotNoise() {
        Random r = new Random(1);
        int d = 8;
        int classes = 5;
        int[] yTrain = labels(2000, classes, r);
        int[] yTest = labels(500, classes, r);
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderProbe.Result good = EncoderProbe.fit(rows(yTrain, d, 4, r), yTrain, rows(yTest, d, 4, r), yTest, d,
                    classes, m);
            EncoderProbe.Result noise = EncoderProbe.fit(rows(yTrain, d, 0, r), yTrain, rows(yTest, d, 0, r), yTest,
                    d, classes, m);
            System.out.println("separable " + good + "\nnoise " + noise);
            assertTrue(good.objectAcc() > 0.9, good.toString());
            assertTrue(good.patchAcc() > good.majorityBaseline() + 0.2, good.toString());
            assertTrue(noise.objectAcc() < 0.2, noise.toString());
            assertTrue(Math.abs(noise.patchAcc() - noise.majorityBaseline()) < 0.05, noise.toString());
            assertEquals(2000, good.trainPatches());
            assertEquals(500, good.testPatches());
        }
    }

    @Test
    void predictionsAreTheClassesItsAccuraciesCount() {
        Random r = new Random(2);
        int d = 6;
        int classes = 4;
        int[] yTrain = labels(1500, classes, r);
        int[] yTest = labels(400, classes, r);
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderProbe.Fit fit = EncoderProbe.fitPredict(rows(yTrain, d, 1.5, r), yTrain, rows(yTest, d, 1.5, r),
                    yTest, d, classes, m);
            long[] pred = fit.testPredictions();
            assertEquals(yTest.length, pred.length);
            int right = 0;
            int objects = 0;
            int objectRight = 0;
            for (int i = 0; i < pred.length; i++) {
                assertTrue(pred[i] >= 0 && pred[i] < classes, "class " + pred[i]);
                right += pred[i] == yTest[i] ? 1 : 0;
                if (yTest[i] != 0) {
                    objects++;
                    objectRight += pred[i] == yTest[i] ? 1 : 0;
                }
            }
            assertEquals(right / (double) pred.length, fit.result().patchAcc(), 1e-12);
            assertEquals(objectRight / (double) objects, fit.result().objectAcc(), 1e-12);
            // a noisy (signal 1.5) problem: neither perfect nor at the majority baseline
            assertTrue(fit.result().patchAcc() < 0.99 && fit.result().patchAcc() > fit.result().majorityBaseline(),
                    fit.result().toString());
        }
    }

    @Test
    void bagOfWordsCountsKnownWordsOnly() {
        float[][] b = EncoderTrainer.bagsOfWords(List.of("A red cat and a red dog.", "nothing known"),
                List.of("a", "red", "cat", "dog"));
        assertArrayEquals(new float[] {2 / 6f, 2 / 6f, 1 / 6f, 1 / 6f}, b[0], 1e-6f);
        assertArrayEquals(new float[4], b[1]);
    }
}
