package org.vistabench.tensor;

import java.util.Arrays;

/**
 * One tensor's header entry.
 *
 * @param begin byte offset of the data relative to the start of the data section
 * @param end exclusive end offset
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
