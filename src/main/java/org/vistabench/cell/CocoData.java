package org.vistabench.cell;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.data.CocoAnnotation;
import org.vistabench.data.CocoCategory;
import org.vistabench.data.CocoDataset;
import org.vistabench.data.CocoImage;
import org.vistabench.data.CocoLexicon;
import org.vistabench.data.CocoQuestion;
import org.vistabench.data.LlavaConversation;
import org.vistabench.data.LlavaConversations;
import org.vistabench.io.Sha256;
import org.vistabench.score.Concept;
import org.vistabench.spec.DataSpec;

/**
 * A spec's {@code data:} section as a {@link DataBundle}: COCO-format splits {@code train} and {@code test}
 * ({@code val} is the same as {@code test}) and one split per named LLaVA conversation set.
 *
 * <p><b>Splits.</b> With {@code data.eval}, {@code train} is every usable image of the training files and {@code test}
 * every usable image of the eval files. Without it, an image is held out (in {@code test}, not in {@code train}) when
 * {@code mix64(image id) mod 10^6 < test_fraction × 10^6}, {@code mix64} being SplitMix64's finaliser: a property
 * of the id alone, so adding or removing images never moves another image between the splits. Both keep the
 * instances file's order. An image is usable when its file exists and is not empty and it has at least one caption
 * (its first caption is the training answer); images without captions are left out, counted in a WARN line.
 *
 * <p><b>Unreadable images</b> ({@code data.bad_images}). Opening stats every image file (cheap; decoding 118k JPEGs
 * up front is not). A missing or empty file is, under {@code fail}, an error naming its path (exit 3); under
 * {@code skip}, a WARN naming it and the image is left out of its split. A file that exists but does not decode is
 * found only when its features are computed, after the split's ids are fixed (they key the feature cache): under
 * {@code fail} it is an error naming the path; under {@code skip} a WARN (once per image) and a mid-grey stand-in
 * of the image's size is used, so the feature rows stay aligned with the ids. A bad image never crashes the JVM.
 *
 * <p><b>What the encoder sees.</b> Every image is served centre-cropped to a square (side = its shorter edge), and
 * object masks are laid over the part of that square the encoder's processor keeps
 * ({@link ImageSplit#objectMasks(long, int, int, double, ImageSplit.Visible)} with the processor's
 * {@code visibleRegion}): the whole square for processors that resize the shorter edge and centre-crop a square of
 * that size (CLIP: 224 → 224, LLaVA's 336 → 336), its central 224/256 for DINOv2's (256 → crop 224). Region edges
 * are rounded to whole pixels of the original image. A processor that squashes without cropping would see the
 * square, not the full image.
 *
 * <p><b>Vocabulary.</b> The shipped COCO lexicon ({@link CocoLexicon}), restricted to the dataset's categories.
 * COCO has no attributes or scenes: an image's concepts are its object categories only, and
 * {@link #alternatives} is empty (attribute steering finds no pairs).
 *
 * <p><b>Questions.</b> COCO has no question set, so {@link ImageSplit#questions} derives them from the instances,
 * deterministically from the image id: a {@code presence} question about one present category (answer
 * {@code yes}), one about a category absent from the image (answer {@code no}), and a {@code count} question
 * about the same present category ({@code How many <plural> are in the image?}, answered in digits as VQA does)
 * unless that category has a crowd annotation (its count is unknown).
 *
 * <p><b>Memory.</b> {@link CocoDataset} streams each json (no tree of a whole file) and keeps per image its
 * metadata, per annotation its bbox, area and polygons or RLE counts, and all captions: for train2017 (118k
 * images, 860k annotations) an estimated 1–2 GB of heap (not measured). Conversation sets keep per record only its
 * image path, first question and first answer (see {@link LlavaConversations}).
 *
 * <p>{@link #id()} is {@code coco:} + the first 16 hex digits of a SHA-256 over the contents of the instances,
 * captions and conversation json files, the image folders' absolute paths and this class's image rule version:
 * hashing runs at disk speed (about a second per 500 MB), once per run, and unlike a path-and-size key it notices
 * an edited annotation file. The split name and the image ids are added to feature-cache keys by the caller.
 */
final class CocoData implements DataBundle {
    private static final Logger LOG = LoggerFactory.getLogger(CocoData.class);
    /** Bump when what {@link #image} serves changes (the crop), so old cached features are not reused. */
    static final String IMAGE_RULE = "centre-square/v1";
    static final String PRESENCE = "presence";
    static final String COUNT = "count";

