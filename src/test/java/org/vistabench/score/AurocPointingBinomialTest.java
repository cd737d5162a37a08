package org.vistabench.score;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AurocPointingBinomialTest {
    @Test
    void aurocIsTheShareOfPositiveNegativePairsOrderedRight() {
        // pairs (pos, neg): (0.35, 0.1) yes, (0.35, 0.4) no, (0.8, 0.1) yes, (0.8, 0.4) yes -> 3/4
        assertEquals(0.75, Auroc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}));
        assertEquals(1.0, Auroc.of(new double[] {0, 0, 5, 5}, new boolean[] {false, false, true, true}));
    }

    @Test
    void aurocCountsTiesAsOneHalf() {
        assertEquals(0.5, Auroc.of(new double[] {1, 1, 1, 1}, new boolean[] {true, false, true, false}));
        // pos {2, 1}, neg {1, 0}: (2,1) 1, (2,0) 1, (1,1) 0.5, (1,0) 1 -> 3.5/4
        assertEquals(0.875, Auroc.of(new double[] {2, 1, 1, 0}, new boolean[] {true, true, false, false}));
    }

    @Test
    void aurocIsUndefinedWithoutBothClasses() {
        assertEquals(Double.NaN, Auroc.of(new double[] {1, 2}, new boolean[] {true, true}));
        assertEquals(Double.NaN, Auroc.of(new double[] {1, 2}, new boolean[] {false, false}));
        assertThrows(IllegalArgumentException.class, () -> Auroc.of(new double[] {1}, new boolean[] {true, false}));
    }

    @Test
    void pointingGameSplitsTiesByTheShareInsideTheMask() {
        boolean[] mask = {false, true, false, false};
        assertEquals(1.0, PointingGame.hit(new double[] {0, 3, 1, 2}, mask));
        assertEquals(0.0, PointingGame.hit(new double[] {0, 1, 1, 2}, mask));
        assertEquals(0.5, PointingGame.hit(new double[] {0, 3, 1, 3}, mask));
    }

    @Test
    void aSilentLatentScoresExactlyTheChanceLevel() {
        boolean[] mask = {false, true, false, false};
        assertEquals(0.25, PointingGame.hit(new double[4], mask));
        assertEquals(0.25, PointingGame.chance(mask));
    }

    @Test
    void anEmptyMaskHasNoPointingGame() {
        assertEquals(Double.NaN, PointingGame.hit(new double[] {1, 2}, new boolean[2]));
        assertEquals(0.0, PointingGame.chance(new boolean[2]));
        assertThrows(IllegalArgumentException.class, () -> PointingGame.hit(new double[] {1}, new boolean[2]));
    }

    @Test
    void wilsonIntervalMatchesTheTextbookValues() {
        double[] zero = Binomial.wilson(0, 10, Binomial.Z95);
        assertEquals(0.0, zero[0]);
        assertEquals(0.2775, zero[1], 1e-4);
        double[] half = Binomial.wilson(5, 10, Binomial.Z95);
        assertEquals(0.2366, half[0], 1e-4);
        assertEquals(0.7634, half[1], 1e-4);
        assertArrayEquals(new double[] {Double.NaN, Double.NaN}, Binomial.wilson(0, 0, Binomial.Z95));
    }
}
