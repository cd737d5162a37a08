package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vistabench.model.sae.Sae;
import org.vistabench.tensor.NdArrays;

/** The SAE edit keeps the error term exactly: only the edited latents' decoder rows change the residual. */
class SteeringEditsTest {
    private static final int D = 8;
    private static final int W = 16;

    private static float[] gauss(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static Sae sae(NDManager m) {
        SplittableRandom r = new SplittableRandom(3);
        return new Sae(m, D, W, gauss(r, D * W), gauss(r, W * D), gauss(r, W), gauss(r, D), new float[W]);
    }

    @Test
    void anEditOfNoLatentReturnsTheResidualBitForBit() {
        try (NDManager m = NDManager.newBaseManager()) {
            Sae sae = sae(m);
            NDArray x = NdArrays.owned(m, gauss(new SplittableRandom(9), 3 * D), new Shape(1, 3, D));
            assertSame(x, SteeringEdits.saeEdit(sae, x, new int[0], new int[0], new float[0]));
            float[] codes = sae.encode(x).toFloatArray();
            int silent = -1;
            for (int j = 0; j < W && silent < 0; j++) {
                if (codes[j] == 0 && codes[W + j] == 0 && codes[2 * W + j] == 0) {
                    silent = j;
                }
            }
            // zeroing a latent that is off everywhere changes nothing (the error term is added back, not recomputed)
            float[] edited = SteeringEdits.saeEdit(sae, x, new int[] {silent}, new int[0], new float[0]).toFloatArray();
            float[] orig = x.toFloatArray();
            for (int i = 0; i < orig.length; i++) {
                assertEquals(orig[i], edited[i], 1e-6f);
            }
        }
    }

    @Test
    void zeroingALatentMovesTheResidualAlongItsDecoderRowOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Sae sae = sae(m);
            NDArray x = NdArrays.owned(m, gauss(new SplittableRandom(9), D), new Shape(1, 1, D));
            float[] codes = sae.encode(x).toFloatArray();
            int active = 0;
            while (codes[active] <= 0) {
                active++;
            }
            float[] edited = SteeringEdits.saeEdit(sae, x, new int[] {active}, new int[0], new float[0]).toFloatArray();
            float[] orig = x.toFloatArray();
            float[] dec = sae.wDec().toFloatArray();
            float[] expected = new float[D];
            for (int i = 0; i < D; i++) {
                expected[i] = orig[i] - codes[active] * dec[active * D + i];
            }
            assertArrayEquals(expected, edited, 1e-5f);
            // setting a latent to a value adds (value - code) times its row
            float[] set = SteeringEdits.saeEdit(sae, x, new int[0], new int[] {active}, new float[] {codes[active] + 2})
                    .toFloatArray();
            for (int i = 0; i < D; i++) {
                assertEquals(orig[i] + 2 * dec[active * D + i], set[i], 1e-5f);
            }
        }
    }

    @Test
    void controlsMatchTheRealEditsNormPerPosition() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = NdArrays.owned(m, new float[] {1, 2, 3, 4}, new Shape(1, 2, 2));
            NDArray delta = NdArrays.owned(m, new float[] {3, 4, 0, 0}, new Shape(1, 2, 2));
            float[] out = SteeringEdits.matchedNorm(x, delta, new float[] {0, 2}).toFloatArray();
            assertArrayEquals(new float[] {1, 7, 3, 4}, out); // |delta| 5 at position 0, 0 at position 1
            assertArrayEquals(new float[] {-1, 1}, SteeringEdits.additiveDirection(
                    new Sae(m, 2, 2, new float[4], new float[] {2, 0, 0, 3}, new float[2], new float[2], new float[2]),
                    new int[] {0}, new int[] {1}, 1.0));
        }
    }
}
