package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.io.Json;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

/**
 * Every provider on COCO-format data opened from a spec's {@code data:} section (no pre-filled data bundle): the
 * tiny on-disk models of {@link MiniFixture}, a 12-image train and 6-image eval split written here in COCO formats
 * (64×48 images, coloured rectangles as objects, polygon segmentations, captions) with COCO category names and ids.
 */
class CocoDataProvidersTest {
    private static final List<String> MEASURES = List.of("caption", "match_rate", "localization", "recon", "qa",
            "steering");
    /** COCO ids of the fixture's objects (cat, dog, apple, car). */
    private static final int[] COCO_IDS = {17, 18, 53, 3};

    @TempDir
    Path tmp;

    private static void writeSplit(Path root, String name, int n, long firstId, long seed) throws Exception {
        Path images = Files.createDirectories(root.resolve(name));
        ObjectNode inst = Json.MAPPER.createObjectNode();
        ArrayNode ims = inst.putArray("images");
        ArrayNode anns = inst.putArray("annotations");
        ArrayNode cats = inst.putArray("categories");
        for (int k = 0; k < 4; k++) {
            cats.addObject().put("id", COCO_IDS[k]).put("name", MiniFixture.OBJECTS[k]).put("supercategory", "x");
        }
        ObjectNode caps = Json.MAPPER.createObjectNode();
        ArrayNode capList = caps.putArray("annotations");
        SplittableRandom r = new SplittableRandom(seed);
        long annId = firstId * 10;
        for (int i = 0; i < n; i++) {
            long id = firstId + i;
            int a = r.nextInt(4);
            int b = (a + 1 + r.nextInt(3)) % 4;
            BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(Color.GRAY);
            g.fillRect(0, 0, 64, 48);
            int[][] boxes = {{10, 4, 22, 40}, {34, 4, 20, 40}};
            int[] objs = {a, b};
            for (int k = 0; k < 2; k++) {
                int[] bx = boxes[k];
                g.setColor(MiniFixture.COLOURS[objs[k]]);
                g.fillRect(bx[0], bx[1], bx[2], bx[3]);
                ObjectNode an = anns.addObject().put("id", annId++).put("image_id", id)
                        .put("category_id", COCO_IDS[objs[k]]).put("area", bx[2] * bx[3]).put("iscrowd", 0);
                an.putArray("bbox").add(bx[0]).add(bx[1]).add(bx[2]).add(bx[3]);
                an.putArray("segmentation").addArray().add(bx[0]).add(bx[1]).add(bx[0] + bx[2]).add(bx[1])
                        .add(bx[0] + bx[2]).add(bx[1] + bx[3]).add(bx[0]).add(bx[1] + bx[3]);
            }
            g.dispose();
            String file = id + ".png";
            ImageIO.write(img, "png", images.resolve(file).toFile());
            ims.addObject().put("id", id).put("file_name", file).put("width", 64).put("height", 48);
            capList.addObject().put("id", id).put("image_id", id).put("caption", "a " + MiniFixture.OBJECTS[a]
                    + " and a " + MiniFixture.OBJECTS[b] + " .");
        }
        Files.write(root.resolve("instances_" + name + ".json"), Json.MAPPER.writeValueAsBytes(inst));
        Files.write(root.resolve("captions_" + name + ".json"), Json.MAPPER.writeValueAsBytes(caps));
    }

    private static void writeLabels(Path saes) throws Exception {
        for (int l = 0; l < 4; l++) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            for (int i = 0; i < 128; i++) {
                o.putObject(Integer.toString(i)).put("description", i % 4 == 3 ? "cars" : MiniFixture.OBJECTS[i % 4])
                        .putArray("top_tokens");
                o.with(Integer.toString(i)).put("density", 0.01);
            }
            Files.write(saes.resolve("layer_" + l + "/labels.json"), Json.MAPPER.writeValueAsBytes(o));
        }
    }

    @Test
    void everyProviderRunsOnCocoFormatDataFromTheSpec() throws Exception {
        Path coco = Files.createDirectories(tmp.resolve("coco"));
        writeSplit(coco, "train", 12, 100, 1);
        writeSplit(coco, "val", 6, 900, 2);
        MiniFixture fx = new MiniFixture(tmp, "  train: {feature_cache: " + tmp.resolve("features") + "}\n"
                + "  caption: {max_new_tokens: 4}\n  match_rate: {k: 3}\n  localization: {k: 3}\n  recon: {}\n"
                + "  qa: {max_new_tokens: 4}\n  steering: {removal: 2, replacement: 2, max_new_tokens: 4}\n",
                "random-sae", 4);
        writeLabels(tmp.resolve("saes"));
        String text = Files.readString(fx.spec).replace("world: {kind: mini, scale: tiny}\n", "data:\n"
                + "  images: coco/train\n  instances: coco/instances_train.json\n  captions: coco/captions_train.json\n"
                + "  eval:\n    images: coco/val\n    instances: coco/instances_val.json\n"
                + "    captions: coco/captions_val.json\n");
        Files.writeString(fx.spec, text);
        Spec spec = SpecLoader.load(fx.spec);
        assertTrue(spec.world() == null && spec.data() != null);
        Map<String, Object> shared = new LinkedHashMap<>();
        Map<String, Double> m = new LinkedHashMap<>();
        Cell cell = Cell.of("enc", "lm", "early", "none", 3);
        Path dir = Files.createDirectories(tmp.resolve("cells").resolve(cell.id()));
        try {
            m.putAll(FakeContext.trainThenMeasure(spec, cell, dir, shared, MEASURES));
        } finally {
            for (Object o : shared.values()) {
                if (o instanceof AutoCloseable a) {
                    a.close();
                }
            }
        }
        assertTrue(shared.get("data").getClass().getSimpleName().equals("CocoData"), shared.get("data").toString());
        assertEquals(4.0, m.get("train.steps"));
        for (String k : List.of("caption.recall", "match_rate.rate.l0", "recon.image_mse.l0", "qa.accuracy")) {
            assertTrue(m.get(k) != null && Double.isFinite(m.get(k)), k + " = " + m.get(k));
        }
        // the derived questions: per evaluated test image one present and one absent category, and one count
        assertEquals(2 * m.get("qa.n.count"), m.get("qa.n.presence"), m.toString());
        assertTrue(m.get("qa.n.count") > 0, m.toString());
        // localization masks come from the COCO polygons (every image has two objects inside its centre square)
        boolean anyMask = false;
        for (String line : Files.readAllLines(dir.resolve("localization.jsonl"))) {
            JsonNode r = Json.MAPPER.readTree(line);
            anyMask |= r.get("mask").asText().contains("1");
        }
        assertTrue(anyMask, "no localization record has a non-empty mask");
        assertEquals(0.0, m.get("steering.attribute.n"), "COCO has no attributes");
    }
}
