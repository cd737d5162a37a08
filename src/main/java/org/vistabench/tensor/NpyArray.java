package org.vistabench.tensor;

/**
 * One array of an npz file. Floating arrays come as {@code floats} (converted to float32), integer ones as {@code longs}.
 */
public record NpyArray(String name, DType dtype, long[] shape, float[] floats, long[] longs) {
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public static NpyArray ofLongs(String name, long[] shape, long[] data) {
        return new NpyArray(name, DType.I64, shape, null, data);
    }

    public static NpyArray ofFloats(String name, long[] shape, float[] data) {
        return new NpyArray(name, DType.F32, shape, data, null);
    }
}
