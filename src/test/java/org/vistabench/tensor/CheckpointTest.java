package org.vistabench.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static final String INDEX = "{\"metadata\":{\"total_size\":56},\"weight_map\":{"
            + "\"embed.weight\":\"model-00001-of-00002.safetensors\","
            + "\"layers.0.w\":\"model-00001-of-00002.safetensors\","
            + "\"layers.1.w\":\"model-00002-of-00002.safetensors\","
            + "\"lm_head.weight\":\"model-00002-of-00002.safetensors\"}}";

    private void twoShards() throws Exception {
        new SafeTensorsWriter().metadata(java.util.Map.of("format", "pt"))
                .put("embed.weight", DType.BF16, new long[] {2, 2}, new float[] {1, 2, 3, 4})
                .putF32("layers.0.w", new long[] {3}, new float[] {5, 6, 7})
                .write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafeTensorsWriter()
                .putF32("layers.1.w", new long[] {1, 3}, new float[] {8, 9, 10})
                .put("lm_head.weight", DType.BF16, new long[] {2, 1}, new float[] {-1, 0.5f})
                .write(dir.resolve("model-00002-of-00002.safetensors"));
    }

    private TensorFormatException openFails() {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> Checkpoint.open(dir).close());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    @Test
    void readsHandMadeTwoShardCheckpointThroughItsIndex() throws Exception {
        twoShards();
        Files.writeString(dir.resolve("model.safetensors.index.json"), INDEX);
        try (Checkpoint c = Checkpoint.open(dir); NDManager m = NDManager.newBaseManager()) {
            assertEquals(Set.of("embed.weight", "layers.0.w", "layers.1.w", "lm_head.weight"), c.names());
            assertEquals("model-00002-of-00002.safetensors", c.fileOf("layers.1.w").getFileName().toString());
            assertArrayEquals(new float[] {1, 2, 3, 4}, c.floats("embed.weight"));
            NDArray w = c.require(m, "layers.1.w", 1, 3);
            assertArrayEquals(new float[] {8, 9, 10}, w.toFloatArray());
            assertArrayEquals(new float[] {-1, 0.5f}, c.require(m, "lm_head.weight").toFloatArray());
            TensorFormatException shape = assertThrows(TensorFormatException.class, () -> c.require(m, "layers.0.w", 4));
            assertTrue(shape.getMessage().contains("[3]") && shape.getMessage().contains("[4]"), shape.getMessage());
            TensorFormatException missing = assertThrows(TensorFormatException.class, () -> c.require(m, "norm.w"));
            assertTrue(missing.getMessage().contains(dir.toString()) && missing.getMessage().contains("'norm.w'"));
        }
    }

    @Test
    void missingShardNamesTheShardTheIndexAndTheTensor() throws Exception {
        twoShards();
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"), INDEX);
        String m = openFails().getMessage();
        assertTrue(m.contains("model-00002-of-00002.safetensors: shard is missing")
                && m.contains("model.safetensors.index.json") && m.contains("'layers.1.w'"), m);
    }

    @Test
    void tensorListedInIndexButAbsentFromShard() throws Exception {
        twoShards();
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                INDEX.replace("\"lm_head.weight\"", "\"final_norm.weight\":\"model-00002-of-00002.safetensors\","
                        + "\"lm_head.weight\""));
        String m = openFails().getMessage();
        assertTrue(m.contains("model-00002-of-00002.safetensors") && m.contains("'final_norm.weight'")
                && m.contains("missing from the shard"), m);
    }

    @Test
    void brokenIndexFilesAreOneLineErrors() throws Exception {
        twoShards();
        Path idx = dir.resolve("model.safetensors.index.json");
        Files.writeString(idx, "{\"weight_map\": [");
        String m = openFails().getMessage();
        assertTrue(m.contains("not valid JSON"), m);
        // issue #20 point 17: Jackson's "at [Source: REDACTED ...]" suffix does not leak; the line and column do
        assertTrue(!m.contains("Source:") && !m.contains("REDACTED") && m.contains("(line 1, column "), m);
        Files.writeString(idx, "{\"metadata\":{}}");
        assertTrue(openFails().getMessage().contains("weight_map"));
        Files.writeString(idx, "{\"weight_map\":{\"a\":\"../escape.safetensors\"}}");
        assertTrue(openFails().getMessage().contains("outside the checkpoint folder"));
        Files.writeString(idx, "{\"weight_map\":{\"a\":1}}");
        assertTrue(openFails().getMessage().contains("must name a shard file"));
        Files.writeString(idx, "{\"weight_map\":{\"embed.weight\":\"model-00001-of-00002.safetensors\","
                + "\"embed.weight\":\"model-00002-of-00002.safetensors\"}}");
        assertTrue(openFails().getMessage().contains("Duplicate"));
    }

    @Test
    void folderWithoutWeightsSaysWhatItLookedFor() {
        assertTrue(openFails().getMessage().contains("no model.safetensors or model.safetensors.index.json"));
    }
}
