package org.vistabench.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.data.CocoQuestion;
import org.vistabench.data.Rle;
import org.vistabench.io.Json;
import org.vistabench.score.Concept;
import org.vistabench.spec.DataSpec;

/**
 * COCO-format data as a {@link DataBundle}, on a 20-image fixture written here: 8×6 PNGs; a person polygon over
 * columns 1–3 of each image, a dog RLE mask over columns 0 (outside the centre square) on even images, skis on
 * every fifth, a crowd dog annotation on image 115; two captions each; and a LLaVA conversation json.
 */
class CocoDataTest {
    private static final int W = 8;
    private static final int H = 6;
    /** COCO's own category ids and names. */
    private static final Map<Integer, String> CATS = new LinkedHashMap<>(Map.of(1, "person", 18, "dog", 35, "skis",
            53, "apple"));

    @TempDir
    Path tmp;
    private Path images;
    private List<Long> ids;

    @BeforeEach
    void fixture() throws Exception {
        images = Files.createDirectories(tmp.resolve("train2017"));
        ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(100L + i * 7);
        }
        writeCoco(images, ids, tmp.resolve("instances.json"), tmp.resolve("captions.json"));
    }

    private static void writeCoco(Path folder, List<Long> ids, Path instances, Path captions) throws Exception {
        ObjectNode inst = Json.MAPPER.createObjectNode();
        ArrayNode ims = inst.putArray("images");
        ArrayNode anns = inst.putArray("annotations");
        ArrayNode cats = inst.putArray("categories");
        CATS.forEach((id, name) -> cats.addObject().put("id", id).put("name", name).put("supercategory", "x"));
        ObjectNode caps = Json.MAPPER.createObjectNode();
        ArrayNode capList = caps.putArray("annotations");
        long annId = 1;
        for (int k = 0; k < ids.size(); k++) {
            long id = ids.get(k);
            String file = String.format("%012d.png", id);
            BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
            for (int x = 0; x < W; x++) {
                for (int y = 0; y < H; y++) {
                    img.setRGB(x, y, new Color(x * 30, y * 40, 200).getRGB());
                }
            }
            ImageIO.write(img, "png", folder.resolve(file).toFile());
            ims.addObject().put("id", id).put("file_name", file).put("width", W).put("height", H);
            // person: polygon over x in [1, 4), every row
            ObjectNode p = anns.addObject().put("id", annId++).put("image_id", id).put("category_id", 1)
                    .put("area", 18).put("iscrowd", 0);
            p.putArray("bbox").add(1).add(0).add(3).add(6);
            p.putArray("segmentation").addArray().add(1).add(0).add(4).add(0).add(4).add(6).add(1).add(6);
            if (k % 2 == 0) { // dog: RLE over column 0 only, outside the centre square [1, 7)
                boolean[] m = new boolean[W * H];
                for (int y = 0; y < H; y++) {
                    m[y * W] = true;
                }
                ObjectNode d = anns.addObject().put("id", annId++).put("image_id", id).put("category_id", 18)
                        .put("area", 6).put("iscrowd", id == 114 ? 1 : 0);
                d.putArray("bbox").add(0).add(0).add(1).add(6);
                ObjectNode seg = d.putObject("segmentation");
                seg.putArray("size").add(H).add(W);
                ArrayNode counts = seg.putArray("counts");
                for (int c : Rle.encode(m, H, W).counts()) {
                    counts.add(c);
                }
            }
            if (k % 5 == 0) { // skis: two instances
                for (int j = 0; j < 2; j++) {
                    ObjectNode s = anns.addObject().put("id", annId++).put("image_id", id).put("category_id", 35)
                            .put("area", 1).put("iscrowd", 0);
                    s.putArray("bbox").add(5 + j).add(5).add(1).add(1);
                    s.putArray("segmentation").addArray().add(5 + j).add(5).add(6 + j).add(5).add(6 + j).add(6)
                            .add(5 + j).add(6);
                }
            }
            capList.addObject().put("id", id * 2).put("image_id", id).put("caption", "A person number " + id + ".");
            capList.addObject().put("id", id * 2 + 1).put("image_id", id).put("caption", "second caption");
        }
        Files.write(instances, Json.MAPPER.writeValueAsBytes(inst));
        Files.write(captions, Json.MAPPER.writeValueAsBytes(caps));
    }

    private DataSpec spec(double fraction, String bad) {
        return new DataSpec(images, tmp.resolve("instances.json"), tmp.resolve("captions.json"), null, fraction, bad,
                Map.of());
    }

    @Test
    void holdsOutImagesByAHashOfTheirIdInFileOrder() {
        CocoData d = CocoData.open(spec(0.3, "fail"));
        List<Long> train = d.split("train").imageIds();
        List<Long> test = d.split("test").imageIds();
        assertFalse(train.isEmpty());
        assertFalse(test.isEmpty());
        assertEquals(ids.stream().filter(i -> !CocoData.heldOut(i, 0.3)).toList(), train);
        assertEquals(ids.stream().filter(i -> CocoData.heldOut(i, 0.3)).toList(), test);
        assertSame(d.split("test"), d.split("val"));
        // a larger fraction only moves images from train to test
        List<Long> moreTest = CocoData.open(spec(0.6, "fail")).split("test").imageIds();
        assertTrue(moreTest.containsAll(test) && moreTest.size() > test.size(), moreTest + " vs " + test);
        VistaException e = assertThrows(VistaException.class, () -> d.split("dev"));
        assertEquals("data: no split 'dev'; expected one of test, train, val", e.getMessage());
    }

    @Test
    void evalFilesAreTheTestSplit() throws Exception {
        Path val = Files.createDirectories(tmp.resolve("val2017"));
        writeCoco(val, List.of(9001L, 9002L), tmp.resolve("inst_val.json"), tmp.resolve("caps_val.json"));
        CocoData d = CocoData.open(new DataSpec(images, tmp.resolve("instances.json"), tmp.resolve("captions.json"),
                new DataSpec.Split(val, tmp.resolve("inst_val.json"), tmp.resolve("caps_val.json")), 0.1, "fail",
                Map.of()));
        assertEquals(ids, d.split("train").imageIds());
        assertEquals(List.of(9001L, 9002L), d.split("test").imageIds());
        assertEquals("A person number 9002.", d.split("test").answer(9002, "What is shown in this image?"));
    }

    @Test
    void servesTheCentreSquareWithMasksOnIt() {
        ImageSplit s = CocoData.open(spec(0.5, "fail")).split("train");
        long id = s.imageIds().stream().filter(i -> (i - 100) / 7 % 2 == 0).findFirst().orElseThrow();
        BufferedImage img = s.image(id);
        assertEquals(H, img.getWidth());
        assertEquals(H, img.getHeight());
        assertEquals(new Color(30, 0, 200).getRGB(), img.getRGB(0, 0), "column 1 of the 8x6 image is the first");
        Map<String, boolean[]> masks = new LinkedHashMap<>();
        s.objectMasks(id, 2, 2, 0.5).forEach(m -> masks.put(m.category(), m.patches()));
        // person covers square columns 0-2: the left half; the dog's column 0 is cropped away
        assertArrayEquals(new boolean[] {true, false, true, false}, masks.get("person"));
        assertArrayEquals(new boolean[] {false, false, false, false}, masks.get("dog"));
        assertEquals(s.objects(id), new java.util.TreeSet<>(masks.keySet()), "one mask per category present");
    }

    /**
     * A cropping processor's visible region: the grid covers only the part it keeps, so an object in the cropped-away
     * border is in no patch. A processor with shortest edge 6 and crop 4 keeps rows and columns [1, 5) of the 6×6
     * centre square, i.e. original columns 2–5 and rows 1–4; the skis (original (5, 5) and (6, 5)) are in the
     * cropped-away bottom row.
     */
    @Test
    void masksFollowTheRegionACroppingProcessorKeeps() {
        CocoData d = CocoData.open(spec(0.5, "fail"));
        ImageSplit s = d.split("train").imageIds().contains(100L) ? d.split("train") : d.split("test");
        long id = 100L;   // k = 0: person, dog (column 0, outside the square), skis
        com.fasterxml.jackson.databind.node.ObjectNode n = Json.MAPPER.createObjectNode();
        n.putObject("size").put("shortest_edge", 6);
        n.putObject("crop_size").put("height", 4).put("width", 4);
        org.vistabench.model.vision.ImageProcessor p =
                org.vistabench.model.vision.ImageProcessor.fromJson(n, Path.of("preprocessor_config.json"));
        assertEquals(new org.vistabench.model.vision.VisibleRegion(1 / 6.0, 1 / 6.0, 5 / 6.0, 5 / 6.0),
                p.visibleRegion(H, H));
        Map<String, boolean[]> whole = new LinkedHashMap<>();
        s.objectMasks(id, 2, 2, 0.2).forEach(m -> whole.put(m.category(), m.patches()));
        // over the whole 6x6 square: skis cover 2 of the bottom-right 3x3 patch's 9 pixels (>= 0.2)
        assertArrayEquals(new boolean[] {false, false, false, true}, whole.get("skis"));
        Map<String, boolean[]> seen = new LinkedHashMap<>();
        s.objectMasks(id, 2, 2, 0.2, p::visibleRegion).forEach(m -> seen.put(m.category(), m.patches()));
        assertArrayEquals(new boolean[] {false, false, false, false}, seen.get("skis"), "cropped away");
        // person covers original columns 1-3; the visible 4x4 starts at column 2: its left 2x2 patches are person
        assertArrayEquals(new boolean[] {true, false, true, false}, seen.get("person"));
        // the whole-image region gives exactly the four-argument masks
        Map<String, boolean[]> same = new LinkedHashMap<>();
        s.objectMasks(id, 2, 2, 0.2, ImageSplit.Visible.WHOLE).forEach(m -> same.put(m.category(), m.patches()));
        assertEquals(whole.keySet(), same.keySet());
        whole.forEach((cat, m) -> assertArrayEquals(m, same.get(cat), cat));
        // a CLIP-style processor on the served square sees it whole: the same masks as without a region
        Map<String, boolean[]> clip = new LinkedHashMap<>();
        s.objectMasks(id, 2, 2, 0.2, org.vistabench.model.vision.ImageProcessor.clip()::visibleRegion)
                .forEach(m -> clip.put(m.category(), m.patches()));
        whole.forEach((cat, m) -> assertArrayEquals(m, clip.get(cat), cat));
    }

    /**
     * A crop larger than the resized square (shortest edge 6, crop 8) pads one zero pixel each side: the grid spans
     * square pixels [-1, 7), i.e. original columns 0–7, but only the square [1, 7) is seen, so the dog in original
     * column 0 stays out; the person (columns 1–3, rows 0–2 of the top-left 4×4 patch: 9 of 16) is in.
     */
    @Test
    void aPaddedCropCountsItsBorderAsEmpty() {
        CocoData d = CocoData.open(spec(0.5, "fail"));
        ImageSplit s = d.split("train").imageIds().contains(100L) ? d.split("train") : d.split("test");
        com.fasterxml.jackson.databind.node.ObjectNode n = Json.MAPPER.createObjectNode();
        n.putObject("size").put("shortest_edge", 6);
        n.putObject("crop_size").put("height", 8).put("width", 8);
        org.vistabench.model.vision.ImageProcessor p =
                org.vistabench.model.vision.ImageProcessor.fromJson(n, Path.of("preprocessor_config.json"));
        assertArrayEquals(new int[] {-1, -1, 8, 8}, p.visibleRegion(H, H).inPixels(H, H));
        Map<String, boolean[]> seen = new LinkedHashMap<>();
        s.objectMasks(100L, 2, 2, 0.5, p::visibleRegion).forEach(m -> seen.put(m.category(), m.patches()));
        assertArrayEquals(new boolean[] {true, false, true, false}, seen.get("person"));
        assertArrayEquals(new boolean[] {false, false, false, false}, seen.get("dog"));
    }

    @Test
    void derivesPresenceAndCountQuestionsDeterministically() {
        CocoData d = CocoData.open(spec(0.5, "fail"));
        ImageSplit all = d.split("train").imageIds().contains(100L) ? d.split("train") : d.split("test");
        List<CocoQuestion> q = all.questions(100L); // person, dog, two skis
        assertEquals(q, all.questions(100L));
        assertEquals(3, q.size(), q.toString());
        CocoQuestion yes = q.get(0);
        CocoQuestion no = q.get(1);
        CocoQuestion count = q.get(2);
        assertEquals(List.of("presence", "presence", "count"), q.stream().map(CocoQuestion::type).toList());
        assertEquals("yes", yes.answer());
        assertEquals("no", no.answer());
        assertEquals("Is there an apple in the image?", no.question(), "apple is the only absent category");
        String present = yes.question().startsWith("Are there skis") ? "skis"
                : yes.question().replaceAll("Is there an? (.*) in the image\\?", "$1");
        assertTrue(Set.of("person", "dog", "skis").contains(present), yes.question());
        Map<String, String> counts = Map.of("person", "How many people are in the image?=1",
                "dog", "How many dogs are in the image?=1", "skis", "How many skis are in the image?=2");
        assertEquals(counts.get(present), count.question() + "=" + count.answer());
        assertEquals(yes.answer(), all.answer(100L, yes.question()));
        assertEquals("A person number 100.", all.answer(100L, "What is shown in this image?"));
    }

    @Test
    void crowdAnnotationsHaveNoCountQuestion() {
        CocoData d = CocoData.open(spec(0.5, "fail"));
        ImageSplit s = d.split("train").imageIds().contains(114L) ? d.split("train") : d.split("test");
        for (CocoQuestion q : s.questions(114L)) {
            assertFalse(q.type().equals("count") && q.question().contains("dogs"), q.toString());
        }
    }

    @Test
    void namesObjectsThroughTheLexicon() {
        CocoData d = CocoData.open(spec(0.5, "fail"));
        assertEquals(Optional.of("person"), d.objectOf("People"));
        assertEquals(Optional.of(new Concept(Concept.Kind.OBJECT, "dog")), d.conceptOf("puppies"));
        assertEquals(Optional.of("skis"), d.objectOf("ski"));
        assertEquals(Optional.empty(), d.objectOf("cat"), "not a category of this dataset");
        assertEquals(List.of(), d.alternatives("red"));
        ImageSplit s = d.split("train");
        long id = s.imageIds().get(0);
        assertTrue(s.concepts(id).stream().allMatch(c -> c.kind() == Concept.Kind.OBJECT));
        assertEquals(s.objects(id), s.concepts(id).stream().map(Concept::word)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
    }

    @Test
    void missingImageFailsNamingItsPathOrIsLeftOut() throws Exception {
        Path gone = images.resolve(String.format("%012d.png", ids.get(3)));
        Files.delete(gone);
        VistaException e = assertThrows(VistaException.class, () -> CocoData.open(spec(0.5, "fail")));
        assertEquals(ExitCodes.CELL_FAILED, e.exitCode());
        assertTrue(e.getMessage().startsWith(gone + ": ") && e.getMessage().contains("does not exist"),
                e.getMessage());
        CocoData d = CocoData.open(spec(0.5, "skip"));
        List<Long> kept = new ArrayList<>(d.split("train").imageIds());
        kept.addAll(d.split("test").imageIds());
        assertEquals(19, kept.size());
        assertFalse(kept.contains(ids.get(3)));
    }

    @Test
    void undecodableImageFailsNamingItsPathOrGetsAGreyStandIn() throws Exception {
        long id = ids.get(4);
        Path broken = images.resolve(String.format("%012d.png", id));
        Files.writeString(broken, "not a png");
        CocoData fail = CocoData.open(spec(0.5, "fail"));
        ImageSplit s = fail.split("train").imageIds().contains(id) ? fail.split("train") : fail.split("test");
        VistaException e = assertThrows(VistaException.class, () -> s.image(id));
        assertEquals(ExitCodes.CELL_FAILED, e.exitCode());
        assertTrue(e.getMessage().startsWith(broken + ": image id " + id), e.getMessage());
        CocoData skip = CocoData.open(spec(0.5, "skip"));
        ImageSplit k = skip.split("train").imageIds().contains(id) ? skip.split("train") : skip.split("test");
        BufferedImage grey = k.image(id);
        assertEquals(H, grey.getWidth());
        assertEquals(new Color(128, 128, 128).getRGB(), grey.getRGB(3, 3));
    }

    @Test
    void conversationSetIsASplitOfRecordIndices() throws Exception {
        Path chatImages = Files.createDirectories(tmp.resolve("llava/images/sub"));
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(img, "png", chatImages.resolve("a.png").toFile());
        ImageIO.write(img, "png", chatImages.resolve("b.png").toFile());
        Path json = Files.writeString(tmp.resolve("llava/chat.json"), """
                [{"id": "a", "image": "sub/a.png", "conversations": [{"from": "human", "value": "<image>\\nWho?"},
                  {"from": "gpt", "value": "A man."}]},
                 {"id": "t", "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]},
                 {"id": "b", "image": "sub/b.png", "conversations": [{"from": "human", "value": "Where?<image>"},
                  {"from": "gpt", "value": "On a beach."}]}]
                """);
        CocoData d = CocoData.open(new DataSpec(images, tmp.resolve("instances.json"), tmp.resolve("captions.json"),
                null, 0.1, "fail", Map.of("finetune", new DataSpec.Conversations(json, tmp.resolve("llava/images")))));
        ImageSplit s = d.split("finetune");
        assertEquals(List.of(0L, 2L), s.imageIds());
        assertEquals("Who?", s.question(0, "fallback"));
        assertEquals("Where?", s.question(2, "fallback"));
        assertEquals("On a beach.", s.answer(2, "Where?"));
        assertEquals(4, s.image(0).getWidth());
        assertEquals(Set.of(), s.objects(0));
        assertEquals(List.of(), s.questions(0));
        assertEquals(List.of(), s.objectMasks(0, 2, 2, 0.5));
    }

    @Test
    void idIsStableAndFollowsTheAnnotationFiles() throws Exception {
        String id = CocoData.open(spec(0.1, "fail")).id();
        assertTrue(id.matches("coco:[0-9a-f]{16}"), id);
        assertEquals(id, CocoData.open(spec(0.1, "fail")).id());
        String caps = Files.readString(tmp.resolve("captions.json"));
        Files.writeString(tmp.resolve("captions.json"), caps.replace("second caption", "another caption"));
        assertNotEquals(id, CocoData.open(spec(0.1, "fail")).id());
    }
}
