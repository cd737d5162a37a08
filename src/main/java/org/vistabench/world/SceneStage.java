package org.vistabench.world;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;
import java.util.function.ObjLongConsumer;
import javax.imageio.ImageIO;
import org.vistabench.data.Rle;
import org.vistabench.io.AtomicFiles;
import org.vistabench.io.Json;
import org.vistabench.world.lm.LmCorpus;
import org.vistabench.world.scene.Lexicon;
import org.vistabench.world.scene.RenderedScene;
import org.vistabench.world.scene.SceneGenerator;
import org.vistabench.world.scene.SceneObject;
import org.vistabench.world.text.Grammar;

/**
 * Scenes as a COCO-format dataset: {@code images/*.png}, {@code instances_{split}.json} (bbox, exact masks as
 * uncompressed RLE, colour/state attributes), {@code captions_{split}.json}, {@code questions_{split}.json} and
 * {@code grids_{split}.json} (per image the 64 patch words and owning annotation ids). Every scene is a pure function
 * of (world seed, split, index), so later stages regenerate them in memory instead of reading the files back.
 */
public final class SceneStage {
    public static final List<String> SPLITS = List.of("train", "val", "test");
    /**
     * The encoders' own pretraining scenes: a seed stream of their own, disjoint from every split and from the LM's
     * extra layouts, never written as images (as DINOv2 or CLIP never saw COCO).
     */
    public static final String ENCODER_SPLIT = "encoder";
    private static final ObjectWriter COMPACT = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    /** A split's scenes with their COCO image ids. */
    public record Split(String name, long firstId, List<RenderedScene> scenes) {
        public long imageId(int i) {
            return firstId + i;
        }
    }

    private SceneStage() {
    }

    public static int count(WorldSettings s, String split) {
        return switch (split) {
            case "train" -> s.trainScenes();
            case "val" -> s.valScenes();
            case "test" -> s.testScenes();
            case "lm" -> s.lmExtraScenes();
            case ENCODER_SPLIT -> throw new IllegalArgumentException("the encoder scenes' count is the encoder stage's"
                    + " (render them with an explicit count)");
            default -> throw new IllegalArgumentException("unknown split " + split);
        };
    }

    private static long stream(String split) {
        return switch (split) {
            case "train" -> 1;
            case "val" -> 2;
            case "test" -> 3;
            case ENCODER_SPLIT -> 5;
            default -> 4;
        };
    }

    public static long firstId(WorldSettings s, String split) {
        return switch (split) {
            case "train" -> 1;
            case "val" -> 1 + s.trainScenes();
            case "test" -> 1 + s.trainScenes() + s.valScenes();
            case ENCODER_SPLIT -> 2_000_001;
            default -> 1_000_001;
        };
    }

    public static Split generate(WorldSettings s, Lexicon lex, String split, IntConsumer progress) {
        List<RenderedScene> out = new ArrayList<>(count(s, split));
        render(s, lex, split, (rs, id) -> {
            out.add(rs);
            progress.accept(1);
        });
        return new Split(split, firstId(s, split), out);
    }

    /** A split's scenes as LM entries only (no pixels kept: the LM-only layouts never need them). */
    public static List<LmCorpus.Entry> generateEntries(WorldSettings s, Lexicon lex, String split, IntConsumer progress) {
        List<LmCorpus.Entry> out = new ArrayList<>(count(s, split));
        render(s, lex, split, (rs, id) -> {
            out.add(new LmCorpus.Entry(rs.scene(), rs.grid(), rs.patchOwner()));
            progress.accept(1);
        });
        return out;
    }

    /**
     * Draws a split's scenes one at a time, in order, handing each with its image id to {@code each} (which keeps
     * what it needs: a caller that only wants labels or 8-bit pixels never holds every drawn image at once).
     */
    public static void render(WorldSettings s, Lexicon lex, String split, ObjLongConsumer<RenderedScene> each) {
        render(s, lex, split, count(s, split), each);
    }

    /** As {@link #render(WorldSettings, Lexicon, String, ObjLongConsumer)}, the first {@code n} scenes of a stream. */
    public static void render(WorldSettings s, Lexicon lex, String split, int n, ObjLongConsumer<RenderedScene> each) {
        SceneGenerator gen = new SceneGenerator(lex);
        long first = firstId(s, split);
        for (int i = 0; i < n; i++) {
            each.accept(gen.generate(first + i, Seeds.derive(s.seed(), 11, stream(split), i)), first + i);
        }
    }

    public static List<LmCorpus.Entry> entries(Split split) {
        List<LmCorpus.Entry> out = new ArrayList<>();
        for (RenderedScene rs : split.scenes()) {
            out.add(new LmCorpus.Entry(rs.scene(), rs.grid(), rs.patchOwner()));
        }
        return out;
    }

