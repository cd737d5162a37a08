package org.vistabench.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RleTest {
    @Test
    void encodeDecodeRoundTripsColumnMajorRuns() {
        Random r = new Random(1);
        boolean[] m = new boolean[7 * 5];
        for (int i = 0; i < m.length; i++) {
            m[i] = r.nextInt(3) == 0;
        }
        Rle rle = Rle.encode(m, 7, 5);
        assertArrayEquals(m, rle.decode());
    }

    @Test
    void countsStartWithBackgroundAndRunDownColumns() {
        // 2x2 mask with only the top-right pixel set: column-major order is (0,0) (1,0) (0,1) (1,1)
        boolean[] m = {false, true, false, false};
        assertArrayEquals(new int[] {2, 1, 1}, Rle.encode(m, 2, 2).counts());
    }

    @Test
    void readsPycocotoolsCompressedCounts() {
        // rleToString: 6-bit chars offset 48; from the 4th count on, the delta to the count two back is stored
        assertArrayEquals(new int[] {2, 1, 1}, Rle.fromCompressed("211", 2, 2).counts());
        assertArrayEquals(new int[] {3, 4, 5, 2}, Rle.fromCompressed("345N", 2, 7).counts());
        assertArrayEquals(new boolean[] {false, true, false, false}, Rle.fromCompressed("211", 2, 2).decode());
    }

    @Test
    void rejectsCountsThatDoNotCoverTheMask() {
        assertThrows(IllegalArgumentException.class, () -> new Rle(2, 2, new int[] {1, 1}).decode());
    }
}
