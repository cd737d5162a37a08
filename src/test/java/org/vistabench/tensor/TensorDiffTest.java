package org.vistabench.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vistabench.tensor.TensorDiff.Bound;
import org.vistabench.tensor.TensorDiff.NonFinite;

class TensorDiffTest {
    @Test
    void scaledBoundGrowsWithTheReferenceAndRelFloorSetsMaxRel() {
        TensorDiff d = TensorDiff.compare("t", new float[] {1f, 4.0002f}, new float[] {1f, 4f}, 1e-4,
                Bound.MAX_ABS_SCALED, 1, NonFinite.NAN);
        assertEquals(4e-4, d.bound(), 1e-12);
        assertEquals(d.maxAbs() / 4, d.maxRel(), 1e-12);
        assertTrue(d.ok(), d.toString());
        TensorDiff small = TensorDiff.compare("t", new float[] {0.5f}, new float[] {0.25f}, 1e-4,
                Bound.MAX_ABS_SCALED, 1e-30, NonFinite.INFINITY);
        assertEquals(1e-4, small.bound(), 0);
        assertEquals(1.0, small.maxRel(), 0);
    }

    @Test
    void nonFiniteDifferencesFailAndReportAsAsked() {
        float[] ours = {Float.NaN, 1f};
        float[] ref = {0f, 1f};
        TensorDiff nan = TensorDiff.compare("t", ours, ref, 1, Bound.MAX_ABS_SCALED, 1, NonFinite.NAN);
        assertTrue(Double.isNaN(nan.maxAbs()) && Double.isNaN(nan.maxRel()) && !nan.ok());
        TensorDiff inf = TensorDiff.compare("t", ours, ref, 1, Bound.MAX_ABS_SCALED, 1, NonFinite.INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, inf.maxAbs());
        assertFalse(inf.ok());
        TensorDiff ieee = TensorDiff.compare("t", new float[] {Float.POSITIVE_INFINITY}, new float[] {0f}, 1,
                Bound.MAX_REL, Float.MIN_NORMAL, NonFinite.PROPAGATE);
        assertEquals(Double.POSITIVE_INFINITY, ieee.maxAbs());
        assertFalse(ieee.ok());
        // an infinite reference makes the scaled bound infinite; the non-finite difference still fails
        float[] inf1 = {Float.POSITIVE_INFINITY};
        assertFalse(TensorDiff.compare("t", inf1, inf1, 1e-4, Bound.MAX_ABS_SCALED, 1e-30, NonFinite.INFINITY).ok());
    }

    @Test
    void relBoundOfZeroIsExactAndLengthMismatchFails() {
        assertTrue(TensorDiff.compare("l0", new float[] {3f}, new float[] {3f}, 0, Bound.MAX_REL, Float.MIN_NORMAL,
                NonFinite.PROPAGATE).ok());
        assertFalse(TensorDiff.compare("l0", new float[] {3f}, new float[] {4f}, 0, Bound.MAX_REL, Float.MIN_NORMAL,
                NonFinite.PROPAGATE).ok());
        TensorDiff m = TensorDiff.compare("t", new float[2], new float[3], 0.02, Bound.MAX_ABS, 1e-30,
                NonFinite.INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, m.maxAbs());
        assertEquals(0.02, m.bound());
        assertFalse(m.ok());
    }

    @Test
    void countMismatchesCountsLengthDifferenceToo() {
        TensorDiff d = TensorDiff.countMismatches("ids", new long[] {1, 2, 3}, new long[] {1, 5});
        assertEquals(2, d.maxAbs());
        assertFalse(d.ok());
        assertTrue(TensorDiff.countMismatches("ids", new long[] {7}, new long[] {7}).ok());
    }

    @Test
    void withToleranceRescalesScaledAndRelBoundsOnly() {
        TensorDiff scaled = new TensorDiff("t", 3e-4, 1e-4, Bound.MAX_ABS_SCALED, 4e-4, true);
        TensorDiff tight = scaled.withTolerance(1e-5, 1e-4);
        assertEquals(4e-5, tight.bound(), 1e-15);
        assertFalse(tight.ok());
        TensorDiff rel = new TensorDiff("t", 1, 2e-6, Bound.MAX_REL, 1e-5, true).withTolerance(1e-6, 1e-5);
        assertEquals(1e-6, rel.bound());
        assertFalse(rel.ok());
        TensorDiff abs = new TensorDiff("t", 1, 1, Bound.MAX_ABS, 2e-2, false);
        assertEquals(abs, abs.withTolerance(10, 1e-4));
        TensorDiff exact = TensorDiff.countMismatches("ids", new long[] {1}, new long[] {1});
        assertEquals(exact, exact.withTolerance(10, 1e-4));
    }
}
