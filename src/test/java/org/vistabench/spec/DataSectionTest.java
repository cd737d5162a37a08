package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code data:} section: eval split, held-out fraction, bad-image rule, conversation sets, located errors. */
class DataSectionTest {
    @TempDir
    Path tmp;

    private static final String REST = """
            encoders:
              - {id: enc, path: hf:org/enc}
            llms:
              - id: lm
                path: hf:org/lm
                saes: {path: hf:org/saes, format: gemma-scope}
            train: {steps: 10, batch: 2, lr: 1.0e-3}
            """;

    @BeforeEach
    void layout() throws Exception {
        for (String d : List.of("coco/train2017", "coco/val2017", "coco/annotations", "llava/images")) {
            Files.createDirectories(tmp.resolve(d));
        }
        for (String f : List.of("instances_train2017", "captions_train2017", "instances_val2017",
                "captions_val2017")) {
            Files.writeString(tmp.resolve("coco/annotations/" + f + ".json"), "{}");
        }
        Files.writeString(tmp.resolve("llava/chat.json"), "[]");
    }

    private Spec load(String data) throws Exception {
        Path file = tmp.resolve("spec.yaml");
        Files.writeString(file, "seed: 1\n" + data + REST);
        return SpecLoader.load(file, Map.of("COCO_DIR", tmp.resolve("coco").toString()));
    }

    private List<SpecError> errors(String data) {
        return assertThrows(SpecException.class, () -> load(data)).errors();
    }

    private static final String TRAIN = """
            data:
              images: ${COCO_DIR}/train2017
              instances: ${COCO_DIR}/annotations/instances_train2017.json
              captions: ${COCO_DIR}/annotations/captions_train2017.json
            """;

    @Test
    void readsEvalSplitBadImagesAndConversationSetsInFileOrder() throws Exception {
        Spec spec = load(TRAIN + """
                  eval:
                    images: ${COCO_DIR}/val2017
                    instances: ${COCO_DIR}/annotations/instances_val2017.json
                    captions: ${COCO_DIR}/annotations/captions_val2017.json
                  bad_images: skip
                  conversations:
                    pretrain: {json: llava/chat.json, images: llava/images}
                    finetune: {json: llava/chat.json, images: llava}
                """);
        DataSpec d = spec.data();
        Path coco = tmp.resolve("coco");
        assertEquals(coco.resolve("train2017"), d.images());
        assertEquals(new DataSpec.Split(coco.resolve("val2017"), coco.resolve("annotations/instances_val2017.json"),
                coco.resolve("annotations/captions_val2017.json")), d.eval());
        assertEquals("skip", d.badImages());
        assertEquals(List.of("pretrain", "finetune"), List.copyOf(d.conversations().keySet()));
        assertEquals(new DataSpec.Conversations(tmp.resolve("llava/chat.json"), tmp.resolve("llava/images")),
                d.conversations().get("pretrain"));
    }

    @Test
    void defaultsToFailAndATenthHeldOut() throws Exception {
        DataSpec d = load(TRAIN).data();
        assertNull(d.eval());
        assertEquals(0.1, d.testFraction());
        assertEquals("fail", d.badImages());
        assertEquals(Map.of(), d.conversations());
        assertEquals(new DataSpec(d.images(), d.instances(), d.captions()), d);
        assertEquals(0.25, load(TRAIN + "  test_fraction: 0.25\n").data().testFraction());
    }

    @Test
    void locatesErrorsInTheDataSection() {
        List<SpecError> e = errors(TRAIN + """
                  test_fraction: 1.5
                  bad_images: ignore
                  conversations:
                    train: {json: llava/chat.json, images: llava/images}
                    chat: {json: llava/missing.json, image: llava/images}
                """);
        assertEquals(List.of("data.test_fraction", "data.bad_images", "data.conversations.train",
                "data.conversations.chat.json", "data.conversations.chat.image"),
                e.stream().map(SpecError::keyPath).toList(), e.toString());
        assertEquals(List.of(6, 7, 9, 10, 10), e.stream().map(SpecError::line).toList());
        assertEquals(List.of(18, 15, 5, 18, 38), e.stream().map(SpecError::column).toList(), e.toString());
        assertTrue(e.get(0).message().contains("a fraction in (0, 1)"), e.get(0).message());
        assertTrue(e.get(1).message().contains("fail") && e.get(1).message().contains("skip"), e.get(1).message());
        assertTrue(e.get(2).message().contains("other than train, val, test"), e.get(2).message());
        assertTrue(e.get(3).message().contains("missing.json") && e.get(3).message().contains("does not exist"),
                e.get(3).message());
        assertTrue(e.get(4).message().contains("images"), e.get(4).message());
    }

    @Test
    void refusesTestFractionNextToEvalAndLocatesEvalKeys() {
        List<SpecError> e = errors(TRAIN + """
                  test_fraction: 0.2
                  eval:
                    images: ${COCO_DIR}/val2017
                    instances: ${COCO_DIR}/annotations/nowhere.json
                    caption: ${COCO_DIR}/annotations/captions_val2017.json
                """);
        assertEquals(List.of("data.test_fraction", "data.eval.instances", "data.eval.caption"),
                e.stream().map(SpecError::keyPath).toList(), e.toString());
        assertEquals(List.of(6, 9, 10), e.stream().map(SpecError::line).toList());
        assertTrue(e.get(0).message().contains("no test_fraction next to eval"), e.get(0).message());
        assertTrue(e.get(2).message().contains("captions"), e.get(2).message());
    }
}
