package org.vistabench.model.lm;

/** Rounding a float to the nearest bfloat16 (ties to even), as torch's {@code .to(torch.bfloat16)} does. */
final class Bf16 {
    private Bf16() {
    }

    static float round(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        int bits = Float.floatToRawIntBits(x);
        int lsb = (bits >>> 16) & 1;
        bits += 0x7FFF + lsb;
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }
}
