package org.vistabench.tensor;

import ai.djl.Device;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/**
 * A {@code --device} / spec {@code train.device} value: {@code auto}, {@code cpu}, {@code gpu} (= {@code gpu:0}) or
 * {@code gpu:N}. Parsing needs no engine; {@link #resolve(int)} turns it into a DJL {@link Device} given how many GPUs
 * the engine sees, so the rules are testable on a machine without a GPU.
 *
 * @param kind  what was asked for
 * @param index the GPU index for {@link Kind#GPU}; 0 otherwise
 */
public record DeviceChoice(Kind kind, int index) {
    /** What the user asked for. */
    public enum Kind { AUTO, CPU, GPU }

    private static final Pattern GPU = Pattern.compile("(?:gpu|cuda)(?::(\\d{1,4}))?");

    public DeviceChoice {
        if (index < 0) {
            throw new IllegalArgumentException("gpu index " + index);
        }
    }

    public static DeviceChoice parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "auto":
                return new DeviceChoice(Kind.AUTO, 0);
            case "cpu":
                return new DeviceChoice(Kind.CPU, 0);
            default:
                Matcher m = GPU.matcher(t);
                if (m.matches()) {
                    return new DeviceChoice(Kind.GPU, m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
                }
                throw new VistaException(ExitCodes.USAGE, "device '" + text
                        + "' is not one of auto, cpu, gpu, gpu:N (N = 0, 1, ...)");
        }
    }

    /**
     * The DJL device: {@code auto} is GPU 0 when the engine sees a GPU, else CPU; asking for a GPU the engine does not
     * see is a usage error (exit 2) that says how to get CUDA natives.
     */
    public Device resolve(int gpuCount) {
        return switch (kind) {
            case CPU -> Device.cpu();
            case AUTO -> gpuCount > 0 ? Device.gpu(0) : Device.cpu();
            case GPU -> {
                if (gpuCount == 0) {
                    throw new VistaException(ExitCodes.USAGE, "device '" + this + "' asked for, but the PyTorch engine"
                            + " sees no GPU (CPU-only natives, or no CUDA device); use --device cpu|auto, or give DJL"
                            + " CUDA natives as docs/gpu.md explains");
                }
                if (index >= gpuCount) {
                    throw new VistaException(ExitCodes.USAGE, "device '" + this + "' asked for, but the PyTorch engine"
                            + " sees only " + gpuCount + " GPU(s): gpu:0.." + "gpu:" + (gpuCount - 1));
                }
                yield Device.gpu(index);
            }
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case AUTO -> "auto";
            case CPU -> "cpu";
            case GPU -> "gpu:" + index;
        };
    }
}