    /** Writes one split's images and json files into {@code dataDir}. */
    public static void write(Path dataDir, Split split, WorldSettings s, Lexicon lex, IntConsumer progress) {
        Grammar grammar = new Grammar(lex);
        List<Object> images = new ArrayList<>();
        List<Object> anns = new ArrayList<>();
        List<Object> caps = new ArrayList<>();
        List<Object> questions = new ArrayList<>();
        List<Object> grids = new ArrayList<>();
        long annId = split.firstId() * 10;
        long capId = split.firstId() * 10;
        long qId = split.firstId() * 20;
        int size = SceneGenerator.IMAGE_SIZE;
        for (int i = 0; i < split.scenes().size(); i++) {
            RenderedScene rs = split.scenes().get(i);
            long imageId = split.imageId(i);
            String file = String.format("%08d.png", imageId);
            writePng(dataDir.resolve("images").resolve(file), rs);
            images.add(map("id", imageId, "file_name", file, "width", size, "height", size));
            List<SceneObject> objs = rs.scene().objects();
            long[] annIds = new long[objs.size()];
            for (int o = 0; o < objs.size(); o++) {
                boolean[] mask = new boolean[size * size];
                int minX = size;
                int minY = size;
                int maxX = -1;
                int maxY = -1;
                int area = 0;
                for (int p = 0; p < mask.length; p++) {
                    if (rs.instanceMap()[p] == o) {
                        mask[p] = true;
                        area++;
                        int x = p % size;
                        int y = p / size;
                        minX = Math.min(minX, x);
                        minY = Math.min(minY, y);
                        maxX = Math.max(maxX, x);
                        maxY = Math.max(maxY, y);
                    }
                }
                SceneObject so = objs.get(o);
                Rle rle = Rle.encode(mask, size, size);
                annIds[o] = ++annId;
                Map<String, Object> a = map("id", annIds[o], "image_id", imageId,
                        "category_id", lex.category(so.category()).id(),
                        "bbox", List.of(minX, minY, maxX - minX + 1, maxY - minY + 1), "area", area, "iscrowd", 0);
                a.put("segmentation", map("size", List.of(size, size), "counts", rle.counts()));
                a.put("attributes", map("colour", lex.colours().get(so.colour()),
                        "state", lex.statesOf(so.category()).get(so.state())));
                anns.add(a);
            }
            Random r = new Random(Seeds.derive(s.seed(), 12, imageId));
            for (int c = 0; c < s.captionsPerImage(); c++) {
                caps.add(map("id", ++capId, "image_id", imageId, "caption", grammar.caption(rs.scene(), r)));
            }
            for (Grammar.QA qa : grammar.questionSet(rs.scene(), r)) {
                questions.add(map("id", ++qId, "image_id", imageId, "type", qa.type(), "question", qa.question(),
                        "answer", qa.answer()));
            }
            List<Long> owners = new ArrayList<>();
            for (int p : rs.patchOwner()) {
                owners.add(p < 0 ? -1L : annIds[p]);
            }
            grids.add(map("image_id", imageId, "words", List.of(rs.grid()), "annotation_ids", owners));
            progress.accept(1);
        }
        List<Object> categories = new ArrayList<>();
        for (Lexicon.Category c : lex.categories()) {
            categories.add(map("id", c.id(), "name", c.name(), "supercategory", c.supercategory()));
        }
        Map<String, Object> info = map("description", "vistabench mini world, split " + split.name(),
                "version", Stages.CODE_VERSION, "seed", s.seed(), "scale", s.scale());
        Map<String, Object> inst = map("info", info, "images", images, "annotations", anns, "categories", categories);
        inst.put("licenses", List.of());
        writeJson(dataDir.resolve("instances_" + split.name() + ".json"), inst);
        writeJson(dataDir.resolve("captions_" + split.name() + ".json"), map("info", info, "images", images,
                "annotations", caps));
        writeJson(dataDir.resolve("questions_" + split.name() + ".json"), map("info", info, "questions", questions));
        writeJson(dataDir.resolve("grids_" + split.name() + ".json"), map("info", info, "patch", SceneGenerator.PATCH,
                "grid", SceneGenerator.GRID, "grids", grids));
    }

    /** The lexicon as data ({@code data/lexicon.json}) for tools outside the JVM. */
    public static void writeLexicon(Path dataDir, Lexicon lex) {
        List<Object> cats = new ArrayList<>();
        for (Lexicon.Category c : lex.categories()) {
            cats.add(map("id", c.id(), "name", c.name(), "supercategory", c.supercategory(), "synonyms", c.synonyms()));
        }
        writeJson(dataDir.resolve("lexicon.json"), map("categories", cats, "colours", lex.colours(),
                "states", lex.statesBySupercategory(), "backgrounds", lex.backgrounds(), "synonyms", lex.synonyms()));
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static void writeJson(Path file, Object value) {
        try {
            AtomicFiles.write(file, COMPACT.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static void writePng(Path file, RenderedScene rs) {
        writePng(file, rs.image());
    }

    static void writePng(Path file, java.awt.image.BufferedImage img) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            if (!ImageIO.write(img, "png", bos)) {
                throw new IOException("no PNG writer");
            }
            AtomicFiles.write(file, bos.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
