package org.vistabench.tensor;

import java.util.Locale;

/** Element types we read from safetensors / npz files. BF16 and F16 are only ever converted to F32 in Java. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), U8(1), I8(1), BOOL(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** The safetensors header name ({@code "F32"}, {@code "BF16"}, ...); null when unknown. */
    public static DType fromSafetensors(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
