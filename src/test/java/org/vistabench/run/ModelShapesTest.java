package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.model.vision.VisionConfig;
import org.vistabench.tensor.NpyArray;
import org.vistabench.tensor.Npz;

/** The shapes the memory estimate needs, read from headers and small JSON files only. */
class ModelShapesTest {
    @TempDir
    Path tmp;

    private void gemmaScope(Path file, int dModel, int width) throws Exception {
        Files.createDirectories(file.getParent());
        Npz.write(file, List.of(NpyArray.ofFloats("W_enc", new long[] {dModel, width}, new float[dModel * width]),
                NpyArray.ofFloats("b_enc", new long[] {width}, new float[width])));
    }

    @Test
    void gemmaScopeWidthsComeFromTheHeaderOfWEncTheWidestPerLayer() throws Exception {
        gemmaScope(tmp.resolve("layer_0/width_16/average_l0_4/params.npz"), 8, 16);
        gemmaScope(tmp.resolve("layer_0/width_48/average_l0_4/params.npz"), 8, 48);
        gemmaScope(tmp.resolve("layer_3/params.npz"), 8, 24);
        Files.createDirectories(tmp.resolve("notes"));
        assertEquals(Map.of(0, 48, 3, 24), ModelShapes.saeWidths(tmp, "gemma-scope"));
        assertEquals(Map.of(0, 48, 3, 24), ModelShapes.saeWidths(tmp, "auto"));
    }

    @Test
    void llamaScopeWidthsComeFromHyperparams() throws Exception {
        for (int l : new int[] {2, 5}) {
            Path d = Files.createDirectories(tmp.resolve("Llama3_1-8B-Base-L" + l + "R-8x"));
            Files.writeString(d.resolve("hyperparams.json"), "{\"d_model\": 64, \"d_sae\": " + (512 * l) + "}");
        }
        Files.createDirectories(tmp.resolve("Llama3_1-8B-Base-L2A-8x"));
        assertEquals(Map.of(2, 1024, 5, 2560), ModelShapes.saeWidths(tmp, "llama-scope"));
    }

    @Test
    void theEncoderSeesItsPreprocessorsCropElseItsResizeElse224() throws Exception {
        Path enc = Files.createDirectories(tmp.resolve("enc"));
        Files.copy(Path.of("src/test/resources/fixtures/hf-parity/dinov2-tiny/config.json"), enc.resolve("config.json"));
        VisionConfig v = VisionConfig.read(enc);
        assertEquals(224, ModelShapes.imageSide(enc, v));
        Path pre = enc.resolve("preprocessor_config.json");
        Files.writeString(pre, "{\"crop_size\": {\"height\": 336, \"width\": 336}, \"size\": {\"shortest_edge\": 384}}");
        assertEquals(336, ModelShapes.imageSide(enc, v));
        Files.writeString(pre, "{\"do_center_crop\": false, \"size\": {\"height\": 112, \"width\": 112}}");
        assertEquals(112, ModelShapes.imageSide(enc, v));
        Files.writeString(pre, "{\"do_center_crop\": false}");
        assertEquals(v.imageSize(), ModelShapes.imageSide(enc, v));
    }
}
