package org.vistabench.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * BF16 / F16 / F64 to F32 in Java: DJL's stock PyTorch JNI aborts the JVM on any BF16 tensor, so half-precision data
 * never reaches torch as such. The bulk decoders copy a chunk into a Java array first ({@code ShortBuffer.get(short[])}
 * is a memcpy) and convert in a plain loop the JIT can unroll, instead of one bounds-checked buffer read per element.
 */
final class Halves {
    /** F16 → F32 for all 65536 bit patterns: exact, and a load is faster than the branches on exponent classes. */
    private static final float[] F16_TABLE = new float[1 << 16];

    static {
        for (int i = 0; i < F16_TABLE.length; i++) {
            F16_TABLE[i] = f16ToFloatSlow((short) i);
        }
    }

    private Halves() {
    }

    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Round-to-nearest-even, as torch's {@code .to(torch.bfloat16)} does; NaN stays NaN (quiet, sign kept). */
    static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    static float f16ToFloat(short h) {
        return F16_TABLE[h & 0xffff];
    }

    /** IEEE binary16 → binary32, exact for every pattern (subnormals, ±0, ±inf, NaN payloads kept). */
    static float f16ToFloatSlow(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // subnormal: value = mant * 2^-24, exact in float
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Per-worker scratch arrays, so that a chunked decode allocates once per worker, not once per chunk. */
    static final class Scratch {
        short[] shorts = new short[0];
        double[] doubles = new double[0];
        float[] floats = new float[0];

        short[] shorts(int n) {
            if (shorts.length < n) {
                shorts = new short[n];
            }
            return shorts;
        }

        double[] doubles(int n) {
            if (doubles.length < n) {
                doubles = new double[n];
            }
            return doubles;
        }

        float[] floats(int n) {
            if (floats.length < n) {
                floats = new float[n];
            }
            return floats;
        }
    }

    /**
     * Decodes {@code count} elements of {@code dtype} from {@code src} (its position onward, any byte order set; we
     * force little-endian) into {@code dst[off, off+count)} as float32.
     */
    static void decode(DType dtype, ByteBuffer src, float[] dst, int off, int count, Scratch s) {
        ByteBuffer le = src.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> le.asFloatBuffer().get(dst, off, count);
            case BF16 -> {
                short[] t = s.shorts(count);
                le.asShortBuffer().get(t, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[off + i] = Float.intBitsToFloat(t[i] << 16);
                }
            }
            case F16 -> {
                short[] t = s.shorts(count);
                le.asShortBuffer().get(t, 0, count);
                float[] table = F16_TABLE;
                for (int i = 0; i < count; i++) {
                    dst[off + i] = table[t[i] & 0xffff];
                }
            }
            case F64 -> {
                double[] t = s.doubles(count);
                le.asDoubleBuffer().get(t, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[off + i] = (float) t[i];
                }
            }
            default -> throw new IllegalArgumentException("not a floating dtype: " + dtype);
        }
    }
}