    private final CocoLexicon lexicon;
    private final Map<String, ImageSplit> splits;
    private final String id;

    private CocoData(CocoLexicon lexicon, Map<String, ImageSplit> splits, String id) {
        this.lexicon = lexicon;
        this.splits = splits;
        this.id = id;
    }

    static CocoData open(DataSpec spec) {
        boolean skip = DataSpec.SKIP.equals(spec.badImages());
        Images images = new Images(skip);
        CocoDataset train = CocoDataset.load(spec.images(), spec.instances(), spec.captions(), null);
        CocoDataset eval = spec.eval() == null ? null
                : CocoDataset.load(spec.eval().images(), spec.eval().instances(), spec.eval().captions(), null);
        Set<String> names = new TreeSet<>();
        train.categories().forEach(c -> names.add(c.name()));
        if (eval != null) {
            eval.categories().forEach(c -> names.add(c.name()));
        }
        CocoLexicon shipped = CocoLexicon.coco();
        List<String> unknown = names.stream().filter(n -> !shipped.categories().contains(n)).toList();
        if (!unknown.isEmpty()) {
            LOG.warn("{}: categories {} are not in the COCO lexicon; each is named only by its own name when that is "
                    + "one word", spec.instances(), unknown);
        }
        CocoLexicon lexicon = shipped.restrictTo(names);

        Map<String, ImageSplit> splits = new TreeMap<>();
        List<Long> usableTrain = usable(train, spec.instances(), skip);
        if (eval == null) {
            List<Long> tr = new ArrayList<>();
            List<Long> te = new ArrayList<>();
            for (long i : usableTrain) {
                (heldOut(i, spec.testFraction()) ? te : tr).add(i);
            }
            LOG.info("{}: {} train and {} held-out images (test_fraction {}, by image id)", spec.instances(),
                    tr.size(), te.size(), spec.testFraction());
            splits.put("train", new CocoSplit(train, tr, lexicon, images));
            splits.put("test", new CocoSplit(train, te, lexicon, images));
        } else {
            splits.put("train", new CocoSplit(train, usableTrain, lexicon, images));
            splits.put("test", new CocoSplit(eval, usable(eval, spec.eval().instances(), skip), lexicon, images));
        }
        splits.put("val", splits.get("test"));
        spec.conversations().forEach((name, c) -> splits.put(name, conversations(c, skip, images)));

        MessageDigest md = Sha256.digest();
        md.update((IMAGE_RULE + "\n").getBytes(StandardCharsets.UTF_8));
        List<DataSpec.Split> coco = new ArrayList<>();
        coco.add(new DataSpec.Split(spec.images(), spec.instances(), spec.captions()));
        if (spec.eval() != null) {
            coco.add(spec.eval());
        }
        for (DataSpec.Split s : coco) {
            hashFolder(md, s.images());
            hashFile(md, s.instances());
            hashFile(md, s.captions());
        }
        spec.conversations().forEach((name, c) -> {
            md.update((name + "\n").getBytes(StandardCharsets.UTF_8));
            hashFolder(md, c.images());
            hashFile(md, c.json());
        });
        String id = "coco:" + Sha256.hex(md).substring(0, 16);
        return new CocoData(lexicon, java.util.Collections.unmodifiableMap(splits), id);
    }

    /** Whether the image id is held out of {@code train} when there is no eval split (see the class comment). */
    static boolean heldOut(long imageId, double fraction) {
        return Long.remainderUnsigned(mix64(imageId), 1_000_000L) < Math.round(fraction * 1_000_000L);
    }

