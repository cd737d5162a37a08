package org.vistabench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The learning-rate schedule and the data order ({@code optim.AdamW} has its own test). */
class OptimTest {
    @Test
    void scheduleWarmsUpLinearlyThenDecaysByCosineToZero() {
        LrSchedule s = new LrSchedule(1.0, 4, 14);
        assertEquals(0.0, s.at(0));
        assertEquals(0.5, s.at(2), 1e-12);
        assertEquals(1.0, s.at(4), 1e-12);
        assertEquals(0.5, s.at(9), 1e-12);
        assertEquals(0.0, s.at(14), 1e-12);
        LrSchedule noWarm = new LrSchedule(2.0, 0, 10);
        assertEquals(2.0, noWarm.at(0), 1e-12);
    }

    @Test
    void dataOrderVisitsEveryExampleOncePerEpochAndRestores() {
        DataOrder d = new DataOrder(10, 3);
        int[] first = d.next(10);
        java.util.Arrays.sort(first);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, first);
        d.next(3);
        DataOrder r = DataOrder.restore(10, 3, d.epoch(), d.position());
        assertArrayEquals(d.next(15), r.next(15));
        assertNotEquals(java.util.Arrays.toString(DataOrder.permutation(10, 3, 0)),
                java.util.Arrays.toString(DataOrder.permutation(10, 3, 1)));
    }
}
