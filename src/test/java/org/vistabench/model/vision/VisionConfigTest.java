package org.vistabench.model.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VisionConfigTest {
    private static VisionConfig parse(String json) throws Exception {
        return VisionConfig.fromJson(new ObjectMapper().readTree(json), Path.of("x/config.json"));
    }

    @Test
    void terseClipModelConfigTakesHfVisionDefaults() throws Exception {
        VisionConfig c = parse("{\"model_type\": \"clip\", \"vision_config\": {\"patch_size\": 14, \"image_size\": 336,"
                + " \"hidden_size\": 1024, \"intermediate_size\": 4096, \"num_hidden_layers\": 24,"
                + " \"num_attention_heads\": 16}}");
        assertEquals(VisionConfig.CLIP, c.family());
        assertEquals("quick_gelu", c.hiddenAct());
        assertEquals(1e-5, c.layerNormEps());
        assertEquals(24, c.gridSize());
        assertTrue(c.hasCls());
    }

    @Test
    void dinov2MlpWidthComesFromMlpRatioAndIjepaHasNoCls() throws Exception {
        VisionConfig d = parse("{\"model_type\": \"dinov2\", \"hidden_size\": 384, \"mlp_ratio\": 4,"
                + " \"num_attention_heads\": 6}");
        assertEquals(1536, d.intermediateSize());
        assertEquals(14, d.patchSize());
        assertTrue(d.layerScale());
        assertFalse(parse("{\"model_type\": \"ijepa\"}").hasCls());
    }

    @Test
    void rejectsClipWithoutVisionConfigAndWrongTypes() {
        VisionFormatException e = assertThrows(VisionFormatException.class, () -> parse("{\"model_type\": \"clip\"}"));
        assertTrue(e.getMessage().contains("x/config.json") && e.getMessage().contains("vision_config"));
        e = assertThrows(VisionFormatException.class,
                () -> parse("{\"model_type\": \"dinov2\", \"hidden_size\": \"big\"}"));
        assertTrue(e.getMessage().contains("'hidden_size'") && e.getMessage().contains("\"big\""), e.getMessage());
        e = assertThrows(VisionFormatException.class,
                () -> parse("{\"model_type\": \"dinov2\", \"hidden_size\": 100, \"num_attention_heads\": 12}"));
        assertTrue(e.getMessage().contains("100"), e.getMessage());
    }
}
