package org.vistabench.model.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.SafeTensorsWriter;
import org.vistabench.tensor.TensorInfo;

/** Broken model folders fail with one line naming the file and the tensor or key. */
class BadCheckpointTest {
    static final Path SRC = Path.of("src/test/resources/fixtures/hf-parity/gemma2-tiny-f32");
    static final String VICTIM = "model.layers.2.mlp.up_proj.weight";

    @Test
    void missingTensorNamesFileAndTensor(@TempDir Path tmp) throws Exception {
        copyWith(tmp, VICTIM, null);
        VistaException e = loadFails(tmp);
        assertTrue(e.getMessage().contains(tmp.resolve("model.safetensors").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("'" + VICTIM + "' is missing"), e.getMessage());
        assertEquals(ExitCodes.CELL_FAILED, e.exitCode());
    }

    @Test
    void shapeMismatchNamesFileTensorAndBothShapes(@TempDir Path tmp) throws Exception {
        copyWith(tmp, VICTIM, new long[] {127, 64});
        VistaException e = loadFails(tmp);
        String msg = e.getMessage();
        assertTrue(msg.contains(tmp.resolve("model.safetensors").toString()), msg);
        assertTrue(msg.contains(VICTIM) && msg.contains("[127, 64]") && msg.contains("[128, 64]"), msg);
    }

    @Test
    void unknownModelTypeNamesFileAndValue(@TempDir Path tmp) throws Exception {
        copyWith(tmp, null, null);
        editConfig(tmp, c -> c.put("model_type", "mistral"));
        VistaException e = loadFails(tmp);
        assertTrue(e.getMessage().contains(tmp.resolve("config.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("model_type 'mistral'"), e.getMessage());
    }

    @Test
    void missingConfigKeyNamesFileAndKey(@TempDir Path tmp) throws Exception {
        copyWith(tmp, null, null);
        editConfig(tmp, c -> c.remove("hidden_size"));
        VistaException e = loadFails(tmp);
        assertTrue(e.getMessage().contains(tmp.resolve("config.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("missing required key 'hidden_size'"), e.getMessage());
    }

    @Test
    void missingLlama3RopeKeyNamesTheNestedKey(@TempDir Path tmp) throws Exception {
        Path cfg = tmp.resolve("config.json");
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(
                Path.of("src/test/resources/fixtures/hf-parity/llama3-tiny-f32/config.classic.json").toFile());
        ((ObjectNode) c.get("rope_scaling")).remove("factor");
        Files.writeString(cfg, c.toString());
        LmFormatException e = assertThrows(LmFormatException.class, () -> LmConfig.read(tmp));
        assertTrue(e.getMessage().contains("'rope_scaling.factor'"), e.getMessage());
    }

    private static VistaException loadFails(Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            VistaException e = assertThrows(VistaException.class, () -> LmLoader.load(dir, m).close());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            return e;
        }
    }

    /** Copies the fixture; {@code victim} is dropped ({@code shape} null) or cut to {@code shape}. */
    private static void copyWith(Path dst, String victim, long[] shape) throws Exception {
        Files.copy(SRC.resolve("config.json"), dst.resolve("config.json"));
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensors st = SafeTensors.open(SRC.resolve("model.safetensors"))) {
            for (String n : st.names()) {
                TensorInfo t = st.info(n);
                if (n.equals(victim)) {
                    if (shape == null) {
                        continue;
                    }
                    float[] all = st.floats(n);
                    w.put(n, t.dtype(), shape, Arrays.copyOf(all, (int) (shape[0] * shape[1])));
                } else {
                    w.put(n, t.dtype(), t.shape(), st.floats(n));
                }
            }
        }
        w.write(dst.resolve("model.safetensors"));
    }

    private static void editConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        Path cfg = dir.resolve("config.json");
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(cfg.toFile());
        edit.accept(c);
        Files.writeString(cfg, c.toString());
    }
}
