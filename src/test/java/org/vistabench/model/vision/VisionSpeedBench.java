package org.vistabench.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.tensor.SafeTensorsWriter;

/**
 * Throughput of a DINOv2-small-shaped encoder (random weights) on 112×112 images, as the feature cache runs it.
 * Measures images per second for hiddenState(-2) at batch 32. Run on demand only:
 * {@code mvn -o test -Dtest=VisionSpeedBench -Dvistabench.bench=true}.
 */
@EnabledIfSystemProperty(named = "vistabench.bench", matches = "true")
class VisionSpeedBench {
    @Test
    void dinov2SmallAt112(@TempDir Path tmp) throws Exception {
        int d = 384;
        int layers = 12;
        int f = 1536;
        int n = 37 * 37;
        Random r = new Random(1);
        SafeTensorsWriter w = new SafeTensorsWriter();
        put(w, r, "embeddings.cls_token", 1, 1, d);
        put(w, r, "embeddings.position_embeddings", 1, n + 1, d);
        put(w, r, "embeddings.patch_embeddings.projection.weight", d, 3, 14, 14);
        put(w, r, "embeddings.patch_embeddings.projection.bias", d);
        put(w, r, "layernorm.weight", d);
        put(w, r, "layernorm.bias", d);
        for (int i = 0; i < layers; i++) {
            String p = "encoder.layer." + i + ".";
            for (String q : new String[] {"query", "key", "value"}) {
                put(w, r, p + "attention.attention." + q + ".weight", d, d);
                put(w, r, p + "attention.attention." + q + ".bias", d);
            }
            put(w, r, p + "attention.output.dense.weight", d, d);
            put(w, r, p + "attention.output.dense.bias", d);
            put(w, r, p + "layer_scale1.lambda1", d);
            put(w, r, p + "layer_scale2.lambda1", d);
            put(w, r, p + "norm1.weight", d);
            put(w, r, p + "norm1.bias", d);
            put(w, r, p + "norm2.weight", d);
            put(w, r, p + "norm2.bias", d);
            put(w, r, p + "mlp.fc1.weight", f, d);
            put(w, r, p + "mlp.fc1.bias", f);
            put(w, r, p + "mlp.fc2.weight", d, f);
            put(w, r, p + "mlp.fc2.bias", d);
        }
        w.write(tmp.resolve("model.safetensors"));
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"dinov2\", \"hidden_size\": 384,"
                + " \"num_hidden_layers\": 12, \"num_attention_heads\": 6, \"image_size\": 518, \"patch_size\": 14}");
        try (NDManager m = NDManager.newBaseManager();
             VisionEncoder enc = VisionLoader.load(tmp, m)) {
            int batch = 32;
            for (int rep = 0; rep < 4; rep++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray px = s.randomNormal(0, 1, new Shape(batch, 3, 112, 112), DataType.FLOAT32);
                    long t0 = System.nanoTime();
                    NDArray h = enc.hiddenState(px, -2);
                    h.toFloatArray();
                    double sec = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("dinov2-small 112px batch %d: %.3f s, %.1f img/s (threads=%s)%n", batch, sec,
                            batch / sec, System.getProperty("ai.djl.pytorch.num_threads"));
                }
            }
        }
    }

    private static void put(SafeTensorsWriter w, Random r, String name, long... shape) {
        long size = 1;
        for (long s : shape) {
            size *= s;
        }
        float[] v = new float[(int) size];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 0.02);
        }
        w.putF32(name, shape, v);
    }
}