    /** SplitMix64's finaliser: a fixed, well-mixed function of the id. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static List<Long> usable(CocoDataset ds, Path instances, boolean skip) {
        List<Long> out = new ArrayList<>();
        int noCaption = 0;
        for (CocoImage im : ds.images()) {
            if (ds.captions(im.id()).isEmpty()) {
                noCaption++;
                continue;
            }
            if (present(ds.imagePath(im.id()), "image id " + im.id() + " of " + instances, skip)) {
                out.add(im.id());
            }
        }
        if (noCaption > 0) {
            LOG.warn("{}: {} images have no caption and are left out (their answer would be missing)", instances,
                    noCaption);
        }
        return out;
    }

    /** Whether an image file exists and is not empty; if not, an error ({@code fail}) or a WARN ({@code skip}). */
    private static boolean present(Path file, String what, boolean skip) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) > 0) {
                return true;
            }
        } catch (IOException e) {
            // unreadable metadata counts as a missing file
        }
        String why = Files.exists(file) ? "is empty or not a file" : "does not exist";
        if (!skip) {
            throw new VistaException(ExitCodes.CELL_FAILED, file + ": the image file of " + what + " " + why
                    + " (data.bad_images: skip leaves such images out)");
        }
        LOG.warn("{}: the image file of {} {}; left out (data.bad_images: skip)", file, what, why);
        return false;
    }

    private static ImageSplit conversations(DataSpec.Conversations c, boolean skip, Images images) {
        LlavaConversations.Result r = LlavaConversations.read(c.json());
        Map<Long, LlavaConversation> byId = new LinkedHashMap<>();
        for (LlavaConversation rec : r.records()) {
            if (present(c.images().resolve(rec.image()), "record " + rec.index() + " of " + c.json(), skip)) {
                byId.put(rec.index(), rec);
            }
        }
        return new ConversationSplit(c, byId, images);
    }

    private static void hashFile(MessageDigest md, Path file) {
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, file + ": cannot read: " + e.getMessage(), e);
        }
        md.update((byte) '\n');
    }

    private static void hashFolder(MessageDigest md, Path folder) {
        md.update((folder.toAbsolutePath().normalize() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public ImageSplit split(String name) {
        ImageSplit s = splits.get(name);
        if (s == null) {
            throw new VistaException(ExitCodes.USAGE, "data: no split '" + name + "'; expected one of "
                    + String.join(", ", splits.keySet()));
        }
        return s;
    }

    @Override
    public Optional<String> objectOf(String word) {
        return lexicon.categoryOf(word);
    }

    @Override
    public Optional<Concept> conceptOf(String word) {
        return lexicon.categoryOf(word).map(c -> new Concept(Concept.Kind.OBJECT, c));
    }

    @Override
    public String id() {
        return id;
    }

    /** Decodes images, centre-cropped to a square, under the bad-images rule. */
    static final class Images {
        private final boolean skip;
        private final Set<Path> warned = ConcurrentHashMap.newKeySet();

        Images(boolean skip) {
            this.skip = skip;
        }

        BufferedImage read(Path file, String what, int width, int height) {
            BufferedImage img;
            String why;
            try {
                img = ImageIO.read(file.toFile());
                why = img == null ? "not a readable image" : null;
            } catch (IOException | RuntimeException e) {
                img = null;
                why = "cannot decode: " + e.getMessage();
            }
            if (img == null) {
                if (!skip) {
                    throw new VistaException(ExitCodes.CELL_FAILED, file + ": " + what + ": " + why
                            + " (data.bad_images: skip uses a grey stand-in)");
                }
                if (warned.add(file)) {
                    LOG.warn("{}: {}: {}; a mid-grey stand-in is used (data.bad_images: skip)", file, what, why);
                }
                img = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(new Color(128, 128, 128));
                g.fillRect(0, 0, img.getWidth(), img.getHeight());
                g.dispose();
            }
            return centreSquare(img);
        }
    }

    /** The centred square of side min(width, height). */
    static BufferedImage centreSquare(BufferedImage img) {
        int[] r = square(img.getWidth(), img.getHeight());
        return r[2] == img.getWidth() && r[3] == img.getHeight() ? img : img.getSubimage(r[0], r[1], r[2], r[3]);
    }

    /** {x0, y0, w, h} of the centred square of a {@code width × height} image. */
    static int[] square(int width, int height) {
        int s = Math.min(width, height);
        return new int[] {(width - s) / 2, (height - s) / 2, s, s};
    }

    /** A COCO-format split: its ids, images, categories, masks, captions and derived questions. */
    static final class CocoSplit implements ImageSplit {
        private final CocoDataset ds;
        private final List<Long> ids;
        private final CocoLexicon lexicon;
        private final Images images;
        private final List<String> categoryNames;

        CocoSplit(CocoDataset ds, List<Long> ids, CocoLexicon lexicon, Images images) {
            this.ds = ds;
            this.ids = List.copyOf(ids);
            this.lexicon = lexicon;
            this.images = images;
            this.categoryNames = ds.categories().stream().map(CocoCategory::name).toList();
        }

        @Override
        public List<Long> imageIds() {
            return ids;
        }

        @Override
        public BufferedImage image(long id) {
            CocoImage im = ds.image(id).orElseThrow(() -> new IllegalArgumentException("no image id " + id));
            return images.read(ds.imagePath(id), "image id " + id, im.width(), im.height());
        }

        @Override
        public Set<String> objects(long id) {
            return ds.categoryNames(id);
        }

        @Override
        public Set<Concept> concepts(long id) {
            Set<Concept> out = new TreeSet<>();
            objects(id).forEach(o -> out.add(new Concept(Concept.Kind.OBJECT, o)));
            return out;
        }

        @Override
        public List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover) {
            return objectMasks(id, cols, rows, minCover, Visible.WHOLE);
        }

        /** The grid over the visible part of the served square (its size is known without decoding the image). */
        @Override
        public List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover, Visible visible) {
            CocoImage im = ds.image(id).orElseThrow(() -> new IllegalArgumentException("no image id " + id));
            int[] r = square(im.width(), im.height());
            return VisibleMasks.of(ds, id, cols, rows, minCover, r[0], r[1], r[2], r[3], visible);
        }

        @Override
        public String answer(long id, String question) {
            for (CocoQuestion q : questions(id)) {
                if (q.question().equals(question)) {
                    return q.answer();
                }
            }
            return ds.captions(id).get(0);
        }

        @Override
        public List<CocoQuestion> questions(long id) {
            List<String> present = new ArrayList<>(objects(id));
            List<String> absent = categoryNames.stream().filter(c -> !present.contains(c)).toList();
            long h = mix64(id);
            List<CocoQuestion> out = new ArrayList<>();
            if (!present.isEmpty()) {
                String c = present.get((int) Long.remainderUnsigned(h, present.size()));
                out.add(new CocoQuestion(id * 10, id, PRESENCE, presence(c), "yes"));
                int n = 0;
                boolean crowd = false;
                for (CocoAnnotation a : ds.annotations(id)) {
                    if (ds.category(a.categoryId()).name().equals(c)) {
                        n++;
                        crowd |= a.iscrowd() != 0;
                    }
                }
                if (!crowd) {
                    out.add(new CocoQuestion(id * 10 + 2, id, COUNT, "How many " + lexicon.plural(c)
                            + " are in the image?", Integer.toString(n)));
                }
            }
            if (!absent.isEmpty()) {
                String c = absent.get((int) Long.remainderUnsigned(mix64(h), absent.size()));
                out.add(new CocoQuestion(id * 10 + 1, id, PRESENCE, presence(c), "no"));
            }
            out.sort(java.util.Comparator.comparingLong(CocoQuestion::id));
            return out;
        }

        /** "Is there a dog in the image?", "Is there an apple …", "Are there skis …" (plural-only names). */
        private String presence(String category) {
            if (lexicon.plural(category).equals(category) && category.endsWith("s")) {
                return "Are there " + category + " in the image?";
            }
            String article = "aeiou".indexOf(category.toLowerCase(Locale.ROOT).charAt(0)) >= 0 ? "an" : "a";
            return "Is there " + article + " " + category + " in the image?";
        }
    }

    /**
     * A LLaVA conversation set: image ids are record indices in the json; the answer is the first gpt turn, the
     * question the first human turn without {@code <image>}. No annotations: no objects, concepts, masks or
     * questions.
     */
    static final class ConversationSplit implements ImageSplit {
        private final DataSpec.Conversations set;
        private final Map<Long, LlavaConversation> byId;
        private final List<Long> ids;
        private final Images images;

        ConversationSplit(DataSpec.Conversations set, Map<Long, LlavaConversation> byId, Images images) {
            this.set = set;
            this.byId = byId;
            this.ids = List.copyOf(byId.keySet());
            this.images = images;
        }

        private LlavaConversation record(long id) {
            LlavaConversation c = byId.get(id);
            if (c == null) {
                throw new IllegalArgumentException(set.json() + ": no kept record " + id);
            }
            return c;
        }

        @Override
        public List<Long> imageIds() {
            return ids;
        }

        @Override
        public BufferedImage image(long id) {
            return images.read(set.images().resolve(record(id).image()), "record " + id + " of " + set.json(), 336,
                    336);
        }

        @Override
        public Set<String> objects(long id) {
            return Set.of();
        }

        @Override
        public String answer(long id, String question) {
            return record(id).answer();
        }

        @Override
        public String question(long id, String fallback) {
            String q = record(id).question();
            return q.isEmpty() ? fallback : q;
        }

        @Override
        public Set<Concept> concepts(long id) {
            return Set.of();
        }

        @Override
        public List<ObjectMask> objectMasks(long id, int cols, int rows, double minCover) {
            return List.of();
        }

        @Override
        public List<CocoQuestion> questions(long id) {
            return List.of();
        }
    }
}
