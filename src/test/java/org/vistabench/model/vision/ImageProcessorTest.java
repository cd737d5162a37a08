package org.vistabench.model.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;
import org.vistabench.tensor.NdArrays;

class ImageProcessorTest {
    static final Path PRE = Path.of("src/test/resources/fixtures/hf-parity/preprocess");

    @Test
    void presetsEqualTheFixtureProcessorConfigs(@TempDir Path tmp) throws Exception {
        JsonNode root = new ObjectMapper().readTree(Files.readString(PRE.resolve("processors.json")));
        BufferedImage img = ImageIO.read(PRE.resolve("input.png").toFile());
        Path clipJson = tmp.resolve("preprocessor_config.json");
        Files.writeString(clipJson, root.get("clip").toString());
        assertArrayEquals(ImageProcessor.clip().process(img),
                ImageProcessor.fromPreprocessorConfig(clipJson).process(img));
        assertArrayEquals(ImageProcessor.dinov2().process(img),
                ImageProcessor.fromJson(root.get("dinov2"), PRE).process(img));
        assertEquals(3 * 224 * 224, ImageProcessor.clip().process(img).length);
    }

    @Test
    void forModelPrefersThePreprocessorConfigOverTheFamilyPreset(@TempDir Path tmp) throws Exception {
        BufferedImage img = ImageIO.read(PRE.resolve("input.png").toFile());
        Path clipDir = Path.of("src/test/resources/fixtures/hf-parity/clip-tiny");
        assertArrayEquals(ImageProcessor.clip().process(img), ImageProcessor.forModel(clipDir).process(img));
        Files.copy(clipDir.resolve("config.json"), tmp.resolve("config.json"));
        JsonNode root = new ObjectMapper().readTree(Files.readString(PRE.resolve("processors.json")));
        Files.writeString(tmp.resolve("preprocessor_config.json"), root.get("dinov2").toString());
        assertArrayEquals(ImageProcessor.dinov2().process(img), ImageProcessor.forModel(tmp).process(img));
    }

    @Test
    void fromPixelsOnlyNormalises() {
        float[] chw = new float[3 * 2 * 2];
        java.util.Arrays.fill(chw, 0.5f);
        float[] out = ImageProcessor.dinov2().fromPixels(chw, 2, 2);
        assertEquals((0.5f - 0.485f) / 0.229f, out[0], 1e-7);
        assertEquals((0.5f - 0.406f) / 0.225f, out[11], 1e-7);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray batch = NdArrays.owned(m, chw, new Shape(1, 3, 2, 2));
            assertArrayEquals(out, ImageProcessor.dinov2().fromPixels(batch).toFloatArray(), 1e-6f);
        }
        assertThrows(IllegalArgumentException.class, () -> ImageProcessor.clip().fromPixels(chw, 3, 2));
    }

    @Test
    void processBatchStacksImagesInOrder() throws Exception {
        BufferedImage img = ImageIO.read(PRE.resolve("input.png").toFile());
        BufferedImage small = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray b = ImageProcessor.clip().processBatch(m, List.of(img, small));
            assertEquals(new Shape(2, 3, 224, 224), b.getShape());
            float[] all = b.toFloatArray();
            float[] first = ImageProcessor.clip().process(img);
            assertArrayEquals(first, java.util.Arrays.copyOf(all, first.length));
        }
    }

    @Test
    void greyIsReplicatedFromRawSamplesAndAlphaIsCompositedOverWhite() {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 0, 0, 7);
        int[][] g = ImageProcessor.rgbPlanes(grey);
        assertArrayEquals(new int[] {100, 7}, g[0]);
        assertArrayEquals(g[0], g[2]);
        BufferedImage rgba = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x00112233);     // fully transparent -> white
        rgba.setRGB(1, 0, 0x80000000);     // half-transparent black -> mid grey
        int[][] a = ImageProcessor.rgbPlanes(rgba);
        assertEquals(255, a[0][0]);
        assertEquals(127, a[1][1]);
    }

    @Test
    void resizeAtTheSameSizeIsIdentityAndDownscaleAveragesFlatImages() {
        int[][] planes = {{10, 20, 30, 40}, {0, 0, 0, 0}, {255, 255, 255, 255}};
        assertArrayEquals(planes[0], Resampler.resize(planes, 2, 2, 2, 2, Resampler.Filter.BICUBIC,
                Resampler.Backend.TORCHVISION)[0]);
        int[][] flat = {new int[64], new int[64], new int[64]};
        java.util.Arrays.fill(flat[0], 77);
        int[][] down = Resampler.resize(flat, 8, 8, 3, 5, Resampler.Filter.BICUBIC, Resampler.Backend.TORCHVISION);
        for (int v : down[0]) {
            assertEquals(77, v);
        }
    }

    @Test
    void rejectsUnsupportedResampleNamingFileAndValue(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("preprocessor_config.json");
        Files.writeString(json, "{\"resample\": 1, \"size\": {\"shortest_edge\": 224}}");
        VistaException e = assertThrows(VistaException.class, () -> ImageProcessor.fromPreprocessorConfig(json));
        assertTrue(e.getMessage().contains(json.toString()) && e.getMessage().contains("'resample' 1"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
