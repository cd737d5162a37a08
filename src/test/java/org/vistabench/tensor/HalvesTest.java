package org.vistabench.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HalvesTest {
    private static void assertBits(int expectedFloatBits, int f16) {
        float got = Halves.f16ToFloat((short) f16);
        assertEquals(Integer.toHexString(expectedFloatBits), Integer.toHexString(Float.floatToRawIntBits(got)),
                "f16 0x" + Integer.toHexString(f16));
    }

    @Test
    void f16ConversionIsExactForZerosSubnormalsNormalsInfAndNan() {
        // Expected values worked out by hand from IEEE 754 (what Java 20's Float.float16ToFloat returns).
        assertBits(0x00000000, 0x0000);                      // +0
        assertBits(0x80000000, 0x8000);                      // -0 keeps its sign
        assertBits(Float.floatToRawIntBits(0x1p-24f), 0x0001);          // smallest subnormal 2^-24
        assertBits(Float.floatToRawIntBits(-0x1p-24f), 0x8001);
        assertBits(Float.floatToRawIntBits(1023 * 0x1p-24f), 0x03ff);   // largest subnormal
        assertBits(Float.floatToRawIntBits(0x1p-14f), 0x0400);          // smallest normal
        assertBits(0x3f800000, 0x3c00);                      // 1
        assertBits(0xc0000000, 0xc000);                      // -2
        assertBits(Float.floatToRawIntBits(0.333251953125f), 0x3555);   // (1 + 341/1024) / 4
        assertBits(Float.floatToRawIntBits(65504f), 0x7bff);            // max finite
        assertBits(0x7f800000, 0x7c00);                      // +inf
        assertBits(0xff800000, 0xfc00);                      // -inf
        assertBits(0x7fc00000, 0x7e00);                      // quiet NaN
        assertBits(0x7f802000, 0x7c01);                      // NaN payload shifted, not lost
        assertBits(0xffc00000, 0xfe00);                      // negative NaN
    }

    @Test
    void f16TableAgreesWithTheArithmeticForEveryPattern() {
        for (int h = 0; h < 1 << 16; h++) {
            assertEquals(Float.floatToRawIntBits(Halves.f16ToFloatSlow((short) h)),
                    Float.floatToRawIntBits(Halves.f16ToFloat((short) h)), "0x" + Integer.toHexString(h));
        }
    }

    @Test
    void bf16RoundTripsEveryPatternAndRoundsToNearestEven() {
        for (int b = 0; b < 1 << 16; b++) {
            float f = Halves.bf16ToFloat((short) b);
            short back = Halves.floatToBf16(f);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Halves.bf16ToFloat(back)), "NaN stays NaN: 0x" + Integer.toHexString(b));
            } else {
                assertEquals(b, back & 0xffff, "0x" + Integer.toHexString(b));
            }
        }
        assertEquals(0x3f80, Halves.floatToBf16(1f + 0x1p-8f) & 0xffff);            // tie -> even (down)
        assertEquals(0x3f82, Halves.floatToBf16(1f + 3 * 0x1p-8f) & 0xffff);        // tie -> even (up)
        assertEquals(0x3f81, Halves.floatToBf16(1f + 0x1p-8f + 0x1p-20f) & 0xffff); // above the tie
        assertEquals(0xbf80, Halves.floatToBf16(-1f - 0x1p-8f) & 0xffff);           // sign-symmetric
        assertEquals(0x7f80, Halves.floatToBf16(Float.MAX_VALUE) & 0xffff);          // overflows to +inf
        assertEquals(0xff80, Halves.floatToBf16(Float.NEGATIVE_INFINITY) & 0xffff);
        assertEquals(0x0001, Halves.floatToBf16(Float.MIN_VALUE * 65536f) & 0xffff); // subnormal kept
        assertTrue(Float.isNaN(Halves.bf16ToFloat(Halves.floatToBf16(Float.intBitsToFloat(0x7f800001)))),
                "a NaN whose payload sits only in the low bits must not round to inf");
    }

    @Test
    void bf16WrittenThenReadGivesTheRoundedValues(@TempDir Path tmp) {
        float[] v = {1f + 0x1p-8f, 1f + 3 * 0x1p-8f, 3.14159265f, -0f, Float.POSITIVE_INFINITY, 1e-40f};
        Path f = tmp.resolve("r.safetensors");
        new SafeTensorsWriter().put("v", DType.BF16, new long[] {v.length}, v).write(f);
        try (SafeTensors st = SafeTensors.open(f)) {
            float[] back = st.floats("v");
            for (int i = 0; i < v.length; i++) {
                assertEquals(Halves.bf16ToFloat(Halves.floatToBf16(v[i])), back[i], 0f, "element " + i);
                float rel = Math.abs(back[i] - v[i]) / Math.max(Math.abs(v[i]), 1e-30f);
                assertTrue(Float.isInfinite(v[i]) || v[i] == 0 || rel <= 0x1p-8f, "within half an ulp: " + rel);
            }
            assertEquals(1f, back[0]);
            assertEquals(1f + 0x1p-6f, back[1]);
        }
    }

    @Test
    void bulkDecodeMatchesScalarDecodeForAllFloatTypes() {
        int n = 1000;
        ByteBuffer bb = ByteBuffer.allocate(n * 8).order(ByteOrder.LITTLE_ENDIAN);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < n * 8; i++) {
            bb.put((byte) r.nextInt());
        }
        Halves.Scratch s = new Halves.Scratch();
        float[] out = new float[n + 3];
        Halves.decode(DType.BF16, bb.position(0), out, 3, n, s);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(Halves.bf16ToFloat(bb.getShort(2 * i))),
                    Float.floatToRawIntBits(out[3 + i]));
        }
        Halves.decode(DType.F16, bb.position(0), out, 0, n, s);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(Halves.f16ToFloatSlow(bb.getShort(2 * i))),
                    Float.floatToRawIntBits(out[i]));
        }
        Halves.decode(DType.F64, bb.position(0), out, 0, n, s);
        for (int i = 0; i < n; i++) {
            assertEquals((float) bb.getDouble(8 * i), out[i]);
        }
    }
}
