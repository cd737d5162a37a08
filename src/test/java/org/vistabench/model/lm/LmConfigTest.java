package org.vistabench.model.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LmConfigTest {
    static final Path FIX = Path.of("src/test/resources/fixtures/hf-parity");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsGemma2FixtureIncludingFamilyExtras() {
        LmConfig c = LmConfig.read(FIX.resolve("gemma2-tiny-bf16"));
        assertEquals("gemma2", c.family());
        assertEquals(List.of(64, 4, 4, 2, 16, 128), List.of(c.hiddenSize(), c.numLayers(), c.numHeads(), c.numKvHeads(),
                c.headDim(), c.intermediateSize()));
        assertEquals(5.0, c.attnLogitSoftcap());
        assertEquals(3.0, c.finalLogitSoftcap());
        assertEquals(16.0, c.queryPreAttnScalar());
        assertEquals(8, c.slidingWindow());
        assertEquals(List.of(true, false, true, false), c.slidingLayers());
        assertTrue(c.tieWordEmbeddings() && c.isBf16());
        assertEquals(List.of(1L), c.eosTokenIds());
    }

    @Test
    void classicAndTransformers5RopeFormsAgree() {
        LmConfig v5 = LmConfig.read(FIX.resolve("llama3-tiny-f32/config.json"));
        LmConfig classic = LmConfig.read(FIX.resolve("llama3-tiny-f32/config.classic.json"));
        assertEquals(new LmConfig.Rope("llama3", 500000.0, 8.0, 1.0, 4.0, 64), v5.rope());
        assertEquals(v5.rope(), classic.rope());
        assertEquals(false, v5.tieWordEmbeddings());
    }

    @Test
    void gemmaDefaultsFollowGemma2ConfigWhenKeysAreAbsentAndNullDisables() throws Exception {
        ObjectNode j = (ObjectNode) JSON.readTree(FIX.resolve("gemma2-tiny-f32/config.json").toFile());
        j.remove(List.of("layer_types", "attn_logit_softcapping", "query_pre_attn_scalar"));
        j.putNull("final_logit_softcapping");
        LmConfig c = LmConfig.parse(Path.of("x/config.json"), j);
        assertEquals(List.of(true, false, true, false), c.slidingLayers(), "even layers slide");
        assertEquals(50.0, c.attnLogitSoftcap());
        assertEquals(256.0, c.queryPreAttnScalar());
        assertEquals(0.0, c.finalLogitSoftcap(), "null disables the cap");
    }

    @Test
    void rejectsUnsupportedRopeTypeNamingTheKey() throws Exception {
        ObjectNode j = (ObjectNode) JSON.readTree(FIX.resolve("llama3-tiny-f32/config.json").toFile());
        ((ObjectNode) j.get("rope_parameters")).put("rope_type", "yarn");
        LmFormatException e = assertThrows(LmFormatException.class, () -> LmConfig.parse(Path.of("m/config.json"), j));
        assertTrue(e.getMessage().startsWith("m/config.json: rope_parameters.rope_type 'yarn'"), e.getMessage());
    }
}
