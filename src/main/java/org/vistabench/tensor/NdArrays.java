package org.vistabench.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The only way we make NDArrays from Java data. DJL's CPU {@code NDManager.create(java data)} may wrap the Java
 * buffer ({@code from_blob}) and drop its reference on close; a view or a tensor saved by autograd can outlive it and
 * read garbage. Every array here is a torch-owned clone.
 */
public final class NdArrays {
    private NdArrays() {
    }

    public static NDArray owned(NDManager manager, float[] data, Shape shape) {
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
        try (NDArray wrapped = manager.create(data, shape)) {
            NDArray copy = wrapped.duplicate();
            copy.attach(manager);
            return copy;
        }
    }

    public static NDArray ownedLongs(NDManager manager, long[] data, Shape shape) {
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
        try (NDArray wrapped = manager.create(data, shape)) {
            NDArray copy = wrapped.duplicate();
            copy.attach(manager);
            return copy;
        }
    }

    public static NDArray ownedInts(NDManager manager, int[] data, Shape shape) {
        if (shape.size() != data.length) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
        try (NDArray wrapped = manager.create(data, shape)) {
            NDArray copy = wrapped.duplicate();
            copy.attach(manager);
            return copy;
        }
    }

    /** A 0-d float32 constant for use inside autograd graphs (instead of a Java scalar argument). */
    public static NDArray scalar(NDManager manager, float value) {
        return owned(manager, new float[] {value}, new Shape());
    }

    /** Copies an array to Java as float32 (converting from other float types on the torch side). */
    public static float[] toFloats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }
}
