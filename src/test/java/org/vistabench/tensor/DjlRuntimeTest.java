package org.vistabench.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;

class DjlRuntimeTest {
    @Test
    void parsesEveryDeviceSpelling() {
        assertEquals(new DeviceChoice(DeviceChoice.Kind.AUTO, 0), DeviceChoice.parse("auto"));
        assertEquals(new DeviceChoice(DeviceChoice.Kind.CPU, 0), DeviceChoice.parse(" CPU "));
        assertEquals(new DeviceChoice(DeviceChoice.Kind.GPU, 0), DeviceChoice.parse("gpu"));
        assertEquals(new DeviceChoice(DeviceChoice.Kind.GPU, 3), DeviceChoice.parse("gpu:3"));
        assertEquals(new DeviceChoice(DeviceChoice.Kind.GPU, 1), DeviceChoice.parse("cuda:1"));
        assertEquals("gpu:3", DeviceChoice.parse("gpu:3").toString());
    }

    @Test
    void rejectsBadDeviceStringWithUsageExit() {
        for (String bad : new String[] {"", "tpu", "gpu:", "gpu:-1", "gpu:x", "cpu:0", null}) {
            VistaException e = assertThrows(VistaException.class, () -> DeviceChoice.parse(bad), String.valueOf(bad));
            assertEquals(ExitCodes.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains("auto, cpu, gpu, gpu:N"), e.getMessage());
        }
    }

    @Test
    void autoIsGpuZeroOnlyWhenTheEngineSeesOne() {
        assertEquals(Device.cpu(), DeviceChoice.parse("auto").resolve(0));
        assertEquals(Device.gpu(0), DeviceChoice.parse("auto").resolve(2));
        assertEquals(Device.gpu(1), DeviceChoice.parse("gpu:1").resolve(2));
    }

    @Test
    void gpuOnAMachineWithoutOneIsAUsageErrorPointingToTheDocs() {
        VistaException e = assertThrows(VistaException.class, () -> DeviceChoice.parse("gpu").resolve(0));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("docs/gpu.md"), e.getMessage());
        VistaException e2 = assertThrows(VistaException.class, () -> DeviceChoice.parse("gpu:2").resolve(2));
        assertTrue(e2.getMessage().contains("only 2 GPU"), e2.getMessage());
    }

    @Test
    void autoGivesCpuOnThisMachineAndEngineIsPyTorch() {
        // CI and dev boxes carry only the CPU natives (pytorch-native-cpu): auto must fall back to CPU. (With CUDA
        // natives on the path, as docs/gpu.md sets up, this test does not apply.)
        assertEquals("PyTorch", DjlRuntime.engine().getEngineName());
        org.junit.jupiter.api.Assumptions.assumeFalse(
                DjlRuntime.engine().hasCapability(ai.djl.engine.StandardCapabilities.CUDA), "CUDA natives loaded");
        assertEquals(0, DjlRuntime.gpuCount());
        assertEquals(Device.cpu(), DjlRuntime.device("auto"));
        VistaException e = assertThrows(VistaException.class, () -> DjlRuntime.device("gpu:0"));
        assertEquals(ExitCodes.USAGE, e.exitCode());
    }

    @Test
    void bf16RequestOnCpuIsAClearErrorNotAnAbort() {
        VistaException e = assertThrows(VistaException.class, () -> DjlRuntime.device("auto", Precision.BF16));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("needs a GPU") && e.getMessage().contains("docs/gpu.md"), e.getMessage());
        // The guarded cast must refuse before torch ever sees BFLOAT16 (the stock JNI would kill this JVM).
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray a = NdArrays.owned(m, new float[] {1, 2, 3}, new Shape(3));
            assertThrows(VistaException.class, () -> Precision.BF16.cast(a));
            NDArray same = Precision.FP32.cast(a);
            assertEquals(DataType.FLOAT32, same.getDataType());
        }
        assertEquals(Device.cpu(), DjlRuntime.device("cpu", Precision.FP32));
    }

    @Test
    void bf16OnGpuNeedsThePatchedJniFlag() {
        VistaException e = assertThrows(VistaException.class, () -> Precision.BF16.check(Device.gpu(0), false));
        assertTrue(e.getMessage().contains(Precision.JNI_BF16_ENV) && e.getMessage().contains("docs/gpu.md"),
                e.getMessage());
        Precision.BF16.check(Device.gpu(0), true); // allowed
        Precision.FP32.check(Device.cpu(), false);
        assertTrue(Precision.jniHasBf16(Map.of(Precision.JNI_BF16_ENV, "1")));
        assertTrue(Precision.jniHasBf16(Map.of(Precision.JNI_BF16_ENV, "true")));
        assertFalse(Precision.jniHasBf16(Map.of(Precision.JNI_BF16_ENV, "0")));
        assertFalse(Precision.jniHasBf16(Map.of()));
    }

    @Test
    void parsesPrecisionNames() {
        assertEquals(Precision.BF16, Precision.parse("bfloat16"));
        assertEquals(Precision.FP32, Precision.parse("FP32"));
        VistaException e = assertThrows(VistaException.class, () -> Precision.parse("fp8"));
        assertEquals(ExitCodes.USAGE, e.exitCode());
    }

    @Test
    void engineCacheEnvMapsOntoDjlPropertyUnlessDjlsOwnIsSet() {
        String before = System.getProperty(DjlRuntime.DJL_ENGINE_CACHE);
        try {
            System.clearProperty(DjlRuntime.DJL_ENGINE_CACHE);
            assertNull(DjlRuntime.applyEngineCache(Map.of()));
            assertEquals("/tmp/x", DjlRuntime.applyEngineCache(Map.of(DjlRuntime.ENGINE_CACHE_ENV, "/tmp/x")));
            assertEquals("/tmp/x", System.getProperty(DjlRuntime.DJL_ENGINE_CACHE));
            assertEquals("/djl", DjlRuntime.applyEngineCache(Map.of(DjlRuntime.DJL_ENGINE_CACHE, "/djl",
                    DjlRuntime.ENGINE_CACHE_ENV, "/ours")));
        } finally {
            if (before == null) {
                System.clearProperty(DjlRuntime.DJL_ENGINE_CACHE);
            } else {
                System.setProperty(DjlRuntime.DJL_ENGINE_CACHE, before);
            }
        }
    }
}
