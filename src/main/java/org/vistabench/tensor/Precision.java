package org.vistabench.tensor;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import java.util.Map;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/**
 * Compute precision of the trainable/frozen weights. {@link #BF16} is allowed only on a GPU and only when the DJL JNI
 * is known to carry the BF16 patch: the stock JNI maps dtypes by {@code DataType.ordinal()} and has no case for
 * BFLOAT16 (ordinal 11), so the first BF16 tensor hits a bare {@code throw;} and the JVM aborts
 * ("terminate called without an active exception"), with no Java exception to catch. Nothing can probe the JNI
 * safely, so the GPU bundle that builds the patched JNI says so with {@code VISTABENCH_JNI_BF16=1}.
 */
public enum Precision {
    FP32(DataType.FLOAT32), BF16(DataType.BFLOAT16);

    /** Set to {@code 1} (or {@code true}) by the GPU bundle after building the BF16-patched JNI (docs/gpu.md). */
    public static final String JNI_BF16_ENV = "VISTABENCH_JNI_BF16";

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }

    /** {@code fp32}, {@code f32}, {@code float32}, {@code bf16}, {@code bfloat16} (any case). */
    public static Precision parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "fp32", "f32", "float32" -> FP32;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new VistaException(ExitCodes.USAGE, "precision '" + text + "' is not one of fp32, bf16");
        };
    }

    /** Whether this process was told its JNI carries the BF16 patch ({@value #JNI_BF16_ENV}=1). */
    public static boolean jniHasBf16() {
        return jniHasBf16(System.getenv());
    }

    static boolean jniHasBf16(Map<String, String> env) {
        String v = env.get(JNI_BF16_ENV);
        return v != null && (v.trim().equals("1") || v.trim().equalsIgnoreCase("true"));
    }

    /** Throws a usage error (exit 2) unless this precision can run on {@code device} with this process's JNI. */
    public void check(Device device) {
        check(device, jniHasBf16());
    }

    /** As {@link #check(Device)}, with the JNI's BF16 support given (for tests and for callers that know). */
    public void check(Device device, boolean jniHasBf16) {
        if (this == FP32) {
            return;
        }
        if (!device.isGpu()) {
            throw new VistaException(ExitCodes.USAGE, "precision bf16 needs a GPU but the device is " + device
                    + ": DJL's PyTorch JNI cannot make BF16 tensors on CPU (the stock JNI aborts the JVM); use"
                    + " precision fp32, or run on a GPU with the BF16-patched JNI (docs/gpu.md)");
        }
        if (!jniHasBf16) {
            throw new VistaException(ExitCodes.USAGE, "precision bf16 on " + device + " needs DJL's PyTorch JNI built"
                    + " with the BF16 patch (the stock JNI aborts the JVM on any BF16 tensor); build it as docs/gpu.md"
                    + " explains and set " + JNI_BF16_ENV + "=1, or use precision fp32");
        }
    }

    /**
     * {@code a} in this precision (a new array; the caller closes {@code a} if it wants to). The only sanctioned way
     * to make a BF16 NDArray: it checks the device and the JNI first.
     */
    public NDArray cast(NDArray a) {
        check(a.getDevice());
        if (a.getDataType() == dataType) {
            return a.duplicate();
        }
        return a.toType(dataType, true);
    }
}
