package org.vistabench.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.data.CocoQuestion;
import org.vistabench.hf.TinyHfCache;
import org.vistabench.spec.DataSpec;

/** The shared paper-shaped fixture's COCO + LLaVA data opens as a {@link DataBundle}, as a data: spec names it. */
class CocoDataTinyHfCacheTest {
    @Test
    void opensTheFixturesCocoAndLlavaFiles(@TempDir Path tmp) {
        TinyHfCache hf = TinyHfCache.build(tmp);
        Path coco = hf.coco();
        CocoData d = CocoData.open(new DataSpec(coco.resolve("images"), coco.resolve("annotations/instances.json"),
                coco.resolve("annotations/captions.json"), null, 0.25, "fail", Map.of("chat",
                new DataSpec.Conversations(tmp.resolve("llava/conversations.json"), coco.resolve("images")))));
        List<Long> all = new ArrayList<>(d.split("train").imageIds());
        all.addAll(d.split("test").imageIds());
        assertEquals(20, all.size());
        assertFalse(d.split("test").imageIds().isEmpty());
        ImageSplit chat = d.split("chat");
        assertEquals(20, chat.imageIds().size(), "the text-only row is skipped");
        long first = chat.imageIds().get(0);
        assertEquals("what is shown in this image?", chat.question(first, "fallback"));
        assertTrue(chat.answer(first, "").startsWith("a photo of a "), chat.answer(first, ""));
        assertEquals(112, chat.image(first).getWidth());
        ImageSplit test = d.split("test");
        long id = test.imageIds().get(0);
        for (String o : test.objects(id)) {
            assertEquals(java.util.Optional.of(o), d.objectOf(o), "every category names itself");
        }
        List<CocoQuestion> qs = test.questions(id);
        assertTrue(qs.stream().anyMatch(q -> q.type().equals("presence") && q.answer().equals("yes")), qs.toString());
        assertEquals(test.objects(id).size(), test.objectMasks(id, 4, 4, 0.5).size());
    }
}
