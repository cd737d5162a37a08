package org.vistabench.tensor;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import java.util.Map;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

/**
 * DJL bootstrap: the PyTorch engine, its native cache folder and the device. Named {@code DjlRuntime} rather than
 * {@code Runtime} so that no file importing it shadows {@link java.lang.Runtime}.
 *
 * <p>Native-library placement is DJL's (engines/pytorch/pytorch-engine {@code LibUtils}, v0.36.0): the PyTorch
 * natives come from {@code PYTORCH_LIBRARY_PATH} when set (with {@code PYTORCH_VERSION} / {@code PYTORCH_FLAVOR}
 * naming them), else from the {@code pytorch-native-cpu} jar on the classpath, extracted into
 * {@code <ENGINE_CACHE_DIR>/pytorch/<version>-<flavor>-<classifier>/}. {@code ENGINE_CACHE_DIR} is read by DJL as an
 * environment variable first and a system property second ({@code Utils.getEnvOrSystemProperty}); we map
 * {@value #ENGINE_CACHE_ENV} onto the system property so that a user can move the cache without knowing DJL's names.
 * ({@code ai.djl.pytorch.native_helper} is not a cache setting: it names a class whose loader loads the natives, for
 * class-loader isolation, and we leave it alone.)
 */
public final class DjlRuntime {
    /** Our name for DJL's engine cache folder. */
    public static final String ENGINE_CACHE_ENV = "VISTABENCH_ENGINE_CACHE";
    static final String DJL_ENGINE_CACHE = "ENGINE_CACHE_DIR";
    static final String ENGINE_NAME = "PyTorch";

    private DjlRuntime() {
    }

    /**
     * The PyTorch engine, loaded on first call (DJL keeps it). Call this before any other DJL use so that
     * {@value #ENGINE_CACHE_ENV} takes effect. A native that cannot load is a cell failure (exit 3) naming the cause.
     */
    public static Engine engine() {
        applyEngineCache(System.getenv());
        try {
            return Engine.getEngine(ENGINE_NAME);
        } catch (EngineException | UnsatisfiedLinkError | IllegalArgumentException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, "cannot load DJL's PyTorch engine: " + oneLine(e)
                    + " (offline GPU machines: see docs/gpu.md for PYTORCH_LIBRARY_PATH/PYTORCH_VERSION/PYTORCH_FLAVOR)",
                    e);
        }
    }

    /**
     * Maps {@value #ENGINE_CACHE_ENV} onto DJL's {@code ENGINE_CACHE_DIR} system property, unless the user set DJL's
     * own variable or property (theirs wins). Returns the folder DJL will use, or null for DJL's default.
     */
    static String applyEngineCache(Map<String, String> env) {
        String djlEnv = env.get(DJL_ENGINE_CACHE);
        if (djlEnv != null && !djlEnv.isEmpty()) {
            return djlEnv;
        }
        String prop = System.getProperty(DJL_ENGINE_CACHE);
        if (prop != null && !prop.isEmpty()) {
            return prop;
        }
        String ours = env.get(ENGINE_CACHE_ENV);
        if (ours != null && !ours.isBlank()) {
            System.setProperty(DJL_ENGINE_CACHE, ours.trim());
            return ours.trim();
        }
        return null;
    }

    /** Applies {@value #ENGINE_CACHE_ENV} before anything touches DJL (the CLI calls this first). */
    public static void configureEngineCache() {
        applyEngineCache(System.getenv());
    }

    /** How many CUDA devices the engine sees (0 with the CPU natives). */
    public static int gpuCount() {
        return engine().getGpuCount();
    }

    /** {@code auto|cpu|gpu|gpu:N} as a DJL device; usage error (exit 2) for a bad value or a GPU not there. */
    public static Device device(String choice) {
        DeviceChoice c = DeviceChoice.parse(choice);
        // cpu needs no engine query; auto and gpu do.
        return c.kind() == DeviceChoice.Kind.CPU ? Device.cpu() : c.resolve(gpuCount());
    }

    /** Device and precision together, checked: the pair a trainer or model loader should use. */
    public static Device device(String choice, Precision precision) {
        Device d = device(choice);
        precision.check(d);
        return d;
    }

    /** One line describing the engine, for run.json and logs. */
    public static String describe() {
        Engine e = engine();
        return e.getEngineName() + " " + e.getVersion() + ", gpus=" + e.getGpuCount()
                + ", jniBf16=" + Precision.jniHasBf16();
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
