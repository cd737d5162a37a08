package org.vistabench.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
        if ((long) data.length * 4 > MAX_DIRECT_BYTES && shape.dimension() > 0) {
            return ownedByRows(manager, data, shape);
        }
        ByteBuffer direct = directFloats(data, 0, data.length);
        try {
            return ownedFromDirect(manager, direct, shape);
        } finally {
            DirectBuffers.free(direct);
        }
    }

    /** DJL sizes its buffers in {@code int} bytes: above 1 GiB we fill a torch tensor block of rows by block. */
    static final long MAX_DIRECT_BYTES = 1L << 30;

    private static NDArray ownedByRows(NDManager manager, float[] data, Shape shape) {
        long rows = shape.get(0);
        long rowElems = data.length / Math.max(1, rows);
        long rowsPerBlock = Math.max(1, MAX_DIRECT_BYTES / Math.max(1, rowElems * 4));
        NDArray out = manager.create(shape, DataType.FLOAT32);
        try {
            for (long r = 0; r < rows; r += rowsPerBlock) {
                long r1 = Math.min(rows, r + rowsPerBlock);
                long[] bs = shape.getShape();
                bs[0] = r1 - r;
                ByteBuffer direct =
                        directFloats(data, Math.toIntExact(r * rowElems), Math.toIntExact((r1 - r) * rowElems));
                try (NDManager tmp = manager.newSubManager()) {
                    NDArray block = ownedFromDirect(tmp, direct, new Shape(bs));
                    out.set(new NDIndex("{}:{}", r, r1), block);
                } finally {
                    DirectBuffers.free(direct);
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private static ByteBuffer directFloats(float[] data, int off, int len) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.multiplyExact(len, 4)).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(data, off, len);
        return b;
    }

    /**
     * A torch-owned F32 array from a direct buffer of native-order float32 values (which the caller may drop
     * afterwards). On CPU DJL wraps the buffer ({@code from_blob}), so we clone and close the wrapper; on a GPU the
     * native side already copies.
     */
    public static NDArray ownedFromDirect(NDManager manager, ByteBuffer direct, Shape shape) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("need a direct buffer");
        }
        if ((long) direct.remaining() != shape.size() * 4) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() * 4 + " bytes, got "
                    + direct.remaining());
        }
        NDArray wrapped = manager.create(direct, shape, DataType.FLOAT32);
        if (manager.getDevice().isGpu()) {
            return wrapped;
        }
        try (wrapped) {
            NDArray copy = wrapped.duplicate();
            copy.attach(manager);
            return copy;
        }
    }

    public static NDArray ownedLongs(NDManager manager, long[] data, Shape shape) {
        checkCount(shape, data.length);
        return cloneOf(manager, manager.create(data, shape));
    }

    public static NDArray ownedInts(NDManager manager, int[] data, Shape shape) {
        checkCount(shape, data.length);
        return cloneOf(manager, manager.create(data, shape));
    }

    private static void checkCount(Shape shape, int values) {
        if (shape.size() != values) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " values, got " + values);
        }
    }

    /** A torch-owned clone of {@code wrapped} (which may wrap a Java buffer), attached to {@code manager}. */
    private static NDArray cloneOf(NDManager manager, NDArray wrapped) {
        try (wrapped) {
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
